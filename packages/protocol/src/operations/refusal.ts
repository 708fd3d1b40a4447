/** Why a terminal refuses to write a card. Each code has plain words in the terminal UI's catalogs. */
import type { CardVerdictKind } from "../verify/verdict.ts";

export const REFUSAL_CODES = [
  "card_not_valid",
  "card_blocked",
  "not_activated",
  "already_activated",
  "grant_not_yet_valid",
  "grant_expired",
  "certificate_expired",
  "operation_not_allowed",
  "online_only",
  "invalid_amount",
  "over_transaction_limit",
  "over_offline_value",
  "over_offline_count",
  "insufficient_balance",
  "over_balance_cap",
  "no_session",
  "session_open",
  "session_required",
  "counter_exhausted",
  "layout_not_supported",
  "invalid_request",
] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

export interface Refusal {
  code: RefusalCode;
  detail: string;
  /** The verdict that made the card unusable, for `card_not_valid` and `card_blocked`. */
  verdict?: CardVerdictKind;
}
