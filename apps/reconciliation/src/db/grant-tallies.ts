/** The `grant_tallies` table: each terminal's running tally of its offline writes per grant (src/ledger/grant-tally.ts). */
import { ONLINE_ONLY_OPERATIONS, type Operation } from "@tessera/protocol";
import {
  type GrantLimits,
  type GrantTally,
  type GrantWrite,
  grantWriteOf,
  type SequencePosition,
} from "../ledger/index.ts";

export interface GrantTallyRow {
  terminal_id: string;
  grant_id: string;
  terminal_number: number;
  count: number;
  value: number;
  last_seq: number | null;
  last_event_id: string | null;
  count_limit: number | null;
  value_limit: number | null;
  beyond: string;
  updated_at: number;
}

/** A stored tally as the ledger reads it; `judged` when its `beyond` was kept with the limits known. */
export interface StoredTally {
  tally: GrantTally;
  limits: GrantLimits | null;
  judged: boolean;
  terminalNumber: number;
}

/** The `beyond` column: how many writes are beyond the limits, and the first of them (`[]` when none). */
interface StoredBeyond {
  count: number;
  first: SequencePosition[];
}

export function storedTallyOf(row: GrantTallyRow | undefined): StoredTally | null {
  if (!row) return null;
  const last: SequencePosition | null =
    row.last_seq === null || row.last_event_id === null
      ? null
      : { seq: row.last_seq, eventId: row.last_event_id };
  const limits =
    row.count_limit === null || row.value_limit === null
      ? null
      : { count: row.count_limit, value: row.value_limit };
  const beyond = JSON.parse(row.beyond) as StoredBeyond | SequencePosition[];
  const listed = Array.isArray(beyond) ? { count: beyond.length, first: beyond } : beyond;
  return {
    tally: { count: row.count, value: row.value, last, beyondCount: listed.count, beyond: listed.first },
    limits,
    judged: limits !== null,
    terminalNumber: row.terminal_number,
  };
}

/** One grant's change as an upload plans it. */
export interface TallyWrite {
  terminalId: string;
  grantId: string;
  terminalNumber: number;
  /** `add`: `tally` holds the increments (counts, value, latest write); `set`: the whole tally. */
  mode: "add" | "set";
  tally: GrantTally;
  limits: GrantLimits | null;
  /** The stored count the plan started from (0 when the grant had no row). */
  expectedCount: number;
}

export function grantTallyStore(db: D1Database) {
  return {
    /** This terminal's tallies of these grants, by grant id. */
    async read(terminalId: string, grantIds: readonly string[]): Promise<Map<string, GrantTallyRow>> {
      if (grantIds.length === 0) return new Map();
      const { results } = await db
        .prepare(
          "SELECT * FROM grant_tallies WHERE terminal_id = ?1 AND grant_id IN (SELECT value FROM json_each(?2))",
        )
        .bind(terminalId, JSON.stringify(grantIds))
        .all<GrantTallyRow>();
      return new Map(results.map((row) => [row.grant_id, row]));
    },

    /** Every stored write of this terminal under these grants that counts against their limits, by grant id. */
    async writes(terminalId: string, grantIds: readonly string[]): Promise<Map<string, GrantWrite[]>> {
      const byGrant = new Map<string, GrantWrite[]>();
      if (grantIds.length === 0) return byGrant;
      const { results } = await db
        .prepare(
          `SELECT grant_id, id, seq, op, amount FROM events
           WHERE booked = 1 AND terminal_id = ?1 AND grant_id IN (SELECT value FROM json_each(?2))
             AND op NOT IN (SELECT value FROM json_each(?3))`,
        )
        .bind(terminalId, JSON.stringify(grantIds), JSON.stringify(ONLINE_ONLY_OPERATIONS))
        .all<{ grant_id: string; id: string; seq: number; op: Operation; amount: number }>();
      for (const row of results) {
        const write = grantWriteOf({ eventId: row.id, seq: row.seq, op: row.op, amount: row.amount });
        if (!write) continue;
        const list = byGrant.get(row.grant_id) ?? [];
        list.push(write);
        byGrant.set(row.grant_id, list);
      }
      return byGrant;
    },

    /**
     * Aborts the enclosing batch (CHECK failure on `upload_guard`) when a tally changed since the upload read
     * it in a way that matters: a `set` needs exactly the stored count it started from; an `add` only needs
     * that the sum still stays within the limits (addition commutes, so concurrent uploads may both add),
     * and that limits another upload has since recorded would not be passed unjudged.
     */
    guardStatement(writes: readonly TallyWrite[]): D1PreparedStatement {
      const rows = writes.map((w) => ({
        terminalId: w.terminalId,
        grantId: w.grantId,
        exact: w.mode === "set" ? 1 : 0,
        count: w.expectedCount,
        addCount: w.mode === "add" ? w.tally.count : 0,
        addValue: w.mode === "add" ? w.tally.value : 0,
        countLimit: w.limits?.count ?? null,
        valueLimit: w.limits?.value ?? null,
      }));
      return db
        .prepare(
          `INSERT INTO upload_guard (ok)
           SELECT 0 WHERE EXISTS (
             SELECT 1 FROM json_each(?1) AS j
             LEFT JOIN grant_tallies AS t
               ON t.terminal_id = j.value ->> '$.terminalId' AND t.grant_id = j.value ->> '$.grantId'
             WHERE (j.value ->> '$.exact' = 1 AND coalesce(t.count, 0) != j.value ->> '$.count')
               OR (j.value ->> '$.exact' = 0
                 AND (coalesce(t.count, 0) != j.value ->> '$.count' OR j.value ->> '$.countLimit' IS NULL)
                 AND (coalesce(t.count, 0) + (j.value ->> '$.addCount')
                       > coalesce(j.value ->> '$.countLimit', t.count_limit, 9e18)
                   OR coalesce(t.value, 0) + (j.value ->> '$.addValue')
                       > coalesce(j.value ->> '$.valueLimit', t.value_limit, 9e18)))
           )`,
        )
        .bind(JSON.stringify(rows));
    },

    /** Adds increments (`mode: "add"`) and writes whole tallies (`mode: "set"`), in one statement each. */
    writeStatements(writes: readonly TallyWrite[], now: number): D1PreparedStatement[] {
      const rowOf = (w: TallyWrite) => ({
        terminal_id: w.terminalId,
        grant_id: w.grantId,
        terminal_number: w.terminalNumber,
        count: w.tally.count,
        value: w.tally.value,
        last_seq: w.tally.last?.seq ?? null,
        last_event_id: w.tally.last?.eventId ?? null,
        count_limit: w.limits?.count ?? null,
        value_limit: w.limits?.value ?? null,
        beyond: JSON.stringify(
          w.tally.beyondCount === 0
            ? []
            : ({ count: w.tally.beyondCount, first: w.tally.beyond } satisfies StoredBeyond),
        ),
      });
      const insert = `INSERT INTO grant_tallies (terminal_id, grant_id, terminal_number, count, value, last_seq,
             last_event_id, count_limit, value_limit, beyond, updated_at)
           SELECT value ->> '$.terminal_id', value ->> '$.grant_id', value ->> '$.terminal_number',
             value ->> '$.count', value ->> '$.value', value ->> '$.last_seq', value ->> '$.last_event_id',
             value ->> '$.count_limit', value ->> '$.value_limit', value ->> '$.beyond', ?2
           FROM json_each(?1) WHERE true`;
      const adds = writes.filter((w) => w.mode === "add").map(rowOf);
      const sets = writes.filter((w) => w.mode === "set").map(rowOf);
      const statements: D1PreparedStatement[] = [];
      if (adds.length > 0)
        statements.push(
          db
            .prepare(
              `${insert}
               ON CONFLICT (terminal_id, grant_id) DO UPDATE SET count = count + excluded.count,
                 value = value + excluded.value,
                 last_seq = CASE WHEN excluded.last_seq IS NOT NULL AND (last_seq IS NULL
                     OR excluded.last_seq > last_seq
                     OR (excluded.last_seq = last_seq AND excluded.last_event_id > last_event_id))
                   THEN excluded.last_seq ELSE last_seq END,
                 last_event_id = CASE WHEN excluded.last_seq IS NOT NULL AND (last_seq IS NULL
                     OR excluded.last_seq > last_seq
                     OR (excluded.last_seq = last_seq AND excluded.last_event_id > last_event_id))
                   THEN excluded.last_event_id ELSE last_event_id END,
                 count_limit = coalesce(count_limit, excluded.count_limit),
                 value_limit = coalesce(value_limit, excluded.value_limit),
                 updated_at = excluded.updated_at`,
            )
            .bind(JSON.stringify(adds), now),
        );
      if (sets.length > 0)
        statements.push(
          db
            .prepare(
              `${insert}
               ON CONFLICT (terminal_id, grant_id) DO UPDATE SET count = excluded.count, value = excluded.value,
                 last_seq = excluded.last_seq, last_event_id = excluded.last_event_id,
                 count_limit = excluded.count_limit, value_limit = excluded.value_limit,
                 beyond = excluded.beyond, updated_at = excluded.updated_at`,
            )
            .bind(JSON.stringify(sets), now),
        );
      return statements;
    },
  };
}
