/** Reconciliation batches: the terminal upload and the console's view of what arrived. */
import { createServiceRouter } from "@tessera/service-kit";
import type { ReconciliationEnv } from "../../env.ts";
import { getBatch, getBatchRoute } from "./get.ts";
import { listBatches, listBatchesRoute } from "./list.ts";
import { uploadBatch, uploadBatchRoute } from "./upload.ts";

export const batchRoutes = createServiceRouter<ReconciliationEnv>()
  .openapi(uploadBatchRoute, uploadBatch)
  .openapi(listBatchesRoute, listBatches)
  .openapi(getBatchRoute, getBatch);
