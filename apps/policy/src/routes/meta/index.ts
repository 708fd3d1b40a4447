/** Service metadata: version, database owner and applied migrations (`GET /v1/meta`). */
import { createMetaRoutes } from "@tessera/service-kit";
import type { PolicyEnv } from "../../env.ts";
import { POLICY_SERVICE } from "../../service.ts";

export const metaRoutes = createMetaRoutes<PolicyEnv>(POLICY_SERVICE.service, POLICY_SERVICE.version);
