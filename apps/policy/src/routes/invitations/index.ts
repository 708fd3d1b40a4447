/** Invitations: how a person joins the console (admins invite; the invitee registers a passkey). */
import { createServiceRouter } from "@tessera/service-kit";
import type { PolicyEnv } from "../../env.ts";
import { createInvitation } from "./create.ts";
import { listInvitations } from "./list.ts";
import { revokeInvitation } from "./revoke.ts";

export const invitationRoutes = createServiceRouter<PolicyEnv>()
  .route("/", createInvitation)
  .route("/", listInvitations)
  .route("/", revokeInvitation);
