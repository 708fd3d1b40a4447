/** Wire messages of online validation (`POST /v1/validate`). */
import { z } from "@hono/zod-openapi";
import { CARD_STATUSES, OPERATIONS, SessionGrantClaims } from "@tessera/protocol";

const Base64Url = z.string().regex(/^[A-Za-z0-9_-]*$/, "base64url without padding");

export const ValidateCardRequest = z.object({
  kind: z.literal("card"),
  /** The chip's serial number as Web NFC reports it (7 bytes on NTAG21x). */
  uid: Base64Url.min(1).max(16).describe("base64url of the chip UID (7 bytes on NTAG215/216)"),
  payload: Base64Url.max(1200)
    .nullable()
    .describe("base64url of the Tessera record's payload as read, or null when the card has none"),
  remembered: z
    .object({
      counter: z.int().min(0).max(0xffff_ffff),
      chain: z.string().regex(/^[0-9a-f]{32}$/),
    })
    .optional()
    .describe(
      "What the caller last saw of this card, for rollback and clone detection; the reconciled counter is reconciliation's GET /v1/cards/{id}",
    ),
});

export const ValidateGrantRequest = z.object({
  kind: z.literal("grant"),
  grant: z.string().min(1).max(8192),
});

export const ValidateRequest = z
  .discriminatedUnion("kind", [ValidateCardRequest, ValidateGrantRequest])
  .openapi("ValidateRequest");
export type ValidateRequest = z.infer<typeof ValidateRequest>;

export const CardSummary = z
  .object({
    cardId: z.string(),
    balance: z.int(),
    counter: z.int(),
    status: z.enum(CARD_STATUSES),
    writtenAt: z.iso.datetime(),
    lastOperation: z.object({ op: z.enum(OPERATIONS), amount: z.int() }),
    terminalNumber: z.int().describe("The terminal that wrote this state"),
    keyVersion: z.int().describe("Backend key version of that terminal's certificate"),
    chain: z.string(),
  })
  .openapi("CardSummary");

export const ValidateCardResponse = z.object({
  kind: z.literal("card"),
  valid: z.boolean(),
  verdict: z
    .string()
    .describe("The verdict kind: valid, tampered, blocked, revoked_terminal, clone_suspected, …"),
  reason: z.string().optional().describe("Why, when the verdict has a reason"),
  recovered: z.boolean().optional().describe("Valid, but one slot was damaged (a torn write)"),
  state: CardSummary.optional(),
  denyListVersion: z.int().nonnegative(),
  policyVersion: z.int().min(1),
});

export const ValidateGrantResponse = z.object({
  kind: z.literal("grant"),
  valid: z.boolean(),
  reason: z
    .string()
    .optional()
    .describe(
      "expired, not_yet_valid, bad_signature, unknown_kid, malformed, terminal_suspended, terminal_revoked, terminal_unknown",
    ),
  claims: SessionGrantClaims.optional(),
  terminalStatus: z.enum(["active", "suspended", "revoked", "unknown"]).optional(),
});

export const ValidateResponse = z
  .discriminatedUnion("kind", [ValidateCardResponse, ValidateGrantResponse])
  .openapi("ValidateResponse");
export type ValidateResponse = z.infer<typeof ValidateResponse>;
