/** Top-up authorisations asked for by station terminals. */
import { createServiceRouter } from "@tessera/service-kit";
import type { ReconciliationEnv } from "../../env.ts";
import { authoriseTopupByTerminal, authoriseTopupRoute } from "./authorise.ts";

export const topupRoutes = createServiceRouter<ReconciliationEnv>().openapi(
  authoriseTopupRoute,
  authoriseTopupByTerminal,
);
