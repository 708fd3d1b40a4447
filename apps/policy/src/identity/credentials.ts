/**
 * Credentials as this Worker issues them: a fresh secret, its hash in D1 (the source of truth), and a
 * mirror in AUTH_KV that every Worker authenticates from. Revoking marks the row and deletes the mirror.
 */
import {
  type AuditActor,
  type CredentialKind,
  type CredentialRecord,
  credentialCache,
  generateSecret,
  hashSecret,
  type PersonRole,
  type Scope,
  type StoredPrincipal,
  secretHint,
} from "@tessera/service-kit";
import type { Context } from "hono";
import { type CredentialRow, credentialRepository } from "../db/credentials.ts";

interface CredentialBindings {
  DB: D1Database;
  AUTH_KV: KVNamespace;
}

const SECRET_KIND: Record<CredentialKind, "session" | "adminToken" | "apiKey"> = {
  session: "session",
  admin_token: "adminToken",
  api_key: "apiKey",
};

export interface NewCredential {
  kind: CredentialKind;
  name: string;
  personId: string | null;
  role: PersonRole | null;
  scopes: Scope[] | null;
  createdBy: AuditActor;
  expiresAt: string | null;
}

/** The principal a credential row stands for, as mirrored into AUTH_KV. */
export function principalOf(row: CredentialRow): StoredPrincipal {
  if (row.kind === "api_key")
    return { kind: "service", id: row.id, name: row.name, scopes: row.scopes ?? [] };
  const name = row.kind === "session" ? row.name : `${row.name} (admin token)`;
  // The bootstrap admin owns no person row; tokens it makes act under its id.
  return { kind: "user", id: row.personId ?? "bootstrap", name, role: row.role ?? "auditor" };
}

export function recordOf(row: CredentialRow): CredentialRecord {
  return { id: row.id, credential: row.kind, principal: principalOf(row), expiresAt: row.expiresAt };
}

export function credentialStore(env: CredentialBindings) {
  const repo = credentialRepository(env.DB);
  const mirror = credentialCache(env.AUTH_KV);
  return {
    repo,

    /** Writes the row only: the secret works nowhere until `activate` mirrors it (after the audit). */
    async create(input: NewCredential): Promise<{ row: CredentialRow; secret: string }> {
      const secret = generateSecret(SECRET_KIND[input.kind]);
      const row: CredentialRow = {
        ...input,
        id: `${input.kind === "api_key" ? "key" : input.kind === "session" ? "ses" : "tok"}_${crypto.randomUUID()}`,
        secretHash: await hashSecret(secret),
        hint: secretHint(secret),
        createdAt: new Date().toISOString(),
        revokedAt: null,
      };
      await repo.insert(row);
      return { row, secret };
    },

    async activate(row: CredentialRow): Promise<void> {
      await mirror.put(row.secretHash, recordOf(row));
    },

    /** Undoes `create` when the audit entry could not be written. */
    async discard(row: CredentialRow): Promise<void> {
      await repo.delete(row.id);
    },

    /** Revokes one credential everywhere: the row at once, the mirror (and so every Worker) within KV's window. */
    async revoke(id: string, kind: CredentialKind): Promise<CredentialRow | null> {
      const row = await repo.revoke(id, kind, new Date().toISOString());
      if (row) await mirror.delete(row.secretHash);
      return row;
    },

    async unmirror(rows: CredentialRow[]): Promise<void> {
      await Promise.all(rows.map((row) => mirror.delete(row.secretHash)));
    },
  };
}

/**
 * The authenticate() hook of this Worker: a credential KV still mirrors but D1 has revoked (or whose
 * row is gone) is refused here at once, while other Workers honour the KV window.
 */
export async function confirmCredential(c: Context, record: CredentialRecord): Promise<boolean> {
  const env = c.env as CredentialBindings;
  return credentialRepository(env.DB).isLive(record.id, new Date().toISOString());
}
