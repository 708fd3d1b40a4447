/** The flag as the API shows it. */
import { z } from "@hono/zod-openapi";
import { FlagKind } from "@tessera/protocol";
import { FLAG_STATES, type FlagRow } from "../../db/flags.ts";

export const FlagView = z
  .object({
    flagId: z.string(),
    kind: FlagKind,
    state: z
      .enum(FLAG_STATES)
      .describe("withdrawn: a later event showed it no longer applies (e.g. a gap filled)"),
    cardId: z.string().nullable(),
    eventIds: z.array(z.string()),
    terminalIds: z.array(z.string()).describe("The terminals involved"),
    counter: z.int().nullable(),
    amount: z.int().nullable().describe("Value concerned, minor units"),
    detail: z.string(),
    raisedAt: z.int().describe("Epoch seconds"),
    updatedAt: z.int(),
    resolution: z
      .object({ at: z.int(), by: z.string(), note: z.string() })
      .nullable()
      .describe("Set once an operator resolved the flag"),
    deniedAt: z.int().nullable().describe("When the card was put on the deny list for this flag"),
  })
  .openapi("Flag");
export type FlagView = z.infer<typeof FlagView>;

export function flagViewOf(row: FlagRow): FlagView {
  return FlagView.parse({
    flagId: row.id,
    kind: row.kind,
    state: row.state,
    cardId: row.card_id,
    eventIds: JSON.parse(row.event_ids),
    terminalIds: JSON.parse(row.terminal_ids),
    counter: row.counter,
    amount: row.amount,
    detail: row.detail,
    raisedAt: row.raised_at,
    updatedAt: row.updated_at,
    resolution:
      row.state === "resolved" && row.resolved_at !== null
        ? { at: row.resolved_at, by: row.resolved_by ?? "", note: row.resolution_note ?? "" }
        : null,
    deniedAt: row.denied_at,
  });
}
