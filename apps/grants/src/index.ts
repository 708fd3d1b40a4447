/** The grants Worker: terminal enrolment, session grants with proof of possession, the deny list and the JWKS. */
import { auditTrail, authenticate, createServiceApp, registerSecuritySchemes } from "@tessera/service-kit";
import { dpopProofs } from "./db/dpop-proofs.ts";
import type { GrantsEnv } from "./env.ts";
import { keyRing } from "./keys/keyring.ts";
import { currentPolicy } from "./policy-source.ts";
import { benchRoutes } from "./routes/bench/index.ts";
import { denyListRoutes } from "./routes/deny-list/index.ts";
import { enrolmentCodeRoutes } from "./routes/enrolment-codes/index.ts";
import { grantRoutes } from "./routes/grants/index.ts";
import { keyRoutes } from "./routes/keys/index.ts";
import { metaRoutes } from "./routes/meta/index.ts";
import { terminalRoutes } from "./routes/terminals/index.ts";
import { validateRoutes } from "./routes/validate/index.ts";
import { wellKnownRoutes } from "./routes/well-known/index.ts";
import { GRANTS_SERVICE } from "./service.ts";

export { GrantsService } from "./rpc/grants-service.ts";

export const app = createServiceApp<GrantsEnv>(GRANTS_SERVICE);
registerSecuritySchemes(app);

// Every /v1 route learns who is calling (people and services; terminals through their routes' own
// middleware) and can append to the audit log; each route's declared access decides the rest.
for (const path of ["/v1/*", "/bench/*"]) {
  app.use(path, authenticate());
  app.use(path, auditTrail({ service: GRANTS_SERVICE.service }));
}

// One app.route() per resource; each resource's folder registers its own operations.
app.route("/v1", metaRoutes);
app.route("/v1", enrolmentCodeRoutes);
app.route("/v1", terminalRoutes);
app.route("/v1", grantRoutes);
app.route("/v1", keyRoutes);
app.route("/v1", denyListRoutes);
app.route("/v1", validateRoutes);
app.route("/", wellKnownRoutes);
app.route("/bench", benchRoutes);

/**
 * Hourly: superseded signing keys nothing valid depends on any more leave the JWKS, and proof ids that
 * can no longer be replayed are dropped.
 */
async function scheduled(
  _controller: ScheduledController,
  env: GrantsEnv["Bindings"],
  _ctx: ExecutionContext,
): Promise<void> {
  await dpopProofs(env.DB).purgeExpired();
  const policy = await currentPolicy(env.POLICY);
  const retired = await keyRing(env).retireExpired({ acceptedVersions: policy.keys.acceptedVersions });
  if (retired.length > 0)
    console.log(JSON.stringify({ level: "info", event: "signing_keys_retired", versions: retired }));
}

export default { fetch: app.fetch, scheduled } satisfies ExportedHandler<GrantsEnv["Bindings"]>;
