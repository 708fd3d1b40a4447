/** The signing-keys resource: versions, rotation and activation. */
import { createServiceRouter } from "@tessera/service-kit";
import type { GrantsEnv } from "../../env.ts";
import { activateKey, activateKeyRoute } from "./activate.ts";
import { listKeys, listKeysRoute } from "./list.ts";
import { rotateKey, rotateKeyRoute } from "./rotate.ts";

export const keyRoutes = createServiceRouter<GrantsEnv>()
  .openapi(listKeysRoute, listKeys)
  .openapi(rotateKeyRoute, rotateKey)
  .openapi(activateKeyRoute, activateKey);
