/** Flags: review and resolution of what reconciliation found. */
import { createServiceRouter } from "@tessera/service-kit";
import type { ReconciliationEnv } from "../../env.ts";
import { getFlag, getFlagRoute } from "./get.ts";
import { listFlags, listFlagsRoute } from "./list.ts";
import { resolveFlag, resolveFlagRoute } from "./resolve.ts";

export const flagRoutes = createServiceRouter<ReconciliationEnv>()
  .openapi(listFlagsRoute, listFlags)
  .openapi(getFlagRoute, getFlag)
  .openapi(resolveFlagRoute, resolveFlag);
