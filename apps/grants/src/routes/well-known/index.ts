/** The published key sets: the JWKS (grant keys) and the certificate key set. */
import { createServiceRouter } from "@tessera/service-kit";
import type { GrantsEnv } from "../../env.ts";
import { certificateKeysRoute, getCertificateKeys } from "./certificate-keys.ts";
import { getJwks, jwksRoute } from "./jwks.ts";

export const wellKnownRoutes = createServiceRouter<GrantsEnv>()
  .openapi(jwksRoute, getJwks)
  .openapi(certificateKeysRoute, getCertificateKeys);
