/** Passkeys: an invitee registers one (two steps: options, then the authenticator's answer). */
import { createServiceRouter } from "@tessera/service-kit";
import type { PolicyEnv } from "../../env.ts";
import { registerPasskey } from "./register.ts";
import { registrationOptions } from "./registration-options.ts";

export const passkeyRoutes = createServiceRouter<PolicyEnv>()
  .route("/", registrationOptions)
  .route("/", registerPasskey);
