/**
 * D1 access to accepted DPoP proof ids (table `dpop_proofs`). D1 is strongly consistent, so a proof
 * replayed anywhere, even in the same second, is refused; and an insert costs less than KV's read-then-write.
 */
import type { JtiStore } from "@tessera/service-kit";

const now = () => Math.floor(Date.now() / 1000);

export function dpopProofs(db: D1Database) {
  return {
    /** The statement that records `jti`; it changes no row when the id was already used. */
    claimStatement(jti: string, ttlSeconds: number): D1PreparedStatement {
      return db
        .prepare("INSERT INTO dpop_proofs (jti, expires_at) VALUES (?1, ?2) ON CONFLICT (jti) DO NOTHING")
        .bind(jti, now() + Math.ceil(ttlSeconds));
    },

    /** The kit's replay-store interface over this table, for the terminal-auth middleware. */
    store(): JtiStore {
      return {
        claim: async (jti, ttlSeconds) =>
          (await this.claimStatement(jti, ttlSeconds).run()).meta.changes === 1,
      };
    },

    /** Drops ids whose proofs can no longer be accepted anyway. */
    async purgeExpired(): Promise<number> {
      const result = await db.prepare("DELETE FROM dpop_proofs WHERE expires_at < ?1").bind(now()).run();
      return result.meta.changes;
    },
  };
}
