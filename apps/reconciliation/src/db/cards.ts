/** The `cards` table: each card's reconciled head, rewritten by every upload that touches the card. */
import type { CardLedger, LedgerTail } from "../ledger/index.ts";

export interface CardRow {
  card_id: string;
  balance: number;
  counter: number;
  chain: string;
  status: string;
  head_event_id: string;
  issued: number;
  event_count: number;
  open_gaps: number;
  last_written_at: number;
  updated_at: number;
  /** The ledger tail as JSON, or null when the next upload must recompute the card in full. */
  tail: string | null;
}

/** What an upload reads of a card before it decides how to bring its ledger up to date. */
export interface CardTailRow {
  card_id: string;
  event_count: number;
  tail: string | null;
}

export function cardRowOf(
  ledger: Omit<CardLedger, "entries" | "flags" | "restore">,
  updatedAt: number,
  tail: LedgerTail | null,
): CardRow {
  return {
    card_id: ledger.cardId,
    balance: ledger.balance,
    counter: ledger.counter,
    chain: ledger.chain,
    status: ledger.status,
    head_event_id: ledger.headEventId,
    issued: ledger.issued ? 1 : 0,
    event_count: ledger.eventCount,
    open_gaps: ledger.gaps.length,
    last_written_at: ledger.lastWrittenAt,
    updated_at: updatedAt,
    tail: tail ? JSON.stringify(tail) : null,
  };
}

export function cardStore(db: D1Database) {
  return {
    upsertStatement(rows: readonly CardRow[]): D1PreparedStatement {
      return db
        .prepare(
          `INSERT INTO cards (card_id, balance, counter, chain, status, head_event_id, issued, event_count,
             open_gaps, last_written_at, updated_at, tail)
           SELECT value ->> '$.card_id', value ->> '$.balance', value ->> '$.counter', value ->> '$.chain',
             value ->> '$.status', value ->> '$.head_event_id', value ->> '$.issued', value ->> '$.event_count',
             value ->> '$.open_gaps', value ->> '$.last_written_at', value ->> '$.updated_at', value ->> '$.tail'
           FROM json_each(?1) WHERE true
           ON CONFLICT (card_id) DO UPDATE SET balance = excluded.balance, counter = excluded.counter,
             chain = excluded.chain, status = excluded.status, head_event_id = excluded.head_event_id,
             issued = excluded.issued, event_count = excluded.event_count, open_gaps = excluded.open_gaps,
             last_written_at = excluded.last_written_at, updated_at = excluded.updated_at, tail = excluded.tail`,
        )
        .bind(JSON.stringify(rows));
    },

    /** Booked-event counts and tails of these cards; a card with no row has no booked event yet. */
    async tails(cardIds: readonly string[]): Promise<Map<string, CardTailRow>> {
      if (cardIds.length === 0) return new Map();
      const { results } = await db
        .prepare(
          "SELECT card_id, event_count, tail FROM cards WHERE card_id IN (SELECT value FROM json_each(?))",
        )
        .bind(JSON.stringify(cardIds))
        .all<CardTailRow>();
      return new Map(results.map((row) => [row.card_id, row]));
    },

    /**
     * Aborts the enclosing batch (a CHECK failure rolls it all back) when any of these cards no longer holds
     * the number of booked events the upload computed from: another upload changed it in between. Every
     * write of booked events rewrites the card's row with its count in the same batch, so the count moves
     * with every change.
     */
    guardStatement(expected: readonly { cardId: string; count: number }[]): D1PreparedStatement {
      return db
        .prepare(
          `INSERT INTO upload_guard (ok)
           SELECT 0 WHERE EXISTS (
             SELECT 1 FROM json_each(?1) AS j
             WHERE coalesce((SELECT event_count FROM cards WHERE card_id = j.value ->> '$.cardId'), 0)
               != j.value ->> '$.count'
           )`,
        )
        .bind(JSON.stringify(expected));
    },

    async get(cardId: string): Promise<CardRow | null> {
      return db.prepare("SELECT * FROM cards WHERE card_id = ?").bind(cardId).first<CardRow>();
    },

    async list(options: { after?: string; limit: number; status?: string }): Promise<CardRow[]> {
      const { results } = await db
        .prepare(
          `SELECT * FROM cards WHERE card_id > ?1 AND (?2 IS NULL OR status = ?2) ORDER BY card_id LIMIT ?3`,
        )
        .bind(options.after ?? "", options.status ?? null, options.limit)
        .all<CardRow>();
      return results;
    },
  };
}
