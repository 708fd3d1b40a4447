/** Online authorisation shapes: what a station asks for before it writes a top-up, pay-out or restore. */
import { z } from "@hono/zod-openapi";

export const AuthorisationRequest = z
  .object({
    op: z.enum(["topup", "payout", "reissue"]).describe("The operation the station is about to write"),
    cardId: z.string().regex(/^[0-9a-f]{16}$/, "16 lowercase hex characters"),
    amount: z
      .int()
      .nonnegative()
      .describe(
        "Minor units. Top-up: the value added (positive); pay-out: the balance on the card, paid out; restore: the reconciled balance being written",
      ),
    counter: z
      .int()
      .nonnegative()
      .optional()
      .describe("A restore: the counter of the ledger state read from `GET /v1/cards/{cardId}/restore`"),
  })
  .refine((r) => r.op !== "topup" || r.amount > 0, {
    message: "a top-up adds a positive amount",
    path: ["amount"],
  })
  .openapi("AuthorisationRequest");

export const Authorisation = z
  .object({
    authorisationId: z
      .string()
      .describe(
        "Write it into the event (`authorisationId`); it matches one event of this operation, card and amount",
      ),
    op: z.enum(["topup", "payout", "reissue"]),
    cardId: z.string(),
    amount: z.int(),
    expiresAt: z.int().describe("Epoch seconds; write the card before then"),
    reconciledBalance: z
      .int()
      .nullable()
      .describe("The card's reconciled balance now (null: no event of it has been reconciled yet)"),
  })
  .openapi("Authorisation");
