/**
 * D1 repository for sessions, admin bearer tokens and API keys (table credentials). Only hashes of
 * secrets are stored; rows are the source of truth that AUTH_KV mirrors.
 */
import type { AuditActor, CredentialKind, PersonRole, Scope } from "@tessera/service-kit";
import { z } from "zod";

const CredentialRowSchema = z.object({
  id: z.string(),
  kind: z.enum(["session", "admin_token", "api_key"]),
  secret_hash: z.string(),
  hint: z.string(),
  name: z.string(),
  person_id: z.string().nullable(),
  role: z.enum(["admin", "operator", "auditor"]).nullable(),
  scopes: z.string().nullable(),
  created_by: z.string(),
  created_at: z.string(),
  expires_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
});

export interface CredentialRow {
  id: string;
  kind: CredentialKind;
  secretHash: string;
  hint: string;
  name: string;
  personId: string | null;
  role: PersonRole | null;
  scopes: Scope[] | null;
  createdBy: AuditActor;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

function toCredential(row: unknown): CredentialRow {
  const parsed = CredentialRowSchema.parse(row);
  return {
    id: parsed.id,
    kind: parsed.kind,
    secretHash: parsed.secret_hash,
    hint: parsed.hint,
    name: parsed.name,
    personId: parsed.person_id,
    role: parsed.role,
    scopes: parsed.scopes === null ? null : (JSON.parse(parsed.scopes) as Scope[]),
    createdBy: JSON.parse(parsed.created_by) as AuditActor,
    createdAt: parsed.created_at,
    expiresAt: parsed.expires_at,
    revokedAt: parsed.revoked_at,
  };
}

const COLUMNS =
  "id, kind, secret_hash, hint, name, person_id, role, scopes, created_by, created_at, expires_at, revoked_at";
/** Live: neither revoked nor expired (ISO timestamps compare as text). */
const LIVE = "revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)";

export function credentialRepository(db: D1Database) {
  return {
    async insert(row: CredentialRow): Promise<void> {
      await db
        .prepare(`INSERT INTO credentials (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .bind(
          row.id,
          row.kind,
          row.secretHash,
          row.hint,
          row.name,
          row.personId,
          row.role,
          row.scopes === null ? null : JSON.stringify(row.scopes),
          JSON.stringify(row.createdBy),
          row.createdAt,
          row.expiresAt,
          row.revokedAt,
        )
        .run();
    },

    /** Removes a credential that never went live (its audit entry could not be written). */
    async delete(id: string): Promise<void> {
      await db.prepare("DELETE FROM credentials WHERE id = ?").bind(id).run();
    },

    async find(id: string, kind: CredentialKind): Promise<CredentialRow | null> {
      const row = await db
        .prepare(`SELECT ${COLUMNS} FROM credentials WHERE id = ? AND kind = ?`)
        .bind(id, kind)
        .first();
      return row ? toCredential(row) : null;
    },

    /** Whether a credential is still live here, the source of truth. */
    async isLive(id: string, now: string): Promise<boolean> {
      const row = await db
        .prepare(`SELECT 1 AS live FROM credentials WHERE id = ? AND ${LIVE}`)
        .bind(id, now)
        .first();
      return row !== null;
    },

    /** Live credentials of a kind, newest first. */
    async listLive(kind: CredentialKind, now: string, limit = 500): Promise<CredentialRow[]> {
      const { results } = await db
        .prepare(
          `SELECT ${COLUMNS} FROM credentials WHERE kind = ? AND ${LIVE} ORDER BY created_at DESC LIMIT ?`,
        )
        .bind(kind, now, limit)
        .all();
      return results.map(toCredential);
    },

    /** Marks one credential revoked; the row as it was, or null when it was not live. */
    async revoke(id: string, kind: CredentialKind, at: string): Promise<CredentialRow | null> {
      const row = await db
        .prepare(
          `UPDATE credentials SET revoked_at = ? WHERE id = ? AND kind = ? AND ${LIVE} RETURNING ${COLUMNS}`,
        )
        .bind(at, id, kind, at)
        .first();
      return row ? toCredential(row) : null;
    },

    /**
     * Revokes a person's live credentials: all of them, or (with `aboveRole`) their sessions plus the
     * tokens whose role is stronger than the person's new one. Returns the revoked rows.
     */
    async revokeForPerson(
      personId: string,
      at: string,
      keepTokensUpTo?: PersonRole,
    ): Promise<CredentialRow[]> {
      const allowed = keepTokensUpTo === undefined ? [] : keepRoles(keepTokensUpTo);
      const { results } = await db
        .prepare(
          `UPDATE credentials SET revoked_at = ?
           WHERE person_id = ? AND ${LIVE}
             AND (kind = 'session' OR role IS NULL OR role NOT IN (SELECT value FROM json_each(?)))
           RETURNING ${COLUMNS}`,
        )
        .bind(at, personId, at, JSON.stringify(allowed))
        .all();
      return results.map(toCredential);
    },
  };
}

/** Roles a token may keep when its person now holds `role`. */
function keepRoles(role: PersonRole): PersonRole[] {
  if (role === "admin") return ["admin", "operator", "auditor"];
  if (role === "operator") return ["operator", "auditor"];
  return ["auditor"];
}
