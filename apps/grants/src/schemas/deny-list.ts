/** Wire messages of the deny-list resource. */
import { z } from "@hono/zod-openapi";
import {
  DenyListCardEntry,
  DenyListCardId,
  DenyListDelta,
  DenyListDeltaUnavailable,
  DenyListSnapshotChunk,
  DenyListTerminalEntry,
  DenyReason,
} from "@tessera/protocol";

const Note = z.string().trim().min(1).max(500);

export const AddDenyEntryRequest = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("card"), id: DenyListCardId, reason: DenyReason, note: Note.optional() }),
    z.object({
      kind: z.literal("terminal"),
      terminalNumber: z.int().min(1).max(0xff_ffff),
      reason: DenyReason,
      note: Note.optional(),
      effectiveFrom: z
        .int()
        .min(0)
        .max(0xffff_ffff)
        .optional()
        .describe("Epoch seconds; card writes it signed from then on are refused. Defaults to now"),
    }),
  ])
  .openapi("AddDenyEntry");
export type AddDenyEntryRequest = z.infer<typeof AddDenyEntryRequest>;

export const DenyEntry = z
  .union([
    DenyListCardEntry.extend({ kind: z.literal("card") }),
    DenyListTerminalEntry.extend({ kind: z.literal("terminal") }),
  ])
  .openapi("DenyEntry");

export const DenyEntryChange = z
  .object({
    entry: DenyEntry,
    version: z.int().nonnegative().describe("The deny-list version after the change"),
    changed: z.boolean().describe("False when the list already said as much (the version did not move)"),
  })
  .openapi("DenyEntryChange");

export const DenyEntryParams = z.object({
  kind: z.enum(["card", "terminal"]).openapi({ param: { name: "kind", in: "path" } }),
  id: z
    .string()
    .regex(/^([0-9a-f]{16}|[1-9][0-9]{0,7})$/, "a card id (16 lowercase hex) or a terminal number")
    .openapi({ param: { name: "id", in: "path" }, example: "04a1b2c3d4e5f601" }),
});

export const RemoveDenyEntryQuery = z.object({
  reason: z.string().trim().min(1).max(500).describe("Why it comes off the list, for the audit log"),
});

export const DenyListQuery = z.object({
  since: z.coerce
    .number()
    .int()
    .min(0)
    .max(0xffff_ffff)
    .optional()
    .describe("The version held: answers with the delta to the current version, or `snapshotRequired`"),
  chunk: z.coerce.number().int().min(0).max(10_000).optional().describe("Snapshot chunk index (default 0)"),
  version: z.coerce
    .number()
    .int()
    .min(0)
    .max(0xffff_ffff)
    .optional()
    .describe("Snapshot version to read further chunks of (the `version` of chunk 0)"),
});

export const DenyListAnswer = z
  .union([DenyListSnapshotChunk, DenyListDelta, DenyListDeltaUnavailable])
  .openapi("DenyListAnswer");
