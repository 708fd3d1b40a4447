/**
 * The policy Worker: versioned, immutable policy and catalog documents published by admins and served
 * to terminals from KV, and the identity source of truth (people, passkeys, sessions, tokens, API keys).
 */
import { auditTrail, authenticate, createServiceApp, registerSecuritySchemes } from "@tessera/service-kit";
import type { PolicyEnv } from "./env.ts";
import { confirmCredential } from "./identity/credentials.ts";
import { bearerFailureLimit } from "./identity/rate-limits.ts";
import { adminTokenRoutes } from "./routes/admin-tokens/index.ts";
import { apiKeyRoutes } from "./routes/api-keys/index.ts";
import { benchRoutes } from "./routes/bench/floor.ts";
import { catalogRoutes } from "./routes/catalog/index.ts";
import { invitationRoutes } from "./routes/invitations/index.ts";
import { meRoutes } from "./routes/me/index.ts";
import { metaRoutes } from "./routes/meta/index.ts";
import { passkeyRoutes } from "./routes/passkeys/index.ts";
import { peopleRoutes } from "./routes/people/index.ts";
import { policyRoutes } from "./routes/policy/index.ts";
import { sessionRoutes } from "./routes/sessions/index.ts";
import { POLICY_SERVICE } from "./service.ts";

const app = createServiceApp<PolicyEnv>(POLICY_SERVICE);
registerSecuritySchemes(app);

// The audit helper first: a lockout noticed while authenticating is audited too (it reads the principal
// when called, not when set up).
app.use("*", auditTrail({ service: POLICY_SERVICE.service }));
// Every request's credential is resolved once; this Worker also asks its own D1, so a revocation made
// here takes effect here at once. Each route's declared access then admits or refuses the principal.
// A client that keeps presenting bad bearer credentials is refused with 429 for the rest of the window.
app.use("*", authenticate({ confirm: confirmCredential, bearerFailures: bearerFailureLimit }));

// One app.route() per resource; each resource's folder registers its own operations.
app.route("/v1", metaRoutes);
app.route("/v1", policyRoutes);
app.route("/v1", catalogRoutes);
app.route("/v1", meRoutes);
app.route("/v1", apiKeyRoutes);
app.route("/v1", adminTokenRoutes);
app.route("/v1", invitationRoutes);
app.route("/v1", passkeyRoutes);
app.route("/v1", sessionRoutes);
app.route("/v1", peopleRoutes);
app.route("/", benchRoutes);

export { app };
export default app;
