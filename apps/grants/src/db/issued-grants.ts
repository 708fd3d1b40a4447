/** D1 access to the record of issued grants (table `issued_grants`). */
import { z } from "zod";

export interface IssuedGrantRecord {
  id: string;
  terminalId: string;
  gseq: number;
  keyVersion: number;
  policyVersion: number;
  denyListVersion: number;
  issuedAt: number;
  notBefore: number;
  expiresAt: number;
  certificateValidUntil: number;
}

const KeyUseRow = z.object({
  key_version: z.number().int(),
  live_grants: z.number().int(),
  last_expiry: z.number().int(),
});
export type KeyUseRow = z.infer<typeof KeyUseRow>;

export function issuedGrants(db: D1Database) {
  return {
    insertStatement(grant: IssuedGrantRecord): D1PreparedStatement {
      return db
        .prepare(
          `INSERT INTO issued_grants (id, terminal_id, gseq, key_version, policy_version, deny_list_version,
             issued_at, not_before, expires_at, certificate_valid_until)
           VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)`,
        )
        .bind(
          grant.id,
          grant.terminalId,
          grant.gseq,
          grant.keyVersion,
          grant.policyVersion,
          grant.denyListVersion,
          grant.issuedAt,
          grant.notBefore,
          grant.expiresAt,
          grant.certificateValidUntil,
        );
    },

    /**
     * Per key version with anything still valid at `now`: how many grants, and the last instant one of
     * them (or its certificate, which always outlasts the grant) is valid. A version missing from the
     * map has nothing valid left out there, so it may leave the JWKS.
     */
    async liveUseByKey(now: number): Promise<Map<number, KeyUseRow>> {
      const { results } = await db
        .prepare(
          `SELECT key_version, COUNT(*) AS live_grants, MAX(certificate_valid_until) AS last_expiry
           FROM issued_grants WHERE certificate_valid_until > ?1 GROUP BY key_version`,
        )
        .bind(now)
        .all();
      return new Map(results.map((row) => KeyUseRow.parse(row)).map((row) => [row.key_version, row]));
    },
  };
}
