/** `GET /v1/reconciliation/batches/{batchId}`: one upload with the per-event answer it got. */
import { type RouteHandler, z } from "@hono/zod-openapi";
import { ReconcileResult, TesseraError } from "@tessera/protocol";
import { problemResponses, secureRoute } from "@tessera/service-kit";
import { batchStore } from "../../db/batches.ts";
import type { ReconciliationEnv } from "../../env.ts";
import { batchSummaryOf } from "./list.ts";
import { BatchDetail } from "./schemas.ts";

export const getBatchRoute = secureRoute({
  method: "get",
  path: "/reconciliation/batches/{batchId}",
  tags: ["Reconciliation"],
  summary: "One batch and its per-event results",
  access: { roles: ["auditor"], scopes: ["ledger:read"] },
  request: { params: z.object({ batchId: z.string().min(1).max(128) }) },
  responses: {
    200: { description: "The batch", content: { "application/json": { schema: BatchDetail } } },
    ...problemResponses(404),
  },
});

export const getBatch: RouteHandler<typeof getBatchRoute, ReconciliationEnv> = async (c) => {
  const { batchId } = c.req.valid("param");
  const row = await batchStore(c.env.DB).get(batchId);
  if (!row) throw new TesseraError("not_found", `No batch ${batchId}`);
  return c.json(
    BatchDetail.parse({ ...batchSummaryOf(row), result: ReconcileResult.parse(JSON.parse(row.results)) }),
    200,
  );
};
