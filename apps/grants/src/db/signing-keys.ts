/**
 * D1 access to the versioned signing keys (table `signing_keys`). A row is one key version: its grant key
 * (`public_key_x`, `wrapped_private_key`) and its certificate key (`certificate_*`), or, for a version made
 * before keys were split (migration 0004), one dual-purpose key with the certificate columns NULL.
 */
import { z } from "zod";

export const KEY_STATUSES = ["published", "active", "previous", "retired"] as const;
export const KeyStatus = z.enum(KEY_STATUSES);
export type KeyStatus = z.infer<typeof KeyStatus>;

export const SigningKeyRow = z.object({
  version: z.number().int(),
  /** The grant key's public half; for a legacy row, its one dual-purpose key. */
  public_key_x: z.string(),
  wrapped_private_key: z.string(),
  /** The certificate key; both NULL for a legacy dual-purpose row. */
  certificate_public_key_x: z.string().nullable(),
  certificate_wrapped_private_key: z.string().nullable(),
  kek_fingerprint: z.string(),
  status: KeyStatus,
  created_by: z.string(),
  published_at: z.number().int(),
  activated_at: z.number().int().nullable(),
  superseded_at: z.number().int().nullable(),
  retired_at: z.number().int().nullable(),
});
export type SigningKeyRow = z.infer<typeof SigningKeyRow>;

/** Whether a row predates the split: one key signs both grants and certificates until it is retired. */
export function isDualPurpose(row: SigningKeyRow): boolean {
  return row.certificate_public_key_x === null;
}

/** A new key version: always a grant key and a certificate key, wrapped under the same KEK. */
export interface NewSigningKey {
  version: number;
  grant: { publicKeyX: string; wrapped: string };
  certificate: { publicKeyX: string; wrapped: string };
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
             (version, public_key_x, wrapped_private_key, certificate_public_key_x, certificate_wrapped_private_key,
              kek_fingerprint, status, created_by, published_at, activated_at)
           VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, CASE WHEN ?7 = 'active' THEN ?9 END)
           ON CONFLICT DO NOTHING`,
        )
        .bind(
          key.version,
          key.grant.publicKeyX,
          key.grant.wrapped,
          key.certificate.publicKeyX,
          key.certificate.wrapped,
          key.kekFingerprint,
          key.status,
          key.createdBy,
          key.at,
        )
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
