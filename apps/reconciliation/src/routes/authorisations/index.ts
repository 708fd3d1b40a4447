/** Online authorisations asked for by station terminals. */
import { createServiceRouter } from "@tessera/service-kit";
import type { ReconciliationEnv } from "../../env.ts";
import { authorise, authoriseRoute } from "./authorise.ts";

export const authorisationRoutes = createServiceRouter<ReconciliationEnv>().openapi(
  authoriseRoute,
  authorise,
);
