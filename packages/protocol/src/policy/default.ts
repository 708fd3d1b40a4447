/** The demo policy a fresh deployment starts from: a euro canteen with modest offline exposure. */
import type { PolicyDraft } from "./document.ts";

const HOUR = 3600;

export const DEFAULT_POLICY: PolicyDraft = {
  currency: { code: "EUR", minorUnit: 2 },
  balanceCap: 50_000,
  roles: {
    // Every role may block a card it finds tampered with, so a forged card is stopped at the first tap.
    pos: {
      operations: ["debit", "refund", "block"],
      offline: { perTransaction: 5_000, cumulativeValue: 100_000, cumulativeCount: 1_000 },
    },
    gate: {
      operations: ["checkin", "checkout", "block"],
      offline: { perTransaction: 1_000, cumulativeValue: 50_000, cumulativeCount: 5_000 },
    },
    station: {
      operations: ["issue", "topup", "payout", "block", "reissue", "debit", "refund"],
      offline: { perTransaction: 5_000, cumulativeValue: 50_000, cumulativeCount: 200 },
    },
  },
  cardLimits: { daily: 15_000, weekly: 50_000 },
  sessions: { required: false, maxMinutes: 12 * 60, entryFee: 0 },
  clockSkewSeconds: 300,
  layouts: { readable: [1], write: 1 },
  keys: { acceptedVersions: [1] },
  grant: { lifetimeSeconds: 8 * HOUR, refreshMarginSeconds: 2 * HOUR },
  upload: { cadenceSeconds: 60, batchSize: 100 },
  reports: { cadenceSeconds: 300, retentionDays: 30 },
  // A terminal may legitimately hold events for a whole grant while offline; wait a day before calling them missing.
  reconciliation: { missingEventWindowSeconds: 24 * HOUR },
  autoDenyFlags: ["clone_replay", "balance_break", "chain_break", "bad_signature"],
};
