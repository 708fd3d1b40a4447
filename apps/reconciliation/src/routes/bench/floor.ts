/**
 * Benchmark floors, answering only when the var BENCH_FLOOR is "1" (`pnpm bench` sets it; no deployment
 * does) and left out of the OpenAPI document because they are not part of the API:
 * - `POST /v1/bench/floor/batch`: the same event rows an upload stores, in one bare D1 batch insert into a
 *   scratch table: no authentication, verification or ledger — the cost of storing alone;
 * - `POST /v1/bench/floor/accepted`: a 202 with no work, the floor of a fire-and-forget report.
 */
import { TesseraError } from "@tessera/protocol";
import { createServiceRouter } from "@tessera/service-kit";
import type { Context } from "hono";
import type { ReconciliationEnv } from "../../env.ts";

export const BENCH_FLOOR_BATCH_PATH = "/v1/bench/floor/batch";
export const BENCH_FLOOR_ACCEPTED_PATH = "/v1/bench/floor/accepted";

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
  .post(BENCH_FLOOR_ACCEPTED_PATH, (c) => {
    requireFloor(c);
    return c.json({ accepted: true }, 202);
  });
