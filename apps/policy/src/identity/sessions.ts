/** Console sessions: started by a passkey ceremony, carried in the session cookie, mirrored like any credential. */
import { type AuditFn, SESSION_LIFETIME_SECONDS, setSessionCookie } from "@tessera/service-kit";
import type { Context } from "hono";
import { auditOrUndo } from "../audit.ts";
import type { PersonRow } from "../db/people.ts";
import { credentialStore } from "./credentials.ts";

interface SessionBindings {
  DB: D1Database;
  AUTH_KV: KVNamespace;
}

/** Issues a session for `person`, audits it as their sign-in, and sets the cookie. */
export async function startSession(
  c: Context,
  deps: { env: SessionBindings; audit: AuditFn },
  person: PersonRow,
  how: string,
): Promise<void> {
  const store = credentialStore(deps.env);
  const actor = { kind: "user" as const, id: person.id, name: person.name };
  const { row, secret } = await store.create({
    kind: "session",
    name: person.name,
    personId: person.id,
    role: person.role,
    scopes: null,
    createdBy: actor,
    expiresAt: new Date(Date.now() + SESSION_LIFETIME_SECONDS * 1000).toISOString(),
  });
  await auditOrUndo(
    () =>
      deps.audit(
        "session.create",
        `session:${row.id}`,
        { how, role: person.role, expiresAt: row.expiresAt },
        actor,
      ),
    () => store.discard(row),
  );
  await store.activate(row);
  setSessionCookie(c, secret);
}
