/** `POST /v1/admin-tokens`: a bearer token acting with a person role, for automation; shown once. */
import {
  actorOf,
  createServiceRouter,
  problemResponses,
  requirePrincipal,
  secureRoute,
} from "@tessera/service-kit";
import { auditOrUndo } from "../../audit.ts";
import type { PolicyEnv } from "../../env.ts";
import { credentialStore } from "../../identity/credentials.ts";
import { CreateAdminToken, CreatedAdminToken } from "../../schemas/identity.ts";
import { adminTokenResponse } from "./shared.ts";

const DAY_MS = 24 * 3600 * 1000;

const route = secureRoute({
  method: "post",
  path: "/admin-tokens",
  access: { roles: ["admin"] },
  tags: ["Identity"],
  summary: "Create an admin bearer token",
  description:
    "For scripts that act as a person with a role (`tsa_…`). It always expires, belongs to the admin who made it, and is revoked with them. Audited.",
  request: { body: { required: true, content: { "application/json": { schema: CreateAdminToken } } } },
  responses: {
    201: {
      description: "The token, with its secret",
      content: { "application/json": { schema: CreatedAdminToken } },
    },
    ...problemResponses(422, 503),
  },
});

export const createAdminToken = createServiceRouter<PolicyEnv>().openapi(route, async (c) => {
  const body = c.req.valid("json");
  const principal = requirePrincipal(c);
  const store = credentialStore(c.env);
  const { row, secret } = await store.create({
    kind: "admin_token",
    name: body.name,
    personId: principal.kind === "user" ? principal.id : null,
    role: body.role,
    scopes: null,
    createdBy: actorOf(principal),
    expiresAt: new Date(Date.now() + body.expiresInDays * DAY_MS).toISOString(),
  });
  await auditOrUndo(
    () =>
      c.var.audit("admin_token.create", `admin_token:${row.id}`, {
        name: row.name,
        role: row.role,
        expiresAt: row.expiresAt,
      }),
    () => store.discard(row),
  );
  await store.activate(row);
  c.header("Cache-Control", "no-store");
  return c.json(CreatedAdminToken.parse({ ...adminTokenResponse(row), secret }), 201);
});
