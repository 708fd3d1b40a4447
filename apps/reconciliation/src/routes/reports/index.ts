/** Terminal reports: the heartbeat in, the latest per terminal out. */
import { createServiceRouter } from "@tessera/service-kit";
import type { ReconciliationEnv } from "../../env.ts";
import { latestReports, latestReportsRoute } from "./latest.ts";
import { submitReport, submitReportRoute } from "./submit.ts";

export const reportRoutes = createServiceRouter<ReconciliationEnv>()
  .openapi(submitReportRoute, submitReport)
  .openapi(latestReportsRoute, latestReports);
