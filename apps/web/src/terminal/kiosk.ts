/**
 * The kiosk's one terminal engine per browser profile: a module singleton opened once per page, guarded by a
 * Web Lock so a second tab cannot run a second engine on the same IndexedDB (two engines would hand out one
 * event sequence number twice), on storage the browser is asked to keep (navigator.storage.persist()).
 */
import { TerminalEngine } from "@tessera/terminal-engine";
import { config } from "../config/index.ts";

/** Sent at enrolment and in reports: policy switches card layouts only once the fleet runs new enough software. */
export const SOFTWARE_VERSION = "0.1.0";
const LOCK_NAME = "tessera-terminal";

export type KioskStart =
  | { kind: "ready"; engine: TerminalEngine; persisted: boolean }
  /** Another tab of this browser runs the terminal. */
  | { kind: "other-tab" }
  /** The browser lacks IndexedDB or WebCrypto Ed25519 and cannot be a terminal. */
  | { kind: "unsupported"; detail: string }
  | { kind: "failed"; detail: string };

let starting: Promise<KioskStart> | undefined;

/** Holds the lock for as long as this page lives; resolves with whether it was free. */
function holdTerminalLock(): Promise<boolean> {
  if (!("locks" in navigator)) return Promise.resolve(true);
  return new Promise((resolve) => {
    navigator.locks
      .request(LOCK_NAME, { ifAvailable: true }, (lock) => {
        resolve(lock !== null);
        // Never settles: the lock is released when the page goes away, not before.
        return lock ? new Promise<void>(() => {}) : undefined;
      })
      .catch(() => resolve(false));
  });
}

async function start(): Promise<KioskStart> {
  if (typeof indexedDB === "undefined" || typeof crypto?.subtle === "undefined") {
    return { kind: "unsupported", detail: "IndexedDB and WebCrypto are needed" };
  }
  if (!(await holdTerminalLock())) return { kind: "other-tab" };
  // Without persistence the browser may evict IndexedDB under storage pressure, events and all.
  const persisted = (await navigator.storage?.persist?.().catch(() => false)) ?? false;
  try {
    const engine = await TerminalEngine.open({
      endpoints: config.workers,
      softwareVersion: SOFTWARE_VERSION,
    });
    engine.start();
    return { kind: "ready", engine, persisted };
  } catch (error) {
    return { kind: "failed", detail: error instanceof Error ? error.message : String(error) };
  }
}

/** Opens the kiosk's engine once per page; every later call gets the same one. */
export function startKiosk(): Promise<KioskStart> {
  starting ??= start();
  return starting;
}
