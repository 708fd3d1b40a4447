/** The grants resource. */
import { createServiceRouter } from "@tessera/service-kit";
import type { GrantsEnv } from "../../env.ts";
import { issueGrant, issueGrantRoute } from "./issue.ts";

export const grantRoutes = createServiceRouter<GrantsEnv>().openapi(issueGrantRoute, issueGrant);
