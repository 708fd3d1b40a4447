/** Terminals as reconciliation sees them: activity and report history. */
import { createServiceRouter } from "@tessera/service-kit";
import type { ReconciliationEnv } from "../../env.ts";
import { terminalActivity, terminalActivityRoute } from "./activity.ts";
import { terminalReports, terminalReportsRoute } from "./reports.ts";

export const terminalRoutes = createServiceRouter<ReconciliationEnv>()
  .openapi(terminalActivityRoute, terminalActivity)
  .openapi(terminalReportsRoute, terminalReports);
