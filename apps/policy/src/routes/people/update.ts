/**
 * `PATCH /v1/people/{personId}`: changes a person's role or disables them. Either way their sessions
 * end (they sign in again under the new role); disabling also revokes their admin tokens, and a
 * demotion revokes the tokens stronger than the new role. The last active admin can be neither demoted
 * nor disabled, by anyone (`last_admin`), so the console can always be administered by a person.
 */
import { z } from "@hono/zod-openapi";
import { TesseraError } from "@tessera/protocol";
import { createServiceRouter, credentialCache, problemResponses, secureRoute } from "@tessera/service-kit";
import { auditFirst } from "../../audit.ts";
import { credentialRepository } from "../../db/credentials.ts";
import { peopleRepository } from "../../db/people.ts";
import type { PolicyEnv } from "../../env.ts";
import { credentialStore } from "../../identity/credentials.ts";
import { Person, UpdatePerson } from "../../schemas/identity.ts";
import { personResponse } from "./shared.ts";

const Params = z.object({
  personId: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: "personId", in: "path" } }),
});

const route = secureRoute({
  method: "patch",
  path: "/people/{personId}",
  access: { roles: ["admin"] },
  tags: ["Identity"],
  summary: "Change a person's role, or disable them",
  request: {
    params: Params,
    body: { required: true, content: { "application/json": { schema: UpdatePerson } } },
  },
  responses: {
    200: { description: "The person now", content: { "application/json": { schema: Person } } },
    ...problemResponses(404, 409, 422, 503),
  },
});

export const updatePerson = createServiceRouter<PolicyEnv>().openapi(route, async (c) => {
  const { personId } = c.req.valid("param");
  const body = c.req.valid("json");
  const people = peopleRepository(c.env.DB);
  const before = await people.find(personId);
  if (!before) throw new TesseraError("not_found", `No person ${personId}`);
  const role = body.role ?? before.role;
  const disabled = body.disabled ?? before.disabledAt !== null;
  const lastAdmin = () =>
    new TesseraError(
      "last_admin",
      `${before.name} is the last active admin; make someone else an admin before demoting or disabling them`,
    );
  // Refused before anything is audited or written; the update itself checks again as it writes.
  if (!(role === "admin" && !disabled) && (await people.isLastActiveAdmin(before))) throw lastAdmin();
  await auditFirst(() =>
    c.var.audit("person.update", `person:${personId}`, {
      before: { role: before.role, disabled: before.disabledAt !== null },
      after: { role, disabled },
    }),
  );
  const now = new Date().toISOString();
  const outcome = await people.update(personId, { role, disabled, at: now });
  if (outcome === "not_found") throw new TesseraError("not_found", `No person ${personId}`);
  if (outcome === "last_admin") {
    // Another admin was demoted or disabled meanwhile: say so beside the entry written above.
    await c.var
      .audit("person.update_refused", `person:${personId}`, { reason: "last_admin" })
      .catch((error: unknown) =>
        console.error(JSON.stringify({ level: "error", event: "audit_append_failed", error: String(error) })),
      );
    throw lastAdmin();
  }
  const revoked = await credentialRepository(c.env.DB).revokeForPerson(
    personId,
    now,
    disabled ? undefined : role,
  );
  await credentialStore(c.env).unmirror(revoked);
  const mirror = credentialCache(c.env.AUTH_KV);
  if (disabled) await mirror.deleteAccessIdentity(before.email);
  else
    await mirror.putAccessIdentity(before.email, {
      principal: { kind: "user", id: personId, name: before.name, role },
    });
  const after = await people.find(personId);
  if (!after) throw new Error("the person vanished");
  return c.json(personResponse(after), 200);
});
