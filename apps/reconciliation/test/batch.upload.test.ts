/** Upload semantics: per-event answers, duplicates, idempotency keys, limits, and what a bad request stores. */
import { env } from "cloudflare:workers";
import { MAX_EVENTS_PER_BATCH, type ReconcileResult } from "@tessera/protocol";
import { describe, expect, it } from "vitest";
import type { CardView } from "../src/routes/cards/schemas.ts";
import { issueCard } from "./support/cards.ts";
import { call, getJson, ORIGIN, terminalHeaders, upload, uploadOk, uploadRequest } from "./support/http.ts";
import { resign, setupTerminal, tap, testScheme, unconfirmedTap } from "./support/scheme.ts";

async function storedCount(ids: readonly string[]): Promise<number> {
  const row = await env.DB.prepare(
    "SELECT count(*) AS n FROM events WHERE id IN (SELECT value FROM json_each(?))",
  )
    .bind(JSON.stringify(ids))
    .first<{ n: number }>();
  return row!.n;
}

async function problem(response: Response) {
  expect(response.headers.get("Content-Type")).toBe("application/problem+json");
  return (await response.json()) as { code: string; detail?: string };
}

describe("uploading a batch", () => {
  it("books a card's issue, top-up and debits and answers accepted for each", async () => {
    const scheme = await testScheme();
    const station = await setupTerminal("trm_station_a");
    const pos = await setupTerminal("trm_pos_a");
    const { card, cardId, events } = await issueCard(scheme, station, { topup: 2_000 });
    const debit = await tap(scheme, pos, card, { op: "debit", amount: 350 });

    const stationResult = await uploadOk(station, events);
    expect(stationResult.results.map((r) => r.status)).toEqual(["accepted", "accepted"]);
    const posResult = await uploadOk(pos, [debit.event]);
    expect(posResult.results).toEqual([{ eventId: debit.event.id, status: "accepted" }]);

    const view = await getJson<CardView>(`/v1/cards/${cardId}`);
    expect(view).toMatchObject({ cardId, balance: 1_650, counter: 3, complete: true, issued: true });
    expect(view.restore).toEqual({
      cardId,
      balance: 1_650,
      counter: 3,
      chain: debit.event.card.chainAfter,
      unconfirmed: null,
    });
    expect(view.entries.map((e) => [e.op, e.settlement])).toEqual([
      ["issue", "settled"],
      ["topup", "settled"],
      ["debit", "settled"],
    ]);
    expect(view.history.map((h) => h.op)).toEqual(["debit", "topup", "issue"]);
    expect(view.flags).toEqual([]);
  });

  it("books events out of order by card counter, whatever order they arrive in", async () => {
    const scheme = await testScheme();
    const station = await setupTerminal("trm_station_a");
    const pos = await setupTerminal("trm_pos_a");
    const issued = await issueCard(scheme, station, { topup: 1_000 });
    const debits = [];
    for (const amount of [10, 20, 30])
      debits.push((await tap(scheme, pos, issued.card, { op: "debit", amount })).event);
    await uploadOk(pos, [debits[2]!, debits[0]!]);
    await uploadOk(pos, [debits[1]!]);
    await uploadOk(station, issued.events);
    const view = await getJson<CardView>(`/v1/cards/${issued.cardId}`);
    expect(view.entries.map((e) => e.counter)).toEqual([1, 2, 3, 4, 5]);
    expect(view).toMatchObject({ balance: 940, complete: true, flags: [] });
  });

  it("answers duplicate for an event already held, and stores it once", async () => {
    const scheme = await testScheme();
    const station = await setupTerminal("trm_station_b");
    const issued = await issueCard(scheme, station, { topup: 500 });
    await uploadOk(station, issued.events);
    const again = await uploadOk(station, [issued.events[1]!, issued.events[1]!]);
    expect(again.results.map((r) => r.status)).toEqual(["duplicate", "duplicate"]);
    expect(await storedCount(issued.events.map((e) => e.id))).toBe(2);
  });

  it("rejects a malformed event with a reason and books the rest of the batch", async () => {
    const scheme = await testScheme();
    const station = await setupTerminal("trm_station_b");
    const issued = await issueCard(scheme, station, { topup: 500 });
    const malformed = { ...issued.events[1]!, id: "evt-broken", amount: -5 };
    const result = await uploadOk(station, [issued.events[0]!, malformed, issued.events[1]!]);
    expect(result.results).toEqual([
      { eventId: issued.events[0]!.id, status: "accepted" },
      {
        eventId: "evt-broken",
        status: "rejected",
        code: "validation_failed",
        detail: expect.stringContaining("amount"),
      },
      { eventId: issued.events[1]!.id, status: "accepted" },
    ]);
  });

  it("refuses events another terminal signed", async () => {
    const scheme = await testScheme();
    const station = await setupTerminal("trm_station_a");
    const other = await setupTerminal("trm_station_b");
    const issued = await issueCard(scheme, station);
    const result = await uploadOk(other, issued.events);
    expect(result.results[0]).toMatchObject({ status: "rejected", code: "forbidden" });
  });

  it("repeats the first answer for a retried Idempotency-Key and refuses the key for another batch", async () => {
    const scheme = await testScheme();
    const station = await setupTerminal("trm_station_b");
    const issued = await issueCard(scheme, station, { topup: 500 });
    const key = crypto.randomUUID();
    const first = await uploadOk(station, issued.events, { key });
    const retry = await upload(station, issued.events, { key });
    expect(retry.status).toBe(200);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect((await retry.json()) as ReconcileResult).toEqual(first);
    const other = await upload(station, [issued.events[0]!], { key });
    expect(other.status).toBe(409);
    expect((await problem(other)).code).toBe("idempotency_conflict");
  });

  it("refuses more than the batch limit with 413 batch_too_large and stores nothing", async () => {
    const scheme = await testScheme();
    const station = await setupTerminal("trm_station_b");
    const issued = await issueCard(scheme, station);
    const events = Array.from({ length: MAX_EVENTS_PER_BATCH + 1 }, (_, i) => ({
      ...issued.events[0]!,
      id: `evt-${i}`,
    }));
    events[0] = issued.events[0]!;
    const response = await upload(station, events);
    expect(response.status).toBe(413);
    expect((await problem(response)).code).toBe("batch_too_large");
    expect(await storedCount([issued.events[0]!.id])).toBe(0);
  });

  it("refuses a body that is not JSON, a body without events and a missing Idempotency-Key", async () => {
    const station = await setupTerminal("trm_station_b");
    const notJson = await upload(station, [], { rawBody: '{"events": [' });
    expect(notJson.status).toBe(400);
    expect((await problem(notJson)).code).toBe("malformed_request");
    const noEvents = await upload(station, [], { rawBody: '{"events": "many"}' });
    expect(noEvents.status).toBe(422);
    expect((await problem(noEvents)).code).toBe("validation_failed");
    const request = await uploadRequest(station, [{ id: "x" }]);
    const withoutKey = new Request(request, {
      headers: new Headers([...request.headers].filter(([k]) => k !== "idempotency-key")),
    });
    const missing = await call(withoutKey);
    expect(missing.status).toBe(422);
    expect((await problem(missing)).code).toBe("validation_failed");
  });

  it("refuses an upload without a grant, and one whose DPoP proof is replayed", async () => {
    const station = await setupTerminal("trm_station_b");
    const anonymous = await call(
      new Request(`${ORIGIN}/v1/reconciliation/batches`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "Idempotency-Key": "k" },
        body: '{"events":[{}]}',
      }),
    );
    expect(anonymous.status).toBe(401);
    const url = `${ORIGIN}/v1/reconciliation/batches`;
    const headers = { ...(await terminalHeaders(station, "POST", url)), "Content-Type": "application/json" };
    const send = (key: string) =>
      call(
        new Request(url, {
          method: "POST",
          headers: { ...headers, "Idempotency-Key": key },
          body: '{"events":[{}]}',
        }),
      );
    expect((await send("a")).status).toBe(200);
    const replayed = await send("b");
    expect(replayed.status).toBe(401);
    expect((await problem(replayed)).code).toBe("dpop_replayed");
  });
});

describe("writes the card may not hold", () => {
  it("settles an unconfirmed write the card never got as superseded, not as a clone", async () => {
    const scheme = await testScheme();
    const station = await setupTerminal("trm_station_a");
    const posA = await setupTerminal("trm_pos_a");
    const posB = await setupTerminal("trm_pos_b");
    const issued = await issueCard(scheme, station, { topup: 1_000 });
    const before = issued.card.snapshot();
    // Pos A's write is torn before it changes anything; it records the tap as uncertain.
    const lost = await unconfirmedTap(scheme, posA, issued.card, { op: "debit", amount: 100 });
    issued.card.restore(before);
    const landed = await tap(scheme, posB, issued.card, { op: "debit", amount: 40 });
    expect(landed.event.card.counterAfter).toBe(lost.card.counterAfter);
    await uploadOk(station, issued.events);
    await uploadOk(posB, [landed.event]);
    await uploadOk(posA, [lost]);
    const view = await getJson<CardView>(`/v1/cards/${issued.cardId}`);
    expect(view).toMatchObject({ balance: 960, flags: [] });
    expect(view.entries.find((e) => e.eventId === lost.id)?.settlement).toBe("superseded");
  });

  it("keeps a voided event as evidence and never books it", async () => {
    const scheme = await testScheme();
    const station = await setupTerminal("trm_station_a");
    const pos = await setupTerminal("trm_pos_a");
    const issued = await issueCard(scheme, station, { topup: 1_000 });
    const before = issued.card.snapshot();
    const lost = await unconfirmedTap(scheme, pos, issued.card, { op: "debit", amount: 100 });
    issued.card.restore(before);
    const voided = await resign(pos, {
      ...lost,
      voided: { at: lost.at + 5, counter: 2, chain: issued.events[1]!.card.chainAfter },
    });
    const retry = await tap(scheme, pos, issued.card, { op: "debit", amount: 100 });
    await uploadOk(station, issued.events);
    const result = await uploadOk(pos, [voided, retry.event]);
    expect(result.results.map((r) => r.status)).toEqual(["accepted", "accepted"]);
    const view = await getJson<CardView>(`/v1/cards/${issued.cardId}`);
    expect(view).toMatchObject({ balance: 900, eventCount: 3, flags: [] });
    expect(view.entries.map((e) => e.eventId)).not.toContain(voided.id);
    expect(await storedCount([voided.id])).toBe(1);
  });
});
