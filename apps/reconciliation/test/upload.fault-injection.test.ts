/**
 * The same set of events uploaded under many random (seeded) schedules — reordered, re-split, duplicated,
 * retried with the same Idempotency-Key, resent in part under new keys, and with uploads that fail half-way
 * through their D1 write — must leave exactly the ledger and the flags of one clean upload, and every grant's
 * tally of its offline writes counting each write once.
 */
import { env } from "cloudflare:workers";
import type { ReconcileResult, TerminalEvent } from "@tessera/protocol";
import { mulberry32 } from "@tessera/protocol/virtual-card";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { CardView } from "../src/routes/cards/schemas.ts";
import { issueCard, tornWrite } from "./support/cards.ts";
import { call, getJson, uploadOk, uploadRequest } from "./support/http.ts";
import { setupTerminal, type TerminalSetup, tap, testScheme } from "./support/scheme.ts";

const SCHEDULES = 24;

interface Upload {
  setup: TerminalSetup;
  events: TerminalEvent[];
}

/** Tables an upload writes; the test empties them between schedules (authorisations stay, as in life). */
async function resetLedger(): Promise<void> {
  await env.DB.batch(
    ["events", "event_conflicts", "batches", "cards", "flags", "grants_seen", "grant_tallies"].map((table) =>
      env.DB.prepare(`DELETE FROM ${table}`),
    ),
  );
}

/** Makes the next upload fail inside its D1 batch, after every other statement ran: "half-way". */
async function armFault(armed: boolean): Promise<void> {
  await env.DB.batch([
    env.DB.prepare("CREATE TABLE IF NOT EXISTS test_fault_switch (armed INTEGER) STRICT"),
    env.DB.prepare(
      `CREATE TRIGGER IF NOT EXISTS test_fault_on_batch BEFORE INSERT ON batches
       WHEN EXISTS (SELECT 1 FROM test_fault_switch)
       BEGIN SELECT RAISE(ABORT, 'injected fault: the upload fails half-way'); END`,
    ),
    env.DB.prepare(armed ? "INSERT INTO test_fault_switch VALUES (1)" : "DELETE FROM test_fault_switch"),
  ]);
}

async function storedEventCount(): Promise<number> {
  return (await env.DB.prepare("SELECT count(*) AS n FROM events").first<{ n: number }>())!.n;
}

/** What "the same result" means: every card as the console reads it, and every flag, minus timestamps. */
async function snapshot(cardIds: readonly string[]) {
  const cards = [];
  for (const cardId of cardIds) {
    const view = await getJson<CardView>(`/v1/cards/${cardId}`);
    cards.push({
      ...view,
      flags: view.flags
        .map(({ raisedAt: _r, updatedAt: _u, deniedAt, ...flag }) => ({ ...flag, denied: deniedAt !== null }))
        .sort((a, b) => (a.flagId < b.flagId ? -1 : 1)),
    });
  }
  const rows = await env.DB.prepare(
    "SELECT key, kind, state, event_ids, amount, detail FROM flags ORDER BY key",
  ).all();
  const tallies = await env.DB.prepare(
    `SELECT terminal_id, grant_id, count, value, last_seq, last_event_id, count_limit, value_limit, beyond
     FROM grant_tallies ORDER BY terminal_id, grant_id`,
  ).all();
  return { cards, flags: rows.results, tallies: tallies.results };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function shuffled<T>(random: () => number, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** One terminal's outbox cut into uploads: maybe reordered, random sizes, sometimes with a stray duplicate. */
function plan(random: () => number, setup: TerminalSetup, outbox: readonly TerminalEvent[]): Upload[] {
  const order = random() < 0.6 ? shuffled(random, outbox) : [...outbox];
  const uploads: Upload[] = [];
  while (order.length > 0) {
    const events = order.splice(0, 1 + Math.floor(random() * 5));
    if (random() < 0.25) events.push(pick(random, outbox));
    uploads.push({ setup, events });
  }
  return uploads;
}

async function runSchedule(seed: number, outboxes: readonly [TerminalSetup, TerminalEvent[]][]) {
  const random = mulberry32(seed);
  const queues = outboxes.map(([setup, outbox]) => plan(random, setup, outbox));
  while (queues.some((q) => q.length > 0)) {
    const queue = pick(
      random,
      queues.filter((q) => q.length > 0),
    );
    const upload = queue.shift()!;
    const key = crypto.randomUUID();
    if (random() < 0.2) {
      await armFault(true);
      const before = await storedEventCount();
      const failed = await call(await uploadRequest(upload.setup, upload.events, { key }));
      await armFault(false);
      expect(failed.status, `seed ${seed}: an injected fault answers 500`).toBe(500);
      expect(await storedEventCount(), `seed ${seed}: a failed upload stores nothing`).toBe(before);
    }
    const result = await uploadOk(upload.setup, upload.events, { key });
    expect(new Set(result.results.map((r) => r.eventId))).toEqual(new Set(upload.events.map((e) => e.id)));
    if (random() < 0.25) {
      // The answer was lost on the way back: the terminal retries the same upload with the same key.
      const retried = await call(await uploadRequest(upload.setup, upload.events, { key }));
      expect(retried.headers.get("Idempotent-Replayed")).toBe("true");
      expect((await retried.json()) as ReconcileResult).toEqual(result);
    }
    if (random() < 0.2) {
      // Or it gave up on that upload and resends part of it in a new one.
      const part = upload.events.filter(() => random() < 0.5);
      if (part.length > 0) {
        const again = await uploadOk(upload.setup, part);
        expect(again.results.every((r) => r.status === "duplicate")).toBe(true);
      }
    }
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("fault injection", () => {
  // Hundreds of uploads with real signatures: minutes on a loaded 2-core machine, so a generous limit.
  it(`${SCHEDULES} random upload schedules all give the clean run's ledger and flags`, {
    timeout: 300_000,
  }, async () => {
    const scheme = await testScheme();
    const station = await setupTerminal("trm_station_fault");
    // A grant the POS outbox passes: 13 debits moving 1 590, against at most 10 writes and 1 000 in value. A
    // write counted twice would move the count, the value or which writes are beyond it.
    const pos = await setupTerminal("trm_pos_fault", {
      grant: { limits: { perTransaction: 1_000, cumulativeValue: 1_000, cumulativeCount: 10 } },
    });
    const stationOutbox: TerminalEvent[] = [];
    const posOutbox: TerminalEvent[] = [];
    const cardIds: string[] = [];

    // A: an ordinary card.
    const a = await issueCard(scheme, station, { topup: 3_000 });
    for (const amount of [100, 200, 300])
      posOutbox.push((await tap(scheme, pos, a.card, { op: "debit", amount })).event);
    // B: a tear; the lost writes are superseded and at stake.
    const b = await issueCard(scheme, station, { topup: 5_000 });
    const bDebits = [];
    for (const amount of [120, 80, 30])
      bDebits.push((await tap(scheme, pos, b.card, { op: "debit", amount })).event);
    posOutbox.push(...bDebits);
    posOutbox.push(
      await tornWrite(scheme, pos, b.card, { op: "debit", amount: 50 }, bDebits[1]!.card.counterAfter),
    );
    posOutbox.push((await tap(scheme, pos, b.card, { op: "debit", amount: 10 })).event);
    // C: a replayed card image spent twice, then used on.
    const c = await issueCard(scheme, station, { topup: 4_000 });
    const image = c.card.snapshot();
    posOutbox.push((await tap(scheme, pos, c.card, { op: "debit", amount: 100 })).event);
    c.card.restore(image);
    posOutbox.push((await tap(scheme, pos, c.card, { op: "debit", amount: 250 })).event);
    posOutbox.push((await tap(scheme, pos, c.card, { op: "debit", amount: 50 })).event);
    // D: a top-up no authorisation covers.
    const d = await issueCard(scheme, station);
    stationOutbox.push(
      (await tap(scheme, station, d.card, { op: "topup", amount: 700, authorisationId: "tpa_none" })).event,
    );
    posOutbox.push((await tap(scheme, pos, d.card, { op: "debit", amount: 100 })).event);
    // E: an event that is still in some other outbox: a gap held open in every run.
    const e = await issueCard(scheme, station, { topup: 1_000 });
    await tap(scheme, pos, e.card, { op: "debit", amount: 100 });
    posOutbox.push((await tap(scheme, pos, e.card, { op: "debit", amount: 200 })).event);

    for (const issued of [a, b, c, d, e]) {
      stationOutbox.unshift(...issued.events);
      cardIds.push(issued.cardId);
    }
    const outboxes: [TerminalSetup, TerminalEvent[]][] = [
      [station, stationOutbox],
      [pos, posOutbox],
    ];

    await uploadOk(station, stationOutbox);
    await uploadOk(pos, posOutbox);
    const clean = await snapshot(cardIds);
    const raised = clean.flags.map((f) => f.kind).sort();
    expect(raised).toEqual(["clone_replay", "over_grant_limit", "tear_recovery", "topup_unauthorised"]);
    // Beyond the grant: from the write that took the value past 1 000 (in the terminal's sequence) on.
    const bySeq = [...posOutbox].sort((x, y) => x.seq - y.seq);
    const movedBy = bySeq.map((_, i) => bySeq.slice(0, i + 1).reduce((sum, event) => sum + event.amount, 0));
    const firstBeyond = movedBy.findIndex((moved) => moved > 1_000);
    const overGrant = clean.flags.find((f) => f.kind === "over_grant_limit")!;
    expect(JSON.parse(overGrant.event_ids as string)).toEqual(
      bySeq
        .slice(firstBeyond)
        .map((event) => event.id)
        .sort(),
    );
    expect(overGrant.amount).toBe(1_590);
    expect(clean.tallies.find((t) => t.terminal_id === "trm_pos_fault")).toMatchObject({
      count: 13,
      value: 1_590,
    });
    expect(clean.cards.find((card) => card.cardId === e.cardId)?.complete).toBe(false);

    vi.spyOn(console, "error").mockImplementation(() => {});
    for (let seed = 1; seed <= SCHEDULES; seed++) {
      await resetLedger();
      await runSchedule(seed, outboxes);
      expect(await snapshot(cardIds), `schedule ${seed}`).toEqual(clean);
      expect(await storedEventCount()).toBe(stationOutbox.length + posOutbox.length);
    }
  });
});
