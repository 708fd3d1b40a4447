/** The `topup_authorisations` table: online authorisations that uploaded top-up events are matched to. */
import type { TopupAuthorisation } from "../ledger/index.ts";

export interface TopupAuthorisationRow {
  id: string;
  card_id: string;
  amount: number;
  requested_by: string;
  created_at: number;
  expires_at: number;
}

export function topupStore(db: D1Database) {
  return {
    async create(row: TopupAuthorisationRow): Promise<void> {
      await db
        .prepare(
          `INSERT INTO topup_authorisations (id, card_id, amount, requested_by, created_at, expires_at)
           VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .bind(row.id, row.card_id, row.amount, row.requested_by, row.created_at, row.expires_at)
        .run();
    },

    /**
     * Every authorisation of these cards, and every one these events name (an event may name another
     * card's), keyed by id, for the ledger to match top-ups against.
     */
    async forCards(
      cardIds: readonly string[],
      named: readonly string[],
    ): Promise<Map<string, TopupAuthorisation>> {
      if (cardIds.length === 0 && named.length === 0) return new Map();
      const { results } = await db
        .prepare(
          `SELECT id, card_id, amount FROM topup_authorisations
           WHERE card_id IN (SELECT value FROM json_each(?1)) OR id IN (SELECT value FROM json_each(?2))`,
        )
        .bind(JSON.stringify(cardIds), JSON.stringify(named))
        .all<{ id: string; card_id: string; amount: number }>();
      return new Map(
        results.map((r) => [r.id, { authorisationId: r.id, cardId: r.card_id, amount: r.amount }]),
      );
    },
  };
}
