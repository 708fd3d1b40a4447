/** The kinds of anomaly reconciliation can raise against a card, terminal or event. */
import { z } from "zod";

export const FLAG_KINDS = [
  "clone_replay",
  "balance_break",
  "chain_break",
  "over_transaction_limit",
  "over_daily_limit",
  "over_weekly_limit",
  "over_grant_limit",
  "out_of_scope",
  "revoked_terminal",
  "unknown_terminal",
  "unknown_card",
  "grant_expired",
  "clock_skew",
  "missing_events",
  "conflict",
  "tear_recovery",
  "topup_unauthorised",
  "payout_unauthorised",
  "reissue_unauthorised",
  "bad_signature",
] as const;
export const FlagKind = z.enum(FLAG_KINDS);
export type FlagKind = z.infer<typeof FlagKind>;
