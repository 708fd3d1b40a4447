/** Service metadata: version, database owner and applied migrations (`GET /v1/meta`). */
import { createMetaRoutes } from "@tessera/service-kit";
import type { ReconciliationEnv } from "../../env.ts";
import { RECONCILIATION_SERVICE } from "../../service.ts";

export const metaRoutes = createMetaRoutes<ReconciliationEnv>(
  RECONCILIATION_SERVICE.service,
  RECONCILIATION_SERVICE.version,
);
