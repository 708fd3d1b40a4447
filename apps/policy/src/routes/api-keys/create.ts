/** `POST /v1/api-keys`: a new service API key with explicit scopes; the secret is in this response only. */
import { TesseraError } from "@tessera/protocol";
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
import { CreateApiKey, CreatedApiKey } from "../../schemas/identity.ts";
import { apiKeyResponse } from "./shared.ts";

const route = secureRoute({
  method: "post",
  path: "/api-keys",
  access: { roles: ["admin"] },
  tags: ["Identity"],
  summary: "Create a service API key",
  description: "The secret (`tsk_…`) is returned once; only its SHA-256 is stored. Audited.",
  request: { body: { required: true, content: { "application/json": { schema: CreateApiKey } } } },
  responses: {
    201: {
      description: "The key, with its secret",
      content: { "application/json": { schema: CreatedApiKey } },
    },
    ...problemResponses(422, 503),
  },
});

export const createApiKey = createServiceRouter<PolicyEnv>().openapi(route, async (c) => {
  const body = c.req.valid("json");
  if (body.expiresAt && Date.parse(body.expiresAt) <= Date.now())
    throw new TesseraError("validation_failed", "expiresAt must be in the future", {
      errors: [{ path: "expiresAt", message: "must be in the future" }],
    });
  const store = credentialStore(c.env);
  const { row, secret } = await store.create({
    kind: "api_key",
    name: body.name,
    personId: null,
    role: null,
    scopes: [...new Set(body.scopes)],
    createdBy: actorOf(requirePrincipal(c)),
    expiresAt: body.expiresAt ? new Date(body.expiresAt).toISOString() : null,
  });
  await auditOrUndo(
    () =>
      c.var.audit("api_key.create", `api_key:${row.id}`, {
        name: row.name,
        scopes: row.scopes,
        expiresAt: row.expiresAt,
      }),
    () => store.discard(row),
  );
  await store.activate(row);
  c.header("Cache-Control", "no-store");
  return c.json(CreatedApiKey.parse({ ...apiKeyResponse(row), secret }), 201);
});
