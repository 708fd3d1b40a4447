/** What verifying a card can conclude. Every kind but `valid` makes the card read-only for that reader. */

import type { SlotIndex } from "../card/payload.ts";
import type { CardState } from "../card/state.ts";
import type { Operation } from "../domain/operation.ts";

export type SlotCondition = "empty" | "valid" | "damaged";

export const TAMPER_REASONS = [
  "malformed",
  "bad-signature",
  "bad-certificate",
  "unknown-key-version",
  "slot-mismatch",
  "counter-gap",
  "chain-break",
  "balance-mismatch",
  "history-mismatch",
  "no-valid-slot",
] as const;
export type TamperReason = (typeof TAMPER_REASONS)[number];

export type CardVerdict =
  | {
      kind: "valid";
      state: CardState;
      /** Which slot holds `state`; the next write goes into the other one. */
      activeSlot: SlotIndex;
      slots: [SlotCondition, SlotCondition];
      /**
       * One slot was damaged or wiped, so this may be one state older than the last write (a torn write
       * under the garbled-page model). The next write skips a counter and says so; reconciliation settles it.
       */
      recovered: boolean;
    }
  | { kind: "not_activated"; reason: "blank" | "foreign" | "incomplete-issue" }
  | { kind: "unreadable"; reason: string }
  | { kind: "unsupported_layout"; layout: number }
  | { kind: "tampered"; reason: TamperReason; detail?: string }
  | { kind: "expired"; state: CardState; reason: "written-before-certificate" | "written-after-certificate" }
  | { kind: "out_of_scope"; state: CardState; operation: Operation; terminalNumber: number }
  | { kind: "revoked_terminal"; state: CardState; terminalNumber: number; revokedFrom: number }
  | {
      kind: "clone_suspected";
      state: CardState;
      reason: "rollback" | "duplicate-counter";
      rememberedCounter: number;
    }
  | { kind: "blocked"; state: CardState; reason: "status" | "deny-list" };

export type CardVerdictKind = CardVerdict["kind"];

/** The state a verdict carries, if any (for display: "last known balance" even when a card is refused). */
export function verdictState(verdict: CardVerdict): CardState | undefined {
  return "state" in verdict ? verdict.state : undefined;
}
