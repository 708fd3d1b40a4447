/** `DELETE /v1/sessions/current`: signs out: revokes this session everywhere and clears the cookie. */
import { TesseraError } from "@tessera/protocol";
import {
  clearSessionCookie,
  createServiceRouter,
  problemResponses,
  requirePrincipal,
  secureRoute,
} from "@tessera/service-kit";
import { auditFirst } from "../../audit.ts";
import type { PolicyEnv } from "../../env.ts";
import { credentialStore } from "../../identity/credentials.ts";

const route = secureRoute({
  method: "delete",
  path: "/sessions/current",
  access: { roles: ["auditor"] },
  tags: ["Identity"],
  summary: "Sign out",
  responses: { 204: { description: "Signed out" }, ...problemResponses(409, 503) },
});

export const signOut = createServiceRouter<PolicyEnv>().openapi(route, async (c) => {
  const principal = requirePrincipal(c);
  if (principal.kind !== "user" || principal.via !== "session" || !principal.credentialId)
    throw new TesseraError("conflict", "This request is not signed in with a console session");
  const sessionId = principal.credentialId;
  await auditFirst(() => c.var.audit("session.end", `session:${sessionId}`, {}));
  await credentialStore(c.env).revoke(sessionId, "session");
  clearSessionCookie(c);
  return c.body(null, 204);
});
