/** The reconciliation Worker: idempotent batch uploads of terminal events, the per-card ledger, flags, the audit log and terminal reports. */
import { createServiceApp } from "@tessera/service-kit";
import type { ReconciliationEnv } from "./env.ts";
import { metaRoutes } from "./routes/meta/index.ts";
import { RECONCILIATION_SERVICE } from "./service.ts";

const app = createServiceApp<ReconciliationEnv>(RECONCILIATION_SERVICE);

// One app.route() per resource; each resource's folder registers its own operations.
app.route("/v1", metaRoutes);

export default app;
