/** Request and response shapes of the batch routes; the event and result schemas come from the protocol. */
import { z } from "@hono/zod-openapi";
import { MAX_EVENTS_PER_BATCH, ReconcileResult } from "@tessera/protocol";
import { MAX_GRANTS_PER_BATCH } from "../../reconciliation/ingest.ts";

export const ReconcileResultSchema = ReconcileResult.openapi("ReconcileResult");

/**
 * The upload body. Events are validated one by one by the handler (a malformed event is `rejected`, not a
 * failed batch), so here they are only "something".
 */
export const UploadBody = z
  .object({
    events: z
      .array(z.unknown())
      .min(1)
      .describe(
        `Signed terminal events (see TerminalEvent in docs/protocol.md), at most ${MAX_EVENTS_PER_BATCH}; more is a 413 batch_too_large`,
      ),
    grants: z
      .array(z.string().min(1).max(8192))
      .max(MAX_GRANTS_PER_BATCH)
      .optional()
      .describe(
        "Earlier session grants (compact JWTs) that events in this batch name, when the terminal made them under a grant it no longer presents",
      ),
  })
  .openapi("ReconcileUpload");

/**
 * `JSON.stringify` of the parsed upload body (what its Idempotency-Key hash covers), assembled from its
 * events' JSON already at hand: the schema's output holds `events` then `grants`, in that order.
 */
export function uploadBodyJson(events: readonly { json: string }[], grants: readonly string[] | undefined) {
  const tail = grants === undefined ? "" : `,"grants":${JSON.stringify(grants)}`;
  return `{"events":[${events.map((e) => e.json).join(",")}]${tail}}`;
}

export const IdempotencyKeyHeader = z.object({
  "idempotency-key": z
    .string()
    .regex(/^[\x21-\x7e]{1,128}$/, "1 to 128 visible ASCII characters")
    .describe("Unique per upload attempt series: a retry of the same upload repeats it")
    .openapi({ example: "outbox-4711-000042" }),
});

export const BatchSummary = z
  .object({
    batchId: z.string(),
    terminalId: z.string(),
    idempotencyKey: z.string(),
    receivedAt: z.int().describe("Epoch seconds"),
    events: z.int(),
    accepted: z.int(),
    duplicate: z.int(),
    flagged: z.int(),
    rejected: z.int(),
  })
  .openapi("BatchSummary");
export type BatchSummary = z.infer<typeof BatchSummary>;

export const BatchList = z
  .object({
    batches: z.array(BatchSummary),
    next: z.string().nullable().describe("Pass as `before` for the next page"),
  })
  .openapi("BatchList");

export const BatchDetail = BatchSummary.extend({ result: ReconcileResultSchema }).openapi("BatchDetail");
