/** Top-up authorisation shapes. */
import { z } from "@hono/zod-openapi";

export const TopupAmount = z.int().positive().describe("Minor units");

export const TopupAuthorisationRequest = z
  .object({
    cardId: z.string().regex(/^[0-9a-f]{16}$/, "16 lowercase hex characters"),
    amount: TopupAmount,
  })
  .openapi("TopupAuthorisationRequest");

export const TopupAuthorisation = z
  .object({
    authorisationId: z
      .string()
      .describe("Write it into the top-up (`authorisationId`); it matches one top-up"),
    cardId: z.string(),
    amount: z.int(),
    expiresAt: z.int().describe("Epoch seconds; write the card before then"),
  })
  .openapi("TopupAuthorisation");
