/** D1 repository for single-use WebAuthn challenges (table webauthn_challenges). */
import { z } from "zod";

const ChallengeRowSchema = z.object({
  id: z.string(),
  purpose: z.enum(["registration", "authentication"]),
  challenge: z.string(),
  invitation_id: z.string().nullable(),
  webauthn_user_id: z.string().nullable(),
  expires_at: z.string(),
});

export interface ChallengeRow {
  id: string;
  purpose: "registration" | "authentication";
  challenge: string;
  invitationId: string | null;
  webauthnUserId: string | null;
  expiresAt: string;
}

export function challengeRepository(db: D1Database) {
  return {
    /** Stores a challenge and sweeps expired ones, so the table never grows. */
    async insert(row: ChallengeRow, now: string): Promise<void> {
      await db.batch([
        db.prepare("DELETE FROM webauthn_challenges WHERE expires_at <= ?").bind(now),
        db
          .prepare(
            `INSERT INTO webauthn_challenges (id, purpose, challenge, invitation_id, webauthn_user_id, expires_at)
             VALUES (?, ?, ?, ?, ?, ?)`,
          )
          .bind(row.id, row.purpose, row.challenge, row.invitationId, row.webauthnUserId, row.expiresAt),
      ]);
    },

    /** Takes a challenge out (single use); null when unknown, used, expired or for another purpose. */
    async consume(id: string, purpose: ChallengeRow["purpose"], now: string): Promise<ChallengeRow | null> {
      const row = await db
        .prepare(
          `DELETE FROM webauthn_challenges WHERE id = ? RETURNING id, purpose, challenge, invitation_id, webauthn_user_id, expires_at`,
        )
        .bind(id)
        .first();
      if (!row) return null;
      const parsed = ChallengeRowSchema.parse(row);
      if (parsed.purpose !== purpose || parsed.expires_at <= now) return null;
      return {
        id: parsed.id,
        purpose: parsed.purpose,
        challenge: parsed.challenge,
        invitationId: parsed.invitation_id,
        webauthnUserId: parsed.webauthn_user_id,
        expiresAt: parsed.expires_at,
      };
    },
  };
}
