/** The caller's own identity. */
import { createServiceRouter } from "@tessera/service-kit";
import type { PolicyEnv } from "../../env.ts";
import { readMe } from "./read.ts";

export const meRoutes = createServiceRouter<PolicyEnv>().route("/", readMe);
