/** Totals over booked events for the console's dashboard and finance views. */
import { createServiceRouter } from "@tessera/service-kit";
import type { ReconciliationEnv } from "../../env.ts";
import { activityStats, activityStatsRoute } from "./activity.ts";

export const statsRoutes = createServiceRouter<ReconciliationEnv>().openapi(
  activityStatsRoute,
  activityStats,
);
