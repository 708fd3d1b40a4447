/** Console sessions: passkey sign-in (two steps), sign-out, and admin listing and revocation. */
import { createServiceRouter } from "@tessera/service-kit";
import type { PolicyEnv } from "../../env.ts";
import { listSessions } from "./list.ts";
import { revokeSession } from "./revoke.ts";
import { signIn } from "./sign-in.ts";
import { signInOptions } from "./sign-in-options.ts";
import { signOut } from "./sign-out.ts";

// `/sessions/options` and `/sessions/current` are registered before `/sessions/{sessionId}`.
export const sessionRoutes = createServiceRouter<PolicyEnv>()
  .route("/", signInOptions)
  .route("/", signIn)
  .route("/", signOut)
  .route("/", listSessions)
  .route("/", revokeSession);
