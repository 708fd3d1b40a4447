/** The policy Worker: versioned, immutable policy documents published by admins and served to terminals. */
import { createServiceApp } from "@tessera/service-kit";
import type { PolicyEnv } from "./env.ts";
import { metaRoutes } from "./routes/meta/index.ts";
import { POLICY_SERVICE } from "./service.ts";

const app = createServiceApp<PolicyEnv>(POLICY_SERVICE);

// One app.route() per resource; each resource's folder registers its own operations.
app.route("/v1", metaRoutes);

export default app;
