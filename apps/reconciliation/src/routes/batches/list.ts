/** `GET /v1/reconciliation/batches`: the uploads received, newest first, optionally for one terminal. */
import { type RouteHandler, z } from "@hono/zod-openapi";
import { secureRoute } from "@tessera/service-kit";
import { type BatchSummaryRow, batchStore } from "../../db/batches.ts";
import type { ReconciliationEnv } from "../../env.ts";
import { BatchList, BatchSummary } from "./schemas.ts";

export const listBatchesRoute = secureRoute({
  method: "get",
  path: "/reconciliation/batches",
  tags: ["Reconciliation"],
  summary: "List the batches received",
  access: { roles: ["auditor"], scopes: ["ledger:read"] },
  request: {
    query: z.object({
      terminalId: z.string().min(1).max(128).optional(),
      before: z.coerce
        .number()
        .int()
        .positive()
        .optional()
        .describe("Epoch seconds: batches received before"),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
  },
  responses: {
    200: { description: "Batches, newest first", content: { "application/json": { schema: BatchList } } },
  },
});

export function batchSummaryOf(row: BatchSummaryRow): BatchSummary {
  return BatchSummary.parse({
    batchId: row.id,
    terminalId: row.terminal_id,
    idempotencyKey: row.idempotency_key,
    receivedAt: row.received_at,
    events: row.event_count,
    accepted: row.accepted,
    duplicate: row.duplicate,
    flagged: row.flagged,
    rejected: row.rejected,
  });
}

export const listBatches: RouteHandler<typeof listBatchesRoute, ReconciliationEnv> = async (c) => {
  const query = c.req.valid("query");
  const rows = await batchStore(c.env.DB).list({
    limit: query.limit + 1,
    ...(query.terminalId ? { terminalId: query.terminalId } : {}),
    ...(query.before ? { before: query.before } : {}),
  });
  const page = rows.slice(0, query.limit);
  const next = rows.length > query.limit ? String(page.at(-1)!.received_at) : null;
  return c.json(BatchList.parse({ batches: page.map(batchSummaryOf), next }), 200);
};
