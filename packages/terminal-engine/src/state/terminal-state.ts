/**
 * What the terminal screen shows, as one immutable snapshot with subscribe/getSnapshot: the shape React's
 * useSyncExternalStore takes, and just as easy to watch from the simulator or a test.
 */
import type { CardVerdictKind, Operation, Role } from "@tessera/protocol";
import type { Connectivity } from "../backend/backend-client.ts";
import type { ShiftTally } from "../shift/shift-tally.ts";
import type { CardStateRecord } from "../storage/records.ts";

export interface TerminalInfo {
  terminalId: string;
  terminalNumber: number;
  role: Role;
  name: string;
  locationId: string;
}

export interface GrantStatus {
  grantId: string;
  /** Epoch seconds. */
  notBefore: number;
  expiresAt: number;
  refreshAt: number;
  /** Whether the grant is in force now; flips on a timer at its start and end. */
  valid: boolean;
  operations: readonly Operation[];
  limits: { perTransaction: number; cumulativeValue: number; cumulativeCount: number };
  /** What this terminal has used of the limits offline. */
  usage: { value: number; count: number };
}

export interface OutboxStatusView {
  /** Events on this device not yet acknowledged by the server. */
  depth: number;
  /** Taps whose card write is not confirmed yet (held for the card's next read). */
  unresolved: number;
  /** Epoch seconds of the oldest waiting event. */
  oldestAt: number | null;
  /** Epoch seconds of the last acknowledged upload. */
  lastUploadAt: number | null;
}

/** The card the terminal read last: its state when one could be read, and what verification said. */
export interface LastCard {
  verdict: CardVerdictKind;
  uid: string;
  state: CardStateRecord | null;
}

export interface LastTap {
  at: number;
  op: Operation;
  kind: "done" | "uncertain" | "refused";
  /** Refusal code, when refused. */
  code?: string;
  cardId?: string;
  amount?: number;
  balance?: number;
}

export interface TerminalSnapshot {
  phase: "not_enrolled" | "ready" | "closed";
  connectivity: Connectivity;
  terminal: TerminalInfo | null;
  grant: GrantStatus | null;
  outbox: OutboxStatusView;
  policyVersion: number | null;
  catalogVersion: number | null;
  denyListVersion: number;
  lastCard: LastCard | null;
  lastTap: LastTap | null;
  lastError: { at: number; code: string; message: string } | null;
  /** The end-of-shift tally of the shift in progress. */
  shift: ShiftTally | null;
}

export const INITIAL_SNAPSHOT: TerminalSnapshot = Object.freeze({
  phase: "not_enrolled",
  connectivity: "checking",
  terminal: null,
  grant: null,
  outbox: { depth: 0, unresolved: 0, oldestAt: null, lastUploadAt: null },
  policyVersion: null,
  catalogVersion: null,
  denyListVersion: 0,
  lastCard: null,
  lastTap: null,
  lastError: null,
  shift: null,
});

export type Listener = () => void;

export class TerminalStateStore {
  #snapshot: TerminalSnapshot = INITIAL_SNAPSHOT;
  readonly #listeners = new Set<Listener>();

  /** Bound, so it can be handed to useSyncExternalStore as it is. */
  readonly subscribe = (listener: Listener): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** The same object until something changes, as useSyncExternalStore requires. */
  readonly getSnapshot = (): TerminalSnapshot => this.#snapshot;

  /** Replaces the fields given; listeners hear of it only if one of them is a different value. */
  update(patch: Partial<TerminalSnapshot>): void {
    const current = this.#snapshot;
    const changed = (Object.keys(patch) as (keyof TerminalSnapshot)[]).some(
      (key) => !sameValue(patch[key], current[key]),
    );
    if (!changed) return;
    this.#snapshot = Object.freeze({ ...current, ...patch });
    for (const listener of [...this.#listeners]) {
      try {
        listener();
      } catch {
        // One broken subscriber must not stop the others, nor the engine that published.
      }
    }
  }
}

/** Structural equality of the small plain values a snapshot holds, so an unchanged republish is silent. */
function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) =>
    sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
  );
}

/** Whole seconds the grant has left at `nowMs` (0 once expired), for a ticking display. */
export function grantSecondsLeft(grant: GrantStatus | null, nowMs: number): number {
  if (!grant) return 0;
  return Math.max(0, grant.expiresAt - Math.floor(nowMs / 1000));
}
