/** `GET /v1/me`: who the presented credential is, with its role or scopes. */
import { createServiceRouter, requirePrincipal, SCOPES, secureRoute } from "@tessera/service-kit";
import type { PolicyEnv } from "../../env.ts";
import { Me } from "../../schemas/identity.ts";

const route = secureRoute({
  method: "get",
  path: "/me",
  // Any person, and any API key that carries at least one scope.
  access: { roles: ["auditor"], scopes: [...SCOPES] },
  tags: ["Identity"],
  summary: "Who am I",
  responses: { 200: { description: "The caller", content: { "application/json": { schema: Me } } } },
});

export const readMe = createServiceRouter<PolicyEnv>().openapi(route, async (c) => {
  const principal = requirePrincipal(c);
  switch (principal.kind) {
    case "service":
      return c.json(
        Me.parse({ kind: "service", id: principal.id, name: principal.name, scopes: principal.scopes }),
        200,
      );
    case "user":
      return c.json(
        Me.parse({
          kind: "user",
          id: principal.id,
          name: principal.name,
          role: principal.role,
          via: principal.via,
        }),
        200,
      );
    default:
      return c.json(
        Me.parse({ kind: "bootstrap", id: "bootstrap", name: "bootstrap admin", role: "admin" }),
        200,
      );
  }
});
