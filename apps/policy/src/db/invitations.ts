/** D1 repository for invitations (table invitations); the token itself is stored only as a hash. */
import type { AuditActor, PersonRole } from "@tessera/service-kit";
import { z } from "zod";

const InvitationRowSchema = z.object({
  id: z.string(),
  token_hash: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(["admin", "operator", "auditor"]),
  created_by: z.string(),
  created_at: z.string(),
  expires_at: z.string(),
  accepted_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
});

export interface InvitationRow {
  id: string;
  tokenHash: string;
  email: string;
  name: string;
  role: PersonRole;
  createdBy: AuditActor;
  createdAt: string;
  expiresAt: string;
  acceptedAt: string | null;
  revokedAt: string | null;
}

function toInvitation(row: unknown): InvitationRow {
  const parsed = InvitationRowSchema.parse(row);
  return {
    id: parsed.id,
    tokenHash: parsed.token_hash,
    email: parsed.email,
    name: parsed.name,
    role: parsed.role,
    createdBy: JSON.parse(parsed.created_by) as AuditActor,
    createdAt: parsed.created_at,
    expiresAt: parsed.expires_at,
    acceptedAt: parsed.accepted_at,
    revokedAt: parsed.revoked_at,
  };
}

const COLUMNS =
  "id, token_hash, email, name, role, created_by, created_at, expires_at, accepted_at, revoked_at";

export function invitationRepository(db: D1Database) {
  return {
    async insert(row: InvitationRow): Promise<void> {
      await db
        .prepare(`INSERT INTO invitations (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .bind(
          row.id,
          row.tokenHash,
          row.email,
          row.name,
          row.role,
          JSON.stringify(row.createdBy),
          row.createdAt,
          row.expiresAt,
          row.acceptedAt,
          row.revokedAt,
        )
        .run();
    },

    async delete(id: string): Promise<void> {
      await db.prepare("DELETE FROM invitations WHERE id = ?").bind(id).run();
    },

    /** An invitation that can still be answered: not accepted, not revoked, not expired. */
    async findOpenByTokenHash(tokenHash: string, now: string): Promise<InvitationRow | null> {
      const row = await db
        .prepare(
          `SELECT ${COLUMNS} FROM invitations
           WHERE token_hash = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?`,
        )
        .bind(tokenHash, now)
        .first();
      return row ? toInvitation(row) : null;
    },

    async find(id: string): Promise<InvitationRow | null> {
      const row = await db.prepare(`SELECT ${COLUMNS} FROM invitations WHERE id = ?`).bind(id).first();
      return row ? toInvitation(row) : null;
    },

    async list(limit = 200): Promise<InvitationRow[]> {
      const { results } = await db
        .prepare(`SELECT ${COLUMNS} FROM invitations ORDER BY created_at DESC LIMIT ?`)
        .bind(limit)
        .all();
      return results.map(toInvitation);
    },

    async revoke(id: string, at: string): Promise<boolean> {
      const result = await db
        .prepare(
          "UPDATE invitations SET revoked_at = ? WHERE id = ? AND accepted_at IS NULL AND revoked_at IS NULL",
        )
        .bind(at, id)
        .run();
      return result.meta.changes > 0;
    },
  };
}
