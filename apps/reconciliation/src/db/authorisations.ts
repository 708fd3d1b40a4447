/**
 * Online authorisations (top-ups, pay-outs, restores) that uploaded events are matched to. The table keeps
 * its first name, `topup_authorisations`: it was widened by a column (migration 0007), never renamed, so a
 * Worker of the version before reads and writes it unchanged while both run.
 */
import type { AuthorisedOperation, OnlineAuthorisation } from "../ledger/index.ts";

export interface AuthorisationRow {
  id: string;
  op: AuthorisedOperation;
  card_id: string;
  amount: number;
  requested_by: string;
  created_at: number;
  expires_at: number;
}

export function authorisationStore(db: D1Database) {
  return {
    insertStatement(row: AuthorisationRow): D1PreparedStatement {
      return db
        .prepare(
          `INSERT INTO topup_authorisations (id, op, card_id, amount, requested_by, created_at, expires_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .bind(row.id, row.op, row.card_id, row.amount, row.requested_by, row.created_at, row.expires_at);
    },

    /**
     * Every authorisation of these cards, and every one these events name (an event may name another
     * card's), keyed by id, for the ledger to match events against.
     */
    async forCards(
      cardIds: readonly string[],
      named: readonly string[],
    ): Promise<Map<string, OnlineAuthorisation>> {
      if (cardIds.length === 0 && named.length === 0) return new Map();
      const { results } = await db
        .prepare(
          `SELECT id, op, card_id, amount FROM topup_authorisations
           WHERE card_id IN (SELECT value FROM json_each(?1)) OR id IN (SELECT value FROM json_each(?2))`,
        )
        .bind(JSON.stringify(cardIds), JSON.stringify(named))
        .all<{ id: string; op: AuthorisedOperation; card_id: string; amount: number }>();
      return new Map(
        results.map((r) => [r.id, { authorisationId: r.id, op: r.op, cardId: r.card_id, amount: r.amount }]),
      );
    },
  };
}
