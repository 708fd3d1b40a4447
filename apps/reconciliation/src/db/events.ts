/** The `events` and `event_conflicts` tables: every uploaded event once, conflicting copies beside it. */
import type { LedgerEvent } from "../ledger/index.ts";

/** One event row as an upload writes it (also the JSON element of the bulk insert). */
export interface EventRow {
  id: string;
  terminal_id: string;
  /** The grant the event names, whenever it is well-formed enough to name one. */
  grant_id: string | null;
  card_id: string | null;
  seq: number | null;
  counter_after: number | null;
  written_at: number | null;
  op: string | null;
  amount: number | null;
  booked: 0 | 1;
  reject_code: string | null;
  facts: string | null;
  body: string;
  fingerprint: string;
}

export interface ConflictRow {
  event_id: string;
  body: string;
  fingerprint: string;
}

export interface StoredEventSummary {
  id: string;
  fingerprint: string;
  card_id: string | null;
}

/** JSON bound to one statement stays well under D1's 2 MB limit on a single value. */
const MAX_PARAMETER_BYTES = 512 * 1024;

/** Splits rows into runs whose JSON stays under `limit` characters (one oversized row goes alone). */
export function chunkBySize<T>(rows: readonly T[], limit: number, sizeOf: (row: T) => number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const row of rows) {
    const length = sizeOf(row);
    if (current.length > 0 && size + length > limit) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(row);
    size += length;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export function eventStore(db: D1Database) {
  return {
    /** Which of these ids are already held, with their content fingerprints. */
    async findByIds(ids: readonly string[]): Promise<Map<string, StoredEventSummary>> {
      if (ids.length === 0) return new Map();
      const { results } = await db
        .prepare("SELECT id, fingerprint, card_id FROM events WHERE id IN (SELECT value FROM json_each(?))")
        .bind(JSON.stringify(ids))
        .all<StoredEventSummary>();
      return new Map(results.map((row) => [row.id, row]));
    },

    /** Every booked event of these cards, as ledger facts, grouped by card. */
    async bookedFactsForCards(cardIds: readonly string[]): Promise<Map<string, LedgerEvent[]>> {
      const byCard = new Map<string, LedgerEvent[]>();
      if (cardIds.length === 0) return byCard;
      const { results } = await db
        .prepare(
          "SELECT card_id, facts FROM events WHERE booked = 1 AND card_id IN (SELECT value FROM json_each(?))",
        )
        .bind(JSON.stringify(cardIds))
        .all<{ card_id: string; facts: string }>();
      for (const row of results) {
        const list = byCard.get(row.card_id) ?? [];
        list.push(JSON.parse(row.facts) as LedgerEvent);
        byCard.set(row.card_id, list);
      }
      return byCard;
    },

    /**
     * The rows as few statements (one per ~512 KB of JSON, under D1's 2 MB value limit); an id already held
     * is left as it is (the caller classified it first).
     */
    insertStatements(rows: readonly EventRow[], batchId: string, receivedAt: number): D1PreparedStatement[] {
      // The two JSON texts are most of a row; the rest is a few hundred bytes at most.
      const sizeOf = (row: EventRow) => row.body.length + (row.facts?.length ?? 0) + 512;
      return chunkBySize(rows, MAX_PARAMETER_BYTES, sizeOf).map((chunk) =>
        this.insertStatement(chunk, batchId, receivedAt),
      );
    },

    insertStatement(rows: readonly EventRow[], batchId: string, receivedAt: number): D1PreparedStatement {
      return db
        .prepare(
          `INSERT INTO events (id, terminal_id, grant_id, card_id, seq, counter_after, written_at, op, amount,
             booked, reject_code, facts, body, fingerprint, batch_id, received_at)
           SELECT value ->> '$.id', value ->> '$.terminal_id', value ->> '$.grant_id', value ->> '$.card_id',
             value ->> '$.seq',
             value ->> '$.counter_after', value ->> '$.written_at', value ->> '$.op', value ->> '$.amount',
             value ->> '$.booked', value ->> '$.reject_code', value ->> '$.facts', value ->> '$.body',
             value ->> '$.fingerprint', ?2, ?3
           FROM json_each(?1) WHERE true
           ON CONFLICT (id) DO NOTHING`,
        )
        .bind(JSON.stringify(rows), batchId, receivedAt);
    },

    insertConflictsStatement(
      rows: readonly ConflictRow[],
      batchId: string,
      receivedAt: number,
    ): D1PreparedStatement {
      return db
        .prepare(
          `INSERT INTO event_conflicts (event_id, body, fingerprint, batch_id, received_at)
           SELECT value ->> '$.event_id', value ->> '$.body', value ->> '$.fingerprint', ?2, ?3
           FROM json_each(?1) WHERE true
           ON CONFLICT (event_id, fingerprint) DO NOTHING`,
        )
        .bind(JSON.stringify(rows), batchId, receivedAt);
    },

    async forBatch(batchId: string): Promise<{ id: string; booked: number; reject_code: string | null }[]> {
      const { results } = await db
        .prepare("SELECT id, booked, reject_code FROM events WHERE batch_id = ? ORDER BY rowid")
        .bind(batchId)
        .all<{ id: string; booked: number; reject_code: string | null }>();
      return results;
    },

    async forTerminal(
      terminalId: string,
      limit: number,
    ): Promise<
      {
        id: string;
        card_id: string | null;
        seq: number | null;
        op: string | null;
        amount: number | null;
        written_at: number | null;
        booked: number;
        reject_code: string | null;
        received_at: number;
      }[]
    > {
      const { results } = await db
        .prepare(
          `SELECT id, card_id, seq, op, amount, written_at, booked, reject_code, received_at
           FROM events WHERE terminal_id = ? ORDER BY seq DESC LIMIT ?`,
        )
        .bind(terminalId, limit)
        .all();
      return results as never;
    },

    /** Counts and sequence span of a terminal's events, to show gaps in its `seq`. */
    async terminalTotals(terminalId: string) {
      return db
        .prepare(
          `SELECT count(*) AS events, sum(booked) AS booked, min(seq) AS first_seq, max(seq) AS last_seq,
             count(DISTINCT seq) AS distinct_seqs, max(received_at) AS last_received_at,
             sum(CASE WHEN booked = 1 AND op IN ('debit', 'checkin', 'checkout') THEN amount ELSE 0 END) AS spent,
             sum(CASE WHEN booked = 1 AND op IN ('topup', 'refund') THEN amount ELSE 0 END) AS credited
           FROM events WHERE terminal_id = ?`,
        )
        .bind(terminalId)
        .first<{
          events: number;
          booked: number | null;
          first_seq: number | null;
          last_seq: number | null;
          distinct_seqs: number;
          last_received_at: number | null;
          spent: number | null;
          credited: number | null;
        }>();
    },
  };
}
