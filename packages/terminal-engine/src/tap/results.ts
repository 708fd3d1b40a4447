/** What a tap or a read tells the screen: done, uncertain, or refused with a code it can put into words. */
import type { CardState, CardVerdict, Operation, RefusalCode, TerminalEvent } from "@tessera/protocol";

/** Refusals the engine makes itself, before or around the protocol's checks. */
export const ENGINE_REFUSAL_CODES = [
  "not_enrolled",
  "no_grant",
  "no_policy",
  "deny_list_outdated",
  "card_read_failed",
  "torn_card",
  "online_authorisation_failed",
] as const;
export type EngineRefusalCode = (typeof ENGINE_REFUSAL_CODES)[number];
export type TapRefusalCode = RefusalCode | EngineRefusalCode;

export type TapResult =
  | {
      /** The card verifiably holds the new state and the event is durable: show green. */
      kind: "done";
      op: Operation;
      amount: number;
      cardId: string;
      balanceBefore: number | null;
      state: CardState;
      event: TerminalEvent;
      /** Earlier unconfirmed taps of this chip that this tap's read settled. */
      settled: Settlement[];
    }
  | {
      /**
       * The write could not be confirmed: the event is kept as uncertain and is settled at the card's next
       * read. Show "tap again"; never show success.
       */
      kind: "uncertain";
      op: Operation;
      amount: number;
      cardId: string;
      event: TerminalEvent;
      detail: string;
      settled: Settlement[];
    }
  | {
      kind: "refused";
      code: TapRefusalCode;
      detail: string;
      /** What verification said, when the card was read and verified. */
      verdict?: CardVerdict;
      /** Earlier unconfirmed taps of this chip the read settled, when the card was read. */
      settled?: Settlement[];
    };

/** How an earlier unconfirmed tap was settled by a read of its card. */
export interface Settlement {
  eventId: string;
  /** confirmed: the write landed; void: it provably did not; undetermined: the card moved on since. */
  outcome: "confirmed" | "void" | "undetermined";
}

export type CardReadResultView =
  | { kind: "read"; uid: string; verdict: CardVerdict; settled: Settlement[] }
  | { kind: "refused"; code: EngineRefusalCode; detail: string };
