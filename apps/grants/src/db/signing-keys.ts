/** D1 access to the versioned signing keys (table `signing_keys`). */
import { z } from "zod";

export const KEY_STATUSES = ["published", "active", "previous", "retired"] as const;
export const KeyStatus = z.enum(KEY_STATUSES);
export type KeyStatus = z.infer<typeof KeyStatus>;

export const SigningKeyRow = z.object({
  version: z.number().int(),
  public_key_x: z.string(),
  wrapped_private_key: z.string(),
  kek_fingerprint: z.string(),
  status: KeyStatus,
  created_by: z.string(),
  published_at: z.number().int(),
  activated_at: z.number().int().nullable(),
  superseded_at: z.number().int().nullable(),
  retired_at: z.number().int().nullable(),
});
export type SigningKeyRow = z.infer<typeof SigningKeyRow>;

export interface NewSigningKey {
  version: number;
  publicKeyX: string;
  wrapped: string;
  kekFingerprint: string;
  status: "published" | "active";
  createdBy: string;
  at: number;
}

export function signingKeys(db: D1Database) {
  return {
    async all(): Promise<SigningKeyRow[]> {
      const { results } = await db.prepare("SELECT * FROM signing_keys ORDER BY version").all();
      return results.map((row) => SigningKeyRow.parse(row));
    },

    /** Inserts a key; false when that version (or another active/published key) already exists. */
    async insert(key: NewSigningKey): Promise<boolean> {
      const result = await db
        .prepare(
          `INSERT INTO signing_keys
             (version, public_key_x, wrapped_private_key, kek_fingerprint, status, created_by, published_at, activated_at)
           VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, CASE WHEN ?5 = 'active' THEN ?7 END)
           ON CONFLICT DO NOTHING`,
        )
        .bind(key.version, key.publicKeyX, key.wrapped, key.kekFingerprint, key.status, key.createdBy, key.at)
        .run();
      return result.meta.changes === 1;
    },

    /**
     * Makes `version` the signing key and the active one `previous`, in one transaction; false when
     * `version` is no longer the published key (another activation won).
     */
    async activate(version: number, at: number): Promise<boolean> {
      const [, activated] = await db.batch([
        db
          .prepare(
            "UPDATE signing_keys SET status = 'previous', superseded_at = ?2 WHERE status = 'active' AND EXISTS (SELECT 1 FROM signing_keys WHERE version = ?1 AND status = 'published')",
          )
          .bind(version, at),
        db
          .prepare(
            "UPDATE signing_keys SET status = 'active', activated_at = ?2 WHERE version = ?1 AND status = 'published'",
          )
          .bind(version, at),
      ]);
      return activated!.meta.changes === 1;
    },

    async retire(version: number, at: number): Promise<boolean> {
      const result = await db
        .prepare(
          "UPDATE signing_keys SET status = 'retired', retired_at = ?2 WHERE version = ?1 AND status = 'previous'",
        )
        .bind(version, at)
        .run();
      return result.meta.changes === 1;
    },
  };
}
