/**
 * Benchmark floors, answering only when the var BENCH_FLOOR is "1" (`pnpm bench` sets it; no deployment
 * does) and left out of the OpenAPI document because they are not part of the API:
 * - `POST /v1/bench/floor/batch`: the same event rows an upload stores, in one bare D1 batch insert into a
 *   scratch table: no authentication, verification or ledger — the cost of storing alone;
 * - `POST /v1/bench/floor/accepted`: a 202 with no work, the floor of a fire-and-forget report;
 * - `POST /v1/bench/floor/seed`: bulk-inserts synthetic booked events (and their cards' rows) on cards of
 *   their own, so the scaling benchmark can measure uploads against a ledger of 1k to 1M stored events
 *   without uploading them one signed batch at a time; `POST /v1/bench/floor/events` counts the table.
 */
import { TesseraError } from "@tessera/protocol";
import { createServiceRouter } from "@tessera/service-kit";
import type { Context } from "hono";
import type { ReconciliationEnv } from "../../env.ts";

export const BENCH_FLOOR_BATCH_PATH = "/v1/bench/floor/batch";
export const BENCH_FLOOR_ACCEPTED_PATH = "/v1/bench/floor/accepted";
export const BENCH_FLOOR_SEED_PATH = "/v1/bench/floor/seed";
export const BENCH_FLOOR_EVENTS_PATH = "/v1/bench/floor/events";

/** Synthetic events per seeded card: a long-lived card's worth of history. */
const SEED_EVENTS_PER_CARD = 100;
/** Rows per INSERT: one statement stays well inside D1's per-query limits. */
const SEED_CHUNK = 50_000;

function requireFloor(c: Context<ReconciliationEnv>): void {
  if (c.env.BENCH_FLOOR !== "1")
    throw new TesseraError("not_found", `No route for ${c.req.method} ${c.req.path}`);
}

let scratchReady = false;

export const benchRoutes = createServiceRouter<ReconciliationEnv>()
  .post(BENCH_FLOOR_BATCH_PATH, async (c) => {
    requireFloor(c);
    const db = c.env.DB;
    if (!scratchReady) {
      // Created on first use, so production databases never carry the benchmark's table.
      await db
        .prepare(
          `CREATE TABLE IF NOT EXISTS bench_floor_events (id TEXT PRIMARY KEY, terminal_id TEXT, card_id TEXT,
             seq INTEGER, counter_after INTEGER, body TEXT NOT NULL, received_at INTEGER NOT NULL) STRICT`,
        )
        .run();
      scratchReady = true;
    }
    const { events } = (await c.req.json()) as { events: Record<string, unknown>[] };
    const rows = events.map((event) => {
      const card = event.card as { id?: string; counterAfter?: number } | undefined;
      return {
        id: event.id,
        terminal_id: event.terminalId,
        card_id: card?.id ?? null,
        seq: event.seq,
        counter_after: card?.counterAfter ?? null,
        body: JSON.stringify(event),
      };
    });
    await db.batch([
      db
        .prepare(
          `INSERT INTO bench_floor_events (id, terminal_id, card_id, seq, counter_after, body, received_at)
           SELECT value ->> '$.id', value ->> '$.terminal_id', value ->> '$.card_id', value ->> '$.seq',
             value ->> '$.counter_after', value ->> '$.body', ?2
           FROM json_each(?1) WHERE true ON CONFLICT (id) DO NOTHING`,
        )
        .bind(JSON.stringify(rows), Math.floor(Date.now() / 1000)),
    ]);
    return c.json({ stored: rows.length }, 200);
  })
  .post(BENCH_FLOOR_SEED_PATH, async (c) => {
    requireFloor(c);
    const { from, count } = (await c.req.json()) as { from: number; count: number };
    if (
      !Number.isSafeInteger(from) ||
      !Number.isSafeInteger(count) ||
      from < 0 ||
      count < 1 ||
      count > 1_000_000
    )
      throw new TesseraError("validation_failed", "Send { from, count } with 1 ≤ count ≤ 1000000");
    const db = c.env.DB;
    const now = Math.floor(Date.now() / 1000);
    for (let start = from; start < from + count; start += SEED_CHUNK) {
      const end = Math.min(from + count, start + SEED_CHUNK);
      // Rows the size of real ones (an event's body ~1 KB, its facts ~0.6 KB), on cards ids "ff…" that no
      // real card uses, numbered so that every card gets SEED_EVENTS_PER_CARD events.
      await db.batch([
        db
          .prepare(
            `WITH RECURSIVE n(i) AS (SELECT ?1 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?2)
             INSERT INTO events (id, terminal_id, card_id, seq, counter_after, written_at, op, amount, booked,
               reject_code, facts, body, fingerprint, batch_id, received_at)
             SELECT 'evt_seed_' || i, 'trm_seed', printf('ff%014x', i / ?3), i, i % ?3 + 1, ?4, 'debit', 10, 1,
               NULL, json_object('pad', hex(randomblob(300))), json_object('pad', hex(randomblob(500))),
               hex(randomblob(32)), 'bat_seed', ?4
             FROM n`,
          )
          .bind(start, end, SEED_EVENTS_PER_CARD, now),
        db
          .prepare(
            `INSERT INTO cards (card_id, balance, counter, chain, status, head_event_id, issued, event_count,
               open_gaps, last_written_at, updated_at, tail)
             SELECT card_id, 0, max(counter_after), hex(randomblob(16)), 'active', max(id), 1, count(*), 0, ?3, ?3,
               NULL
             FROM events WHERE booked = 1 AND card_id BETWEEN printf('ff%014x', ?1 / ?2)
               AND printf('ff%014x', (?4 - 1) / ?2)
             GROUP BY card_id
             ON CONFLICT (card_id) DO UPDATE SET event_count = excluded.event_count, counter = excluded.counter`,
          )
          .bind(start, SEED_EVENTS_PER_CARD, now, end),
      ]);
    }
    return c.json({ seeded: count }, 200);
  })
  .post(BENCH_FLOOR_EVENTS_PATH, async (c) => {
    requireFloor(c);
    const total = await c.env.DB.prepare("SELECT count(*) AS n FROM events").first<{ n: number }>();
    return c.json({ events: total?.n ?? 0 }, 200);
  })
  .post(BENCH_FLOOR_ACCEPTED_PATH, (c) => {
    requireFloor(c);
    return c.json({ accepted: true }, 202);
  });
