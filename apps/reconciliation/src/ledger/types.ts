/** The shapes the pure ledger works on: verified event facts in, a card's ledger and its flags out. */
import type { CardStatus, FlagKind, Operation } from "@tessera/protocol";

/**
 * One booked event as the ledger sees it. Everything after-the-write (counter, balance, chain, operation,
 * amount, time, status, slot flags) comes from the signed slot image; the before-values are the
 * terminal's claims, of which `chainBefore` is bound to the slot by its chain head (checked on arrival).
 */
export interface LedgerEvent {
  eventId: string;
  cardId: string;
  terminalId: string;
  terminalNumber: number;
  grantId: string;
  seq: number;
  op: Operation;
  amount: number;
  counterBefore: number | null;
  counterAfter: number;
  /** Chain head the slot was written over; null for an issue (the genesis head). */
  chainBefore: string | null;
  chainAfter: string;
  balanceBefore: number | null;
  balanceAfter: number;
  /** Slot `writtenAt`: epoch seconds by the writing terminal's clock. */
  writtenAt: number;
  status: CardStatus;
  /** Slot flag: written over a card that read as a recovered (possibly one write older) state. */
  recovered: boolean;
  /** Slot flag: a station's reissue/restore from the reconciled ledger. */
  restored: boolean;
  outcome: "confirmed" | "uncertain";
  authorisationId?: string;
  /** Anomalies visible in the event alone (scope, limits, grant window, revocation, clock). */
  eventFlags: EventFlag[];
}

export interface EventFlag {
  kind: FlagKind;
  detail: string;
  amount?: number;
}

/** The operations a station writes only with an online authorisation (see `ONLINE_ONLY_OPERATIONS`). */
export type AuthorisedOperation = "topup" | "payout" | "reissue";

/** An online authorisation, as the ledger matches top-up, pay-out and restore events against it. */
export interface OnlineAuthorisation {
  authorisationId: string;
  op: AuthorisedOperation;
  cardId: string;
  /** Top-up: the value added; pay-out: the balance paid out; restore: the balance written. */
  amount: number;
}

export interface LedgerPolicy {
  cardLimits: { daily: number; weekly: number };
  /** How long a gap in a card's history is held open before it is flagged. */
  missingEventWindowSeconds: number;
}

export interface LedgerContext {
  policy: LedgerPolicy;
  authorisations: ReadonlyMap<string, OnlineAuthorisation>;
  /** Epoch seconds; only the gap window depends on it. */
  now: number;
}

/**
 * An anomaly the ledger raises. `key` is a pure function of what the flag is about (kind, card and the
 * events or counter concerned), so recomputing the ledger from the same events gives the same keys and
 * stored flags are updated in place, never duplicated.
 */
export interface LedgerFlag {
  key: string;
  kind: FlagKind;
  cardId: string;
  eventIds: string[];
  terminalIds: string[];
  counter: number | null;
  /** Value concerned, minor units (the amount at stake, over the limit, out of balance…). */
  amount: number | null;
  detail: string;
}

/**
 * How an event's value counts:
 * - `settled`: on the card's reconciled history; its value is booked;
 * - `superseded`: a write lost to a tear (the card rolled back past it); its value is not on the card
 *   and is reported as the amount at stake of a `tear_recovery` flag;
 * - `forked`: on a branch of a clone or replay that the ledger did not follow; not booked, flagged;
 * - `pending`: waiting for the events that connect it to the card's history.
 */
export const SETTLEMENTS = ["settled", "superseded", "forked", "pending"] as const;
export type Settlement = (typeof SETTLEMENTS)[number];

export interface LedgerEntry {
  eventId: string;
  /** Other event ids that reported exactly the same card state. */
  sameStateEventIds: string[];
  counter: number;
  op: Operation;
  amount: number;
  /** Balance of the state this one was written over, when the ledger holds it. */
  balanceBefore: number | null;
  balanceAfter: number;
  chain: string;
  writtenAt: number;
  status: CardStatus;
  terminalId: string;
  terminalNumber: number;
  grantId: string;
  outcome: "confirmed" | "uncertain";
  recovered: boolean;
  settlement: Settlement;
  flags: FlagKind[];
}

export interface LedgerGap {
  /** First missing counter. */
  fromCounter: number;
  /** Last missing counter (equal to `fromCounter` for one missing state). */
  toCounter: number;
  /** The event after the gap; the window runs from its time. */
  beforeEventId: string;
  /** When the gap will be flagged if it is still open. */
  flagAt: number;
}

export interface CardLedger {
  cardId: string;
  /** The reconciled state: the head of the followed history. */
  balance: number;
  counter: number;
  chain: string;
  status: CardStatus;
  headEventId: string;
  /** True when the history starts at an issue the ledger holds. */
  issued: boolean;
  eventCount: number;
  lastWrittenAt: number;
  /** Gaps still held open (inside the window); flagged ones are in `flags`. */
  gaps: LedgerGap[];
  /** The state a station restores (reissues) the card from. */
  restore: RestoreBasis;
  /** Followed history first (oldest to newest), then every other state by counter. */
  entries: LedgerEntry[];
  flags: LedgerFlag[];
}

/**
 * What a station restores a card from: the newest state known to have reached the card. That is the
 * reconciled head, unless the head is a write its terminal could not confirm and nothing was written over:
 * then the card may never have held it (a torn write leaves a card that reads as nothing either way), the
 * cardholder was told to tap again, and the restore starts from the state before it. The reissue then
 * supersedes the unconfirmed write and is flagged `tear_recovery` with its amount at stake.
 */
export interface RestoreBasis {
  balance: number;
  counter: number;
  chain: string;
  status: CardStatus;
  /** The unconfirmed write the restore does not assume landed, or null when the head is confirmed. */
  unconfirmed: {
    eventId: string;
    op: Operation;
    amount: number;
    counter: number;
    balanceAfter: number;
  } | null;
}
