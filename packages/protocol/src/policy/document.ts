/**
 * The policy document: the versioned, immutable rules every terminal obeys offline and reconciliation
 * checks against. Objects are loose at every level so a terminal on older software keeps (and can
 * re-hash) fields a newer console added.
 */
import { z } from "zod";
import { Operation } from "../domain/operation.ts";
import { KeyVersion } from "../grant/keys.ts";
import { FlagKind } from "./flags.ts";

/** Largest value the card's balance field holds (32 bits). */
/** A pay-out moves the whole balance through one 24-bit history entry, so the cap is 24 bits too. */
export const MAX_BALANCE_CAP = 0xff_ffff;
/** Largest amount one card history entry can record (24-bit field). */
export const MAX_HISTORY_AMOUNT = 0xff_ffff;

/** An amount in the currency's minor unit; never fractional, never negative. */
export const Amount = z.int().nonnegative();
export type Amount = z.infer<typeof Amount>;

const Seconds = z.int().nonnegative();
const PositiveSeconds = z.int().positive();
/** Card layout versions are written in the card header as a single byte. */
// Layout numbers 1..15: card readers treat a slot naming 2..15 as "a newer layout", anything else as damage.
const LayoutVersion = z.int().min(1).max(15);

export const Currency = z.looseObject({
  code: z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 code such as EUR"),
  minorUnit: z.int().min(0).max(4),
});
export type Currency = z.infer<typeof Currency>;

export const OfflineLimits = z.looseObject({
  perTransaction: Amount,
  cumulativeValue: Amount,
  cumulativeCount: z.int().nonnegative(),
});
export type OfflineLimits = z.infer<typeof OfflineLimits>;

export const RolePolicy = z.looseObject({
  operations: z.array(Operation),
  offline: OfflineLimits,
});
export type RolePolicy = z.infer<typeof RolePolicy>;

export const PolicyDraft = z.looseObject({
  currency: Currency,
  balanceCap: Amount.max(MAX_BALANCE_CAP),
  roles: z.looseObject({ pos: RolePolicy, gate: RolePolicy, station: RolePolicy }),
  /** Per-card spending limits; a card carries no clock, so these are checked at reconciliation. */
  cardLimits: z.looseObject({ daily: Amount, weekly: Amount }),
  sessions: z.looseObject({
    required: z.boolean(),
    maxMinutes: z.int().positive(),
    entryFee: Amount,
  }),
  clockSkewSeconds: Seconds,
  layouts: z.looseObject({ readable: z.array(LayoutVersion), write: LayoutVersion }),
  keys: z.looseObject({ acceptedVersions: z.array(KeyVersion) }),
  grant: z.looseObject({ lifetimeSeconds: PositiveSeconds, refreshMarginSeconds: Seconds }),
  upload: z.looseObject({ cadenceSeconds: PositiveSeconds, batchSize: z.int().min(1).max(10_000) }),
  reports: z.looseObject({ cadenceSeconds: PositiveSeconds, retentionDays: z.int().positive() }),
  reconciliation: z.looseObject({ missingEventWindowSeconds: PositiveSeconds }),
  autoDenyFlags: z.array(FlagKind),
});
export type PolicyDraft = z.infer<typeof PolicyDraft>;

export const PolicyDocument = PolicyDraft.extend({
  version: z.int().min(1),
  publishedAt: z.iso.datetime(),
});
export type PolicyDocument = z.infer<typeof PolicyDocument>;
