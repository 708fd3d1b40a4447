/** Service API keys: create (secret shown once), list, revoke. */
import { createServiceRouter } from "@tessera/service-kit";
import type { PolicyEnv } from "../../env.ts";
import { createApiKey } from "./create.ts";
import { listApiKeys } from "./list.ts";
import { revokeApiKey } from "./revoke.ts";

export const apiKeyRoutes = createServiceRouter<PolicyEnv>()
  .route("/", createApiKey)
  .route("/", listApiKeys)
  .route("/", revokeApiKey);
