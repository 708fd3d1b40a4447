import { describe, expect, it } from "vitest";
import { BackendUnreachableError } from "../backend/backend-client.ts";
import { createTestTerminal, type TestTerminal } from "../testing/test-terminal.ts";

const BATCHES = "/v1/reconciliation/batches";

async function debits(t: TestTerminal, amounts: number[]) {
  const { transport, cardId } = await t.card(50_000);
  for (const amount of amounts) {
    expect((await t.engine.tap(transport, { op: "debit", amount })).kind).toBe("done");
  }
  return cardId;
}

/** Each event id the server stored, with how many times it was stored (must be 1). */
function storedOnce(t: TestTerminal, cardId: string) {
  return t.backend.booked(cardId).filter((event) => event.op === "debit");
}

describe("outbox upload", () => {
  it("resends a batch whose acknowledgement was lost under the same key, and the server books it once", async () => {
    const t = await createTestTerminal();
    const cardId = await debits(t, [100, 200, 300]);
    t.backend.loseAnswer(BATCHES);

    await expect(t.engine.uploadOutbox()).rejects.toBeInstanceOf(BackendUnreachableError);
    // The server has them, the terminal does not know it yet: nothing may leave the outbox.
    expect(t.engine.getSnapshot().outbox.depth).toBe(3);
    expect(storedOnce(t, cardId)).toHaveLength(3);

    expect((await t.engine.uploadOutbox()).settled).toBe(3);
    const sent = t.backend.requestsTo(BATCHES, "POST");
    expect(sent.map((r) => r.status)).toEqual(["lost", 200]);
    expect(sent[0]?.idempotencyKey).toBeDefined();
    expect(sent[1]?.idempotencyKey).toBe(sent[0]?.idempotencyKey);
    expect(storedOnce(t, cardId).map((event) => event.amount)).toEqual([100, 200, 300]);
    expect(t.engine.getSnapshot().outbox.depth).toBe(0);
    await t.engine.close();
  });

  it("keeps the batch and its key across a crash, and resends it after the restart", async () => {
    const t = await createTestTerminal();
    const cardId = await debits(t, [100, 200]);
    t.backend.loseAnswer(BATCHES);
    await expect(t.engine.uploadOutbox()).rejects.toThrow();
    await t.engine.close();

    const restarted = await t.reopen();
    expect(restarted.getSnapshot().outbox.depth).toBe(2);
    await restarted.uploadOutbox();
    const keys = t.backend.requestsTo(BATCHES, "POST").map((r) => r.idempotencyKey);
    expect(new Set(keys).size).toBe(1);
    expect(storedOnce(t, cardId)).toHaveLength(2);
    expect(restarted.getSnapshot().outbox.depth).toBe(0);
    await restarted.close();
  });

  it("resends a retried batch unchanged: events from later taps wait for the next batch", async () => {
    const t = await createTestTerminal();
    const { transport, cardId } = await t.card(50_000);
    await t.engine.tap(transport, { op: "debit", amount: 100 });
    await t.engine.tap(transport, { op: "debit", amount: 200 });
    t.backend.loseAnswer(BATCHES);
    await expect(t.engine.uploadOutbox()).rejects.toThrow();
    await t.engine.tap(transport, { op: "debit", amount: 300 });

    await t.engine.uploadOutbox();
    const sent = t.backend.requestsTo(BATCHES, "POST");
    expect(sent).toHaveLength(3);
    expect(sent[1]?.idempotencyKey).toBe(sent[0]?.idempotencyKey);
    expect(sent[2]?.idempotencyKey).not.toBe(sent[0]?.idempotencyKey);
    const keys = sent.map((r) => r.idempotencyKey!);
    expect(t.backend.batches.get(keys[0]!)?.result.results).toHaveLength(2);
    expect(t.backend.batches.get(keys[2]!)?.result.results).toHaveLength(1);
    expect(storedOnce(t, cardId).map((event) => event.amount)).toEqual([100, 200, 300]);
    await t.engine.close();
  });

  it("sends batches of the policy's size, in sequence order, each under its own key", async () => {
    const t = await createTestTerminal({ policy: { upload: { cadenceSeconds: 60, batchSize: 2 } } });
    const cardId = await debits(t, [1, 2, 3, 4, 5]);
    expect((await t.engine.uploadOutbox()).batches).toBe(3);
    const keys = t.backend.requestsTo(BATCHES, "POST").map((r) => r.idempotencyKey!);
    expect(new Set(keys).size).toBe(3);
    expect(keys.map((key) => t.backend.batches.get(key)?.result.results.length)).toEqual([2, 2, 1]);
    expect(storedOnce(t, cardId).map((event) => event.seq)).toEqual([1, 2, 3, 4, 5]);
    await t.engine.close();
  });

  it("keeps the events a result does not name, and sends them again", async () => {
    const t = await createTestTerminal();
    const cardId = await debits(t, [100, 200]);
    await t.engine.close();
    let dropFirstResult = true;
    const engine = await t.reopen({
      // A server that answers for only part of a batch (say, it timed out half way through).
      fetch: async (input, init) => {
        const response = await t.backend.fetch(input, init);
        if (!String(input).endsWith(BATCHES) || !dropFirstResult) return response;
        dropFirstResult = false;
        const body = (await response.json()) as { results: unknown[] };
        return Response.json({ ...body, results: body.results.slice(1) });
      },
    });
    const summary = await engine.uploadOutbox();
    expect(summary).toEqual({ batches: 2, settled: 2 });
    // The unnamed one went up again, and the server recognised it.
    const sent = t.backend.requestsTo(BATCHES, "POST");
    expect(sent).toHaveLength(2);
    expect(t.backend.batches.get(sent[1]!.idempotencyKey!)?.result.results).toMatchObject([
      { status: "duplicate" },
    ]);
    expect(storedOnce(t, cardId)).toHaveLength(2);
    expect(engine.getSnapshot().outbox.depth).toBe(0);
    await engine.close();
  });

  it("forms a new batch when the server says the key was used for another request", async () => {
    const t = await createTestTerminal();
    const cardId = await debits(t, [100]);
    t.backend.fail(BATCHES, { status: 409, code: "idempotency_conflict" });
    await t.engine.uploadOutbox();
    const keys = t.backend.requestsTo(BATCHES, "POST").map((r) => r.idempotencyKey);
    expect(keys).toHaveLength(2);
    expect(keys[1]).not.toBe(keys[0]);
    expect(storedOnce(t, cardId)).toHaveLength(1);
    await t.engine.close();
  });

  it("halves the batch when the server finds it too large", async () => {
    const t = await createTestTerminal();
    const cardId = await debits(t, [1, 2, 3, 4]);
    t.backend.fail(BATCHES, { status: 413, code: "batch_too_large" });
    expect((await t.engine.uploadOutbox()).batches).toBe(2);
    const keys = t.backend
      .requestsTo(BATCHES, "POST")
      .map((r) => r.idempotencyKey!)
      .slice(1);
    expect(keys.map((key) => t.backend.batches.get(key)?.result.results.length)).toEqual([2, 2]);
    expect(storedOnce(t, cardId)).toHaveLength(4);
    await t.engine.close();
  });

  it("backs off while the backend is down, without losing events, and drains once it is back", async () => {
    const t = await createTestTerminal();
    const cardId = await debits(t, [100, 200]);
    t.backend.fail(BATCHES, { status: 503, times: 1_000 });
    t.engine.start();
    await t.clock.advance(10 * 60 * 1000);
    const attempts = t.backend.requestsTo(BATCHES, "POST");
    // Ten minutes at a fixed 1 s retry would be 600 attempts; backoff keeps it to a handful.
    expect(attempts.length).toBeGreaterThan(3);
    expect(attempts.length).toBeLessThan(15);
    expect(new Set(attempts.map((r) => r.idempotencyKey)).size).toBe(1);
    expect(t.engine.getSnapshot().outbox.depth).toBe(2);

    t.backend.clearFaults();
    await t.clock.advance(6 * 60 * 1000);
    expect(t.engine.getSnapshot().outbox.depth).toBe(0);
    expect(storedOnce(t, cardId)).toHaveLength(2);
    await t.engine.close();
  });
});
