/** The reconciliation Worker: idempotent batch uploads of terminal events, the per-card ledger, flags, the audit log and terminal reports. */
import { auditTrail, authenticate, createServiceApp, registerSecuritySchemes } from "@tessera/service-kit";
import { auditLog } from "./db/audit.ts";
import type { ReconciliationEnv } from "./env.ts";
import { auditRoutes } from "./routes/audit/index.ts";
import { authorisationRoutes } from "./routes/authorisations/index.ts";
import { batchRoutes } from "./routes/batches/index.ts";
import { benchRoutes } from "./routes/bench/floor.ts";
import { cardRoutes } from "./routes/cards/index.ts";
import { flagRoutes } from "./routes/flags/index.ts";
import { fleetRoutes } from "./routes/fleet/index.ts";
import { metaRoutes } from "./routes/meta/index.ts";
import { reportRoutes } from "./routes/reports/index.ts";
import { statsRoutes } from "./routes/stats/index.ts";
import { terminalRoutes } from "./routes/terminals/index.ts";
import { topupRoutes } from "./routes/topups/index.ts";
import { runSweep } from "./scheduled.ts";
import { RECONCILIATION_SERVICE } from "./service.ts";

export { AuditService } from "./audit/service.ts";
export { FleetService } from "./fleet/service.ts";

const app = createServiceApp<ReconciliationEnv>(RECONCILIATION_SERVICE);
registerSecuritySchemes(app);

// People and services are resolved once per request (terminals by their own middleware on their routes);
// each route's declared access then admits or refuses. This Worker's own admin actions go straight into
// its audit log instead of through a service binding to itself.
app.use("*", authenticate());
app.use("*", auditTrail({ service: RECONCILIATION_SERVICE.service, sink: (c) => auditLog(c.env.DB) }));

// One app.route() per resource; each resource's folder registers its own operations.
app.route("/v1", metaRoutes);
app.route("/v1", batchRoutes);
app.route("/v1", cardRoutes);
app.route("/v1", topupRoutes);
app.route("/v1", authorisationRoutes);
app.route("/v1", flagRoutes);
app.route("/v1", terminalRoutes);
app.route("/v1", reportRoutes);
app.route("/v1", fleetRoutes);
app.route("/v1", auditRoutes);
app.route("/v1", statsRoutes);
app.route("/", benchRoutes);

export { app };

export default {
  fetch: app.fetch,
  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(
      runSweep(env).then((summary) =>
        console.log(JSON.stringify({ level: "info", event: "sweep", ...summary })),
      ),
    );
  },
} satisfies ExportedHandler<Env>;
