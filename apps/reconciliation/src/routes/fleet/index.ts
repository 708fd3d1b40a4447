/** The fleet as a whole: whether the active terminals can follow a change (ADR 0005). */
import { createServiceRouter } from "@tessera/service-kit";
import type { ReconciliationEnv } from "../../env.ts";
import { fleetReadinessRoute, readFleetReadiness } from "./readiness.ts";

export const fleetRoutes = createServiceRouter<ReconciliationEnv>().openapi(
  fleetReadinessRoute,
  readFleetReadiness,
);
