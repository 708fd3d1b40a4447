/** The decoded meaning of one card slot: what a terminal, a phone or the backend reads off a card. */
import type { Operation } from "../domain/operation.ts";

export const CARD_STATUSES = [
  "active",
  "blocked_tamper",
  "blocked_fraud",
  "blocked_expiry",
  "blocked_admin",
  "blocked_lost",
] as const;
export type CardStatus = (typeof CARD_STATUSES)[number];

export interface SlotFlags {
  /** Written over a card that read as a recovered older state (one slot damaged): the counter skips one. */
  recovered: boolean;
  /** Written by a station's reissue/restore from the reconciled ledger: starts a fresh pair of slots. */
  restored: boolean;
  /** The first state of a newly issued card. */
  issued: boolean;
}

export interface CardSession {
  /** Epoch seconds, to the minute (stored as minutes before `writtenAt`). */
  startedAt: number;
  /** Gate zone of the check-in, 1..255. */
  zone: number;
}

export interface HistoryEntry {
  op: Operation;
  amount: number;
  /** Epoch seconds, to the minute (stored as minutes before `writtenAt`, saturating at about 45 days). */
  at: number;
  /** True when the stored age saturated, so `at` is "this long ago or earlier". */
  atSaturated: boolean;
}

/** The backend-signed certificate of the terminal that wrote a slot. */
export interface TerminalCertificate {
  terminalNumber: number;
  operations: Operation[];
  scopeMask: number;
  /** Epoch seconds. */
  validFrom: number;
  /** Epoch seconds: validFrom + validHours * 3600. */
  validUntil: number;
  validHours: number;
  keyVersion: number;
  publicKey: Uint8Array;
  signature: Uint8Array;
  /** The 107 certificate bytes as carried on the card. */
  bytes: Uint8Array;
}

export interface CardState {
  layout: number;
  flags: SlotFlags;
  status: CardStatus;
  cardId: string;
  counter: number;
  balance: number;
  session: CardSession | null;
  writtenAt: number;
  grantSeq: number;
  /** Head of the history hash chain (32 hex chars). */
  chain: string;
  /** Newest first; entry 0 is the operation that produced this state. */
  history: HistoryEntry[];
  certificate: TerminalCertificate;
  /** The whole slot image, signature included. */
  bytes: Uint8Array;
}

/** The operation that produced a state. */
export function lastOperation(state: CardState): HistoryEntry {
  return state.history[0]!;
}
