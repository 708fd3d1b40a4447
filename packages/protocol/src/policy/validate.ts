/**
 * Cross-field rules a policy must satisfy before it is published; the schema checks each field, these
 * check that the fields make sense together. Rule ids are stable so the console and API can key on them.
 */
import { ROLE_CEILING, ROLES } from "../domain/operation.ts";
import { MAX_HISTORY_AMOUNT, type PolicyDraft } from "./document.ts";
import type { FlagKind } from "./flags.ts";

export const POLICY_RULES = [
  "grant.refresh_margin_below_lifetime",
  "clock_skew.below_grant_lifetime",
  "layouts.write_is_readable",
  "layouts.readable_unique",
  "keys.accepted_versions_non_empty",
  "keys.accepted_versions_unique",
  "roles.operations_within_ceiling",
  "roles.operations_unique",
  "roles.per_transaction_within_cumulative",
  "roles.per_transaction_fits_card",
  "balance_cap.covers_per_transaction",
  "card_limits.daily_within_weekly",
  "sessions.gate_checks_in_and_out",
  "sessions.entry_fee_within_gate_limit",
  "reconciliation.window_covers_grant_lifetime",
  "auto_deny.no_benign_flags",
] as const;
export type PolicyRule = (typeof POLICY_RULES)[number];

/** One broken rule; `path` is dotted like the `errors` of a problem document. */
export interface PolicyIssue {
  path: string;
  rule: string;
  message: string;
}

/** Flags that honest cards raise in normal use; denying on them would lock out cardholders. */
const BENIGN_FLAGS: readonly FlagKind[] = ["tear_recovery"];

function duplicatesOf<T>(items: readonly T[]): T[] {
  return [...new Set(items.filter((item, index) => items.indexOf(item) !== index))];
}

export function validatePolicy(draft: PolicyDraft): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  const flag = (path: string, rule: PolicyRule, message: string) => issues.push({ path, rule, message });

  if (draft.grant.refreshMarginSeconds >= draft.grant.lifetimeSeconds)
    flag(
      "grant.refreshMarginSeconds",
      "grant.refresh_margin_below_lifetime",
      "the refresh margin must be shorter than the grant lifetime, or terminals refresh every grant at once",
    );
  if (draft.clockSkewSeconds >= draft.grant.lifetimeSeconds)
    flag(
      "clockSkewSeconds",
      "clock_skew.below_grant_lifetime",
      "a clock-skew tolerance as long as a grant would let expired grants pass",
    );

  if (!draft.layouts.readable.includes(draft.layouts.write))
    flag(
      "layouts.write",
      "layouts.write_is_readable",
      `terminals would write layout ${draft.layouts.write} that they cannot read`,
    );
  for (const version of duplicatesOf(draft.layouts.readable))
    flag("layouts.readable", "layouts.readable_unique", `layout ${version} is listed more than once`);

  if (draft.keys.acceptedVersions.length === 0)
    flag(
      "keys.acceptedVersions",
      "keys.accepted_versions_non_empty",
      "at least one key version must be accepted, or no card verifies",
    );
  for (const version of duplicatesOf(draft.keys.acceptedVersions))
    flag(
      "keys.acceptedVersions",
      "keys.accepted_versions_unique",
      `key version ${version} is listed more than once`,
    );

  for (const role of ROLES) {
    const { operations, offline } = draft.roles[role];
    const base = `roles.${role}`;
    for (const op of operations)
      if (!ROLE_CEILING[role].includes(op))
        flag(
          `${base}.operations`,
          "roles.operations_within_ceiling",
          `a ${role} terminal can never perform ${op}`,
        );
    for (const op of duplicatesOf(operations))
      flag(`${base}.operations`, "roles.operations_unique", `${op} is listed more than once`);
    if (offline.perTransaction > offline.cumulativeValue)
      flag(
        `${base}.offline.perTransaction`,
        "roles.per_transaction_within_cumulative",
        "one transaction may not exceed the cumulative offline value of a grant",
      );
    if (offline.perTransaction > MAX_HISTORY_AMOUNT)
      flag(
        `${base}.offline.perTransaction`,
        "roles.per_transaction_fits_card",
        `the card history records at most ${MAX_HISTORY_AMOUNT} per entry`,
      );
    if (offline.perTransaction > draft.balanceCap)
      flag(
        "balanceCap",
        "balance_cap.covers_per_transaction",
        `the balance cap is below the ${role} per-transaction limit, so that limit can never be reached`,
      );
  }

  if (draft.cardLimits.daily > draft.cardLimits.weekly)
    flag(
      "cardLimits.daily",
      "card_limits.daily_within_weekly",
      "the daily card limit exceeds the weekly one",
    );

  if (draft.sessions.required) {
    const gate = draft.roles.gate;
    if (!gate.operations.includes("checkin") || !gate.operations.includes("checkout"))
      flag(
        "roles.gate.operations",
        "sessions.gate_checks_in_and_out",
        "sessions are required, so gates must be allowed to check in and check out",
      );
    if (draft.sessions.entryFee > gate.offline.perTransaction)
      flag(
        "sessions.entryFee",
        "sessions.entry_fee_within_gate_limit",
        "the entry fee exceeds the gate's per-transaction limit, so every check-in would be refused",
      );
  }

  if (draft.reconciliation.missingEventWindowSeconds < draft.grant.lifetimeSeconds)
    flag(
      "reconciliation.missingEventWindowSeconds",
      "reconciliation.window_covers_grant_lifetime",
      "a terminal may hold events offline for a whole grant; a shorter window flags honest terminals",
    );

  for (const kind of draft.autoDenyFlags)
    if (BENIGN_FLAGS.includes(kind))
      flag(
        "autoDenyFlags",
        "auto_deny.no_benign_flags",
        `${kind} happens to honest cards and must not deny them`,
      );

  return issues;
}
