/** The deny-list resource: sync (terminals and readers) and changes (operators). */
import { createServiceRouter } from "@tessera/service-kit";
import type { GrantsEnv } from "../../env.ts";
import { addDenyEntry, addDenyEntryRoute } from "./add-entry.ts";
import { getDenyList, getDenyListRoute } from "./get.ts";
import { getDenyEntry, getDenyEntryRoute } from "./get-entry.ts";
import { removeDenyEntry, removeDenyEntryRoute } from "./remove-entry.ts";

export const denyListRoutes = createServiceRouter<GrantsEnv>()
  .openapi(getDenyListRoute, getDenyList)
  .openapi(addDenyEntryRoute, addDenyEntry)
  .openapi(getDenyEntryRoute, getDenyEntry)
  .openapi(removeDenyEntryRoute, removeDenyEntry);
