/** Service metadata: version, database owner and applied migrations (`GET /v1/meta`). */
import { createMetaRoutes } from "@tessera/service-kit";
import type { GrantsEnv } from "../../env.ts";
import { GRANTS_SERVICE } from "../../service.ts";

export const metaRoutes = createMetaRoutes<GrantsEnv>(GRANTS_SERVICE.service, GRANTS_SERVICE.version);
