/** Admin bearer tokens for automation: create (secret shown once), list, revoke. */
import { createServiceRouter } from "@tessera/service-kit";
import type { PolicyEnv } from "../../env.ts";
import { createAdminToken } from "./create.ts";
import { listAdminTokens } from "./list.ts";
import { revokeAdminToken } from "./revoke.ts";

export const adminTokenRoutes = createServiceRouter<PolicyEnv>()
  .route("/", createAdminToken)
  .route("/", listAdminTokens)
  .route("/", revokeAdminToken);
