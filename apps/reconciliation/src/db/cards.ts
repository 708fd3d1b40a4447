/** The `cards` table: each card's reconciled head, rewritten by every upload that touches the card. */
import type { CardLedger } from "../ledger/index.ts";

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
}

export function cardRowOf(ledger: CardLedger, updatedAt: number): CardRow {
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
  };
}

export function cardStore(db: D1Database) {
  return {
    upsertStatement(rows: readonly CardRow[]): D1PreparedStatement {
      return db
        .prepare(
          `INSERT INTO cards (card_id, balance, counter, chain, status, head_event_id, issued, event_count,
             open_gaps, last_written_at, updated_at)
           SELECT value ->> '$.card_id', value ->> '$.balance', value ->> '$.counter', value ->> '$.chain',
             value ->> '$.status', value ->> '$.head_event_id', value ->> '$.issued', value ->> '$.event_count',
             value ->> '$.open_gaps', value ->> '$.last_written_at', value ->> '$.updated_at'
           FROM json_each(?1) WHERE true
           ON CONFLICT (card_id) DO UPDATE SET balance = excluded.balance, counter = excluded.counter,
             chain = excluded.chain, status = excluded.status, head_event_id = excluded.head_event_id,
             issued = excluded.issued, event_count = excluded.event_count, open_gaps = excluded.open_gaps,
             last_written_at = excluded.last_written_at, updated_at = excluded.updated_at`,
        )
        .bind(JSON.stringify(rows));
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
