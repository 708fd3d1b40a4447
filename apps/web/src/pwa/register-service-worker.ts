// Registers the workbox service worker that keeps the app shell available offline, and applies
// a new version only when the screen is idle: a kiosk must never reload under a customer's card.
import { Workbox } from "workbox-window";
import { updateGate as idleGate } from "./update-hold.ts";

export { holdServiceWorkerUpdates } from "./update-hold.ts";

/** How often to look at the idle gate while an update waits. */
const IDLE_POLL_MS = 5_000;
/** Kiosks can stay open for days, so they must look for new versions themselves. */
const UPDATE_CHECK_MS = 30 * 60_000;

let registered = false;

export function registerServiceWorker(scriptUrl = "/sw.js"): void {
  if (registered || typeof window === "undefined" || !("serviceWorker" in navigator)) return;
  registered = true;

  for (const type of ["pointerdown", "keydown"] as const) {
    window.addEventListener(type, () => idleGate.noteActivity(Date.now()), { capture: true, passive: true });
  }

  const workbox = new Workbox(scriptUrl);
  // What to do once the kiosk is idle: let the waiting version take over, or reload into it once it has. A
  // reload wins: the page it loads finds any version still waiting by itself.
  let pending: { kind: "activate" | "reload"; run: () => void } | undefined;
  let idlePoll: ReturnType<typeof setInterval> | undefined;
  const whenIdle = (kind: "activate" | "reload", run: () => void) => {
    if (pending?.kind !== "reload") pending = { kind, run };
    const due = () => {
      if (!idleGate.isIdle(Date.now())) return false;
      clearInterval(idlePoll);
      idlePoll = undefined;
      const action = pending;
      pending = undefined;
      action?.run();
      return true;
    };
    if (!due() && idlePoll === undefined) idlePoll = setInterval(due, IDLE_POLL_MS);
  };

  // Workbox tells an update this page's own registration found from one found later or by another tab
  // ("external"); either way the waiting version is the next one, and waits for this kiosk to be idle.
  workbox.addEventListener("waiting", () => whenIdle("activate", () => workbox.messageSkipWaiting()));

  // A worker taking over from another means new code: reload into it, when idle (another tab may have let it
  // take over mid-tap). The very first one (clientsClaim on the first install) serves this same code.
  let controlled = navigator.serviceWorker.controller !== null;
  workbox.addEventListener("controlling", () => {
    if (controlled) whenIdle("reload", () => window.location.reload());
    controlled = true;
  });

  workbox.register().catch((error: unknown) => {
    console.warn("Service worker registration failed; the app will not work offline.", error);
  });

  setInterval(() => {
    if (navigator.onLine) workbox.update().catch(() => undefined);
  }, UPDATE_CHECK_MS);
}
