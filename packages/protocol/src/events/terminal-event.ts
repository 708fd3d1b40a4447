/**
 * The terminal event: one card operation as the terminal that performed it recorded and signed it,
 * the unit reconciliation verifies, orders and books. Unknown fields from newer terminals are kept
 * (and are covered by the signature), so an older service can store and forward them unchanged.
 */
import { z } from "zod";
import { Operation } from "../domain/operation.ts";

const UINT32_MAX = 0xffff_ffff;
const Uint32 = z.int().min(0).max(UINT32_MAX);
const EpochSeconds = Uint32.describe("Epoch seconds");

function lowercaseHex(characters: number) {
  return z
    .string()
    .regex(new RegExp(`^[0-9a-f]{${characters}}$`), `expected ${characters} lowercase hex characters`);
}

const Base64Url = z.string().regex(/^[A-Za-z0-9_-]+$/, "expected unpadded base64url");
const Identifier = z.string().min(1).max(128);

/** An Ed25519 signature is 64 bytes: 86 base64url characters. */
export const EventSignature = Base64Url.length(86).describe(
  "Base64url Ed25519 signature by the terminal's device key",
);

export const TerminalEventCard = z.looseObject({
  id: lowercaseHex(16).describe("8-byte card id"),
  uid: lowercaseHex(14).describe("7-byte chip serial number the write was bound to"),
  counterBefore: Uint32.nullable().describe(
    "Card counter before the write; null only when issuing a blank card",
  ),
  counterAfter: Uint32,
  balanceBefore: Uint32.nullable().describe(
    "Balance before, minor units; null only when issuing a blank card",
  ),
  balanceAfter: Uint32,
  chainBefore: lowercaseHex(32)
    .nullable()
    .describe("History chain before; null only when issuing a blank card"),
  chainAfter: lowercaseHex(32),
  slot: Base64Url.max(2048).describe(
    "The card slot image the terminal wrote and signed; the authority for the after-values",
  ),
});
export type TerminalEventCard = z.infer<typeof TerminalEventCard>;

const unsignedShape = {
  id: z.string().min(1).max(64).describe("Terminal-generated event id (UUID)"),
  terminalId: Identifier,
  terminalNumber: Uint32.describe("The terminal number written on cards"),
  grantId: Identifier.describe("The jti of the session grant the terminal acted under"),
  seq: z.int().min(1).describe("Gapless per-terminal sequence number, from 1"),
  at: EpochSeconds.describe("When the tap happened, by the terminal's clock"),
  op: Operation,
  amount: z.int().min(0).describe("Amount in the currency's minor unit"),
  card: TerminalEventCard,
  outcome: z
    .enum(["confirmed", "uncertain"])
    .describe("uncertain: the terminal could not confirm the card write by reading it back"),
  recovered: z.boolean().describe("The card read as a recovered older state"),
  voided: z
    .looseObject({ at: EpochSeconds, counter: Uint32, chain: z.string().regex(/^[0-9a-f]{32}$/) })
    .optional()
    .describe(
      "An uncertain write the terminal later saw had not reached the card (when it read the card, and the state it found instead): kept as evidence, never booked",
    ),
  productId: Identifier.optional(),
  locationId: Identifier.optional(),
  authorisationId: Identifier.optional().describe("Online top-up authorisation this write carried out"),
};

/**
 * A blank card has no prior state, so the before-values are null together and only an issue may
 * start from one; every other operation names the state it changed.
 */
function checkPriorState(ctx: z.core.ParsePayload<{ op: Operation; card: TerminalEventCard }>): void {
  const { op, card } = ctx.value;
  const blank = [card.counterBefore, card.balanceBefore, card.chainBefore].filter((v) => v === null).length;
  if (blank !== 0 && blank !== 3) {
    ctx.issues.push({
      code: "custom",
      input: card,
      path: ["card"],
      message: "counterBefore, balanceBefore and chainBefore are either all null (a blank card) or all set",
    });
  } else if (blank === 3 && op !== "issue") {
    ctx.issues.push({
      code: "custom",
      input: card.counterBefore,
      path: ["card", "counterBefore"],
      message: "only an issue starts from a blank card",
    });
  }
}

/** An event as the terminal builds it, before signing. */
export const UnsignedTerminalEvent = z.looseObject(unsignedShape).check(checkPriorState);
export type UnsignedTerminalEvent = z.infer<typeof UnsignedTerminalEvent>;

export const TerminalEvent = z.looseObject({ ...unsignedShape, sig: EventSignature }).check(checkPriorState);
export type TerminalEvent = z.infer<typeof TerminalEvent>;
