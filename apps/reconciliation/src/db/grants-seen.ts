/** The `grants_seen` table: verified session grants, so events naming an earlier grant can be checked later. */
import { SessionGrantClaims } from "@tessera/protocol";

export function grantsSeenStore(db: D1Database) {
  return {
    async find(jtis: readonly string[]): Promise<Map<string, SessionGrantClaims>> {
      if (jtis.length === 0) return new Map();
      const { results } = await db
        .prepare("SELECT jti, claims FROM grants_seen WHERE jti IN (SELECT value FROM json_each(?))")
        .bind(JSON.stringify(jtis))
        .all<{ jti: string; claims: string }>();
      return new Map(results.map((r) => [r.jti, SessionGrantClaims.parse(JSON.parse(r.claims))]));
    },

    /** Records grants not seen before; a grant id's claims never change, so a known one is left alone. */
    insertStatement(grants: readonly SessionGrantClaims[], now: number): D1PreparedStatement {
      const rows = grants.map((g) => ({ jti: g.jti, terminal_id: g.sub, claims: JSON.stringify(g) }));
      return db
        .prepare(
          `INSERT INTO grants_seen (jti, terminal_id, claims, first_seen_at)
           SELECT value ->> '$.jti', value ->> '$.terminal_id', value ->> '$.claims', ?2
           FROM json_each(?1) WHERE true
           ON CONFLICT (jti) DO NOTHING`,
        )
        .bind(JSON.stringify(rows), now);
    },
  };
}
