/**
 * The backend API as the terminal uses it: paths and the response shapes it relies on, parsed with zod
 * so a changed or broken answer fails here with a clear error instead of deep inside a tap.
 */
import { CertificateKeySet, Jwks, Operation, Role } from "@tessera/protocol";
import { z } from "zod";

export const PATHS = {
  enrol: "/v1/terminals",
  grants: "/v1/grants",
  denyList: "/v1/deny-list",
  policy: "/v1/policy",
  catalog: "/v1/catalog",
  batches: "/v1/reconciliation/batches",
  reports: "/v1/reports",
  authorisations: "/v1/authorisations",
  cardRestore: (cardId: string) => `/v1/cards/${encodeURIComponent(cardId)}/restore`,
} as const;

/** Epoch seconds or an ISO 8601 instant: the contract names the fields, and either spelling is unambiguous. */
const Instant = z
  .union([z.int().nonnegative(), z.iso.datetime({ offset: true })])
  .transform((value) => (typeof value === "number" ? value : Math.floor(Date.parse(value) / 1000)));

export const EnrolmentAnswer = z.looseObject({
  terminalId: z.string().min(1).max(128),
  terminalNumber: z.int().min(1).max(0xff_ffff),
  role: Role,
  locationId: z.string().min(1),
  name: z.string().min(1),
});
export type EnrolmentAnswer = z.infer<typeof EnrolmentAnswer>;

export const GrantAnswer = z.looseObject({
  grant: z.string().min(1),
  /** The 107-byte terminal certificate, base64url. */
  certificate: z.string().regex(/^[A-Za-z0-9_-]+$/),
  policyVersion: z.int().min(0).optional(),
  denyListVersion: z.int().min(0).optional(),
  /** The keys that verify the grant. */
  jwks: Jwks,
  /**
   * The keys that verify certificates, the terminal's own and those on cards. A backend from before keys were
   * split (ADR 0004) sends none; then only the JWKS's legacy dual-purpose keys verify certificates.
   */
  certificateKeys: CertificateKeySet.optional(),
  expiresAt: Instant.optional(),
  refreshAt: Instant.optional(),
});
export type GrantAnswer = z.infer<typeof GrantAnswer>;

/** An online authorisation of a top-up, pay-out or restore: the id the station writes into the event. */
export const AuthorisationAnswer = z.looseObject({ authorisationId: z.string().min(1).max(128) });

/** The reconciled ledger's view of a card: what a station restores it from. */
export const CardLedgerAnswer = z.looseObject({
  balance: z.int().nonnegative(),
  counter: z.int().nonnegative(),
  chain: z.string().regex(/^[0-9a-f]{32}$/),
  status: z.string(),
  /** False while a gap or an unsettled write means events of the card may still be on their way. */
  complete: z.boolean().optional(),
  /**
   * The ledger's newest write when its terminal never confirmed it: the figures above are those of the state
   * before it, and the restore does not book it (an operator settles it with the cardholder).
   */
  unconfirmed: z
    .looseObject({ eventId: z.string(), op: Operation, amount: z.int(), balanceAfter: z.int() })
    .nullable()
    .optional(),
});
export type CardLedgerAnswer = z.infer<typeof CardLedgerAnswer>;
