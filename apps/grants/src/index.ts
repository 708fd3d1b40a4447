/** The grants Worker: terminal enrolment, session grants with proof of possession, the deny list and the JWKS. */
import { createServiceApp } from "@tessera/service-kit";
import type { GrantsEnv } from "./env.ts";
import { metaRoutes } from "./routes/meta/index.ts";
import { GRANTS_SERVICE } from "./service.ts";

const app = createServiceApp<GrantsEnv>(GRANTS_SERVICE);

// One app.route() per resource; each resource's folder registers its own operations.
app.route("/v1", metaRoutes);

export default app;
