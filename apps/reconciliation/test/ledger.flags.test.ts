/**
 * Every flag kind, each raised by a scenario built with real signatures: the protocol's card operations on
 * virtual cards, the fixture's seeded terminals and grants, and (for a compromised terminal) hand-sealed
 * slots. Each scenario checks the upload's answer and the card as the console reads it.
 */
import { env } from "cloudflare:workers";
import type { FlagKind, ReconcileResult, TerminalEvent } from "@tessera/protocol";
import { describe, expect, it } from "vitest";
import { utcDay } from "../src/ledger/value.ts";
import type { CardView } from "../src/routes/cards/schemas.ts";
import { issueCard, tornWrite } from "./support/cards.ts";
import { forgeWrite } from "./support/forge.ts";
import { authoriseTopup, getJson, uploadOk } from "./support/http.ts";
import {
  DAY,
  fixtureTerminal,
  HOUR,
  hourFloor,
  nowSeconds,
  resign,
  setupTerminal,
  signTestGrant,
  tap,
  testScheme,
} from "./support/scheme.ts";

const card = (cardId: string) => getJson<CardView>(`/v1/cards/${cardId}`);

function kinds(view: CardView): FlagKind[] {
  return [...new Set(view.flags.filter((f) => f.state === "open").map((f) => f.kind))].sort();
}

function resultFor(result: ReconcileResult, event: TerminalEvent) {
  return result.results.find((r) => r.eventId === event.id);
}

async function denyEntries(): Promise<{ kind: string; id: string; reason: string }[]> {
  return (
    env.GRANTS as unknown as { denyEntries(): Promise<{ kind: string; id: string; reason: string }[]> }
  ).denyEntries();
}

describe("flags raised by constructed scenarios", () => {
  it("clone_replay: two different states written over one counter, and the card is deny-listed", async () => {
    const scheme = await testScheme();
    const station = await setupTerminal("trm_station_a");
    const posA = await setupTerminal("trm_pos_a");
    const posB = await setupTerminal("trm_pos_b");
    const issued = await issueCard(scheme, station, { topup: 5_000 });
    const copy = issued.card.snapshot();
    const first = await tap(scheme, posA, issued.card, { op: "debit", amount: 100 });
    issued.card.restore(copy); // the card image replayed (or a clone) is spent again
    const second = await tap(scheme, posB, issued.card, { op: "debit", amount: 200 });
    expect(second.event.card.counterAfter).toBe(first.event.card.counterAfter);

    await uploadOk(station, issued.events);
    await uploadOk(posA, [first.event]);
    const result = await uploadOk(posB, [second.event]);
    expect(resultFor(result, second.event)).toMatchObject({ status: "flagged", flags: ["clone_replay"] });
    const view = await card(issued.cardId);
    expect(kinds(view)).toEqual(["clone_replay"]);
    const flag = view.flags.find((f) => f.kind === "clone_replay")!;
    expect(flag.terminalIds.sort()).toEqual(["trm_pos_a", "trm_pos_b"]);
    expect(view.entries.map((e) => e.settlement).sort()).toEqual(["forked", "settled", "settled", "settled"]);
    expect(flag.deniedAt).not.toBeNull();
    expect(await denyEntries()).toContainEqual(
      expect.objectContaining({ kind: "card", id: issued.cardId, reason: "flag" }),
    );
  });

  it("balance_break: a compromised terminal writes value out of thin air", async () => {
    const scheme = await testScheme();
    const station = await setupTerminal("trm_station_a");
    const pos = await setupTerminal("trm_pos_a");
    const issued = await issueCard(scheme, station, { topup: 1_000 });
    // A "debit" of 100 that leaves 11 000 on a card that held 1 000.
    const forged = await forgeWrite(scheme, pos, issued.card, { op: "debit", amount: 100, balance: 11_000 });

    await uploadOk(station, issued.events);
    const result = await uploadOk(pos, [forged]);
    expect(resultFor(result, forged)).toMatchObject({ status: "flagged", flags: ["balance_break"] });
    const view = await card(issued.cardId);
    expect(kinds(view)).toEqual(["balance_break"]);
    expect(view.flags[0]).toMatchObject({ amount: 10_100, terminalIds: ["trm_pos_a", "trm_station_a"] });
  });

  it("chain_break: a state whose counter jumps is not the card's history", async () => {
    const scheme = await testScheme();
    const station = await setupTerminal("trm_station_a");
    const pos = await setupTerminal("trm_pos_a");
    const issued = await issueCard(scheme, station, { topup: 1_000 });
    const forged = await forgeWrite(scheme, pos, issued.card, { op: "debit", amount: 100, counterStep: 5 });
    await uploadOk(station, issued.events);
    const result = await uploadOk(pos, [forged]);
    expect(resultFor(result, forged)).toMatchObject({ status: "flagged", flags: ["chain_break"] });
    expect(kinds(await card(issued.cardId))).toEqual(["chain_break"]);
  });

  it("over_transaction_limit: a debit above the grant's per-transaction limit", async () => {
    const scheme = await testScheme();
    const station = await setupTerminal("trm_station_a");
    const pos = await setupTerminal("trm_pos_a", {
      grant: { limits: { perTransaction: 1_000, cumulativeValue: 100_000, cumulativeCount: 1_000 } },
    });
    const issued = await issueCard(scheme, station, { topup: 5_000 });
    const debit = await tap(scheme, pos, issued.card, { op: "debit", amount: 2_500 });
    await uploadOk(station, issued.events);
    const result = await uploadOk(pos, [debit.event]);
    expect(resultFor(result, debit.event)).toMatchObject({
      status: "flagged",
      flags: ["over_transaction_limit"],
    });
    expect(kinds(await card(issued.cardId))).toEqual(["over_transaction_limit"]);
  });

  it("over_daily_limit: a card spends more in one day than policy allows (15 000)", async () => {
    const scheme = await testScheme();
    const station = await setupTerminal("trm_station_a");
    const pos = await setupTerminal("trm_pos_b");
    const base = hourFloor(nowSeconds()) - 2 * HOUR;
    const issued = await issueCard(scheme, station, { topup: 20_000, now: base });
    const debits: TerminalEvent[] = [];
    for (let i = 0; i < 4; i++)
      debits.push(
        (await tap(scheme, pos, issued.card, { op: "debit", amount: 5_000 }, { now: base + 60 * (i + 1) }))
          .event,
      );
    await uploadOk(station, issued.events);
    const result = await uploadOk(pos, debits);
    expect(result.results.map((r) => r.status)).toEqual(["accepted", "accepted", "accepted", "flagged"]);
    const view = await card(issued.cardId);
    expect(kinds(view)).toEqual(["over_daily_limit"]);
    expect(view.flags[0]).toMatchObject({ amount: 20_000, eventIds: [debits[3]!.id] });
  });

  it("over_weekly_limit: within the daily limit every day, over 50 000 in one week", async () => {
    const scheme = await testScheme();
    const today = utcDay(nowSeconds());
    const lastMonday = (today - ((today + 3) % 7) - 7) * DAY + 10 * HOUR;
    const limits = { perTransaction: 20_000, cumulativeValue: 1_000_000, cumulativeCount: 1_000 };
    const window = {
      validFrom: lastMonday - 2 * HOUR,
      validHours: 21 * 24,
      grant: { nbf: lastMonday - 2 * HOUR, limits },
    };
    const station = await setupTerminal("trm_station_b", window);
    const pos = await setupTerminal("trm_pos_b", window);
    const issued = await issueCard(scheme, station, { topup: 50_000, now: lastMonday });
    const events: TerminalEvent[] = [];
    for (const day of [0, 1, 2]) {
      events.push(
        (
          await tap(
            scheme,
            pos,
            issued.card,
            { op: "debit", amount: 14_000 },
            { now: lastMonday + day * DAY + 600 },
          )
        ).event,
      );
    }
    const authorisationId = await authoriseTopup(station, issued.cardId, 20_000);
    const topup = await tap(
      scheme,
      station,
      issued.card,
      { op: "topup", amount: 20_000, authorisationId },
      { now: lastMonday + 2 * DAY + 900 },
    );
    const last = await tap(
      scheme,
      pos,
      issued.card,
      { op: "debit", amount: 14_000 },
      { now: lastMonday + 3 * DAY + 600 },
    );
    await uploadOk(station, [...issued.events, topup.event]);
    await uploadOk(pos, [...events, last.event]);
    const view = await card(issued.cardId);
    expect(kinds(view)).toEqual(["over_weekly_limit"]);
    // The station's week-old top-up arrived before the debits it follows: a gap already past its window was
    // flagged, then withdrawn when the debits came.
    const open = view.flags.filter((f) => f.state === "open");
    expect(open[0]).toMatchObject({ amount: 56_000, eventIds: [last.event.id] });
    expect(view.balance).toBe(14_000);
  });

  it("out_of_scope: a refund by a terminal whose grant allows only debits", async () => {
    const scheme = await testScheme();
    const station = await setupTerminal("trm_station_a");
    // The certificate (what readers check offline) allows refunds; the grant the event names does not.
    const pos = await setupTerminal("trm_pos_c", {
      operations: ["debit", "refund"],
      grant: { ops: ["debit"] },
    });
    const issued = await issueCard(scheme, station, { topup: 1_000 });
    const refund = await tap(scheme, pos, issued.card, { op: "refund", amount: 300 });
    await uploadOk(station, issued.events);
    const result = await uploadOk(pos, [refund.event]);
    expect(resultFor(result, refund.event)).toMatchObject({ status: "flagged", flags: ["out_of_scope"] });
    expect(kinds(await card(issued.cardId))).toEqual(["out_of_scope"]);
  });

  it("revoked_terminal: writes after the revocation are flagged, earlier ones are not", async () => {
    const scheme = await testScheme();
    const revokedAt = fixtureTerminal("trm_pos_revoked").revokedAt!;
    const validFrom = hourFloor(revokedAt) - 3 * DAY;
    const validHours = Math.ceil((nowSeconds() + DAY - validFrom) / HOUR);
    const station = await setupTerminal("trm_station_b", {
      validFrom,
      validHours,
      grant: { nbf: validFrom },
    });
    const revoked = await setupTerminal("trm_pos_revoked", {
      validFrom,
      validHours,
      grant: { nbf: validFrom },
    });
    const issued = await issueCard(scheme, station, { topup: 5_000, now: revokedAt - 2 * DAY });
    const before = await tap(
      scheme,
      revoked,
      issued.card,
      { op: "debit", amount: 100 },
      { now: revokedAt - DAY },
    );
    const after = await tap(
      scheme,
      revoked,
      issued.card,
      { op: "debit", amount: 200 },
      { now: nowSeconds() },
    );
    await uploadOk(station, issued.events);
    // A revoked terminal may still hand in its outbox: its sales before revocation are real.
    const result = await uploadOk(revoked, [before.event, after.event]);
    expect(resultFor(result, before.event)).toEqual({ eventId: before.event.id, status: "accepted" });
    expect(resultFor(result, after.event)).toMatchObject({ status: "flagged", flags: ["revoked_terminal"] });
  });

  it("unknown_terminal: an event naming a terminal number nobody enrolled is refused and flagged", async () => {
    const scheme = await testScheme();
    const station = await setupTerminal("trm_station_a");
    const impostor = await setupTerminal("trm_pos_c", { terminalNumber: 9_999 });
    const issued = await issueCard(scheme, station, { topup: 1_000 });
    const debit = await tap(scheme, impostor, issued.card, { op: "debit", amount: 100 });
    await uploadOk(station, issued.events);
    const result = await uploadOk(impostor, [debit.event]);
    expect(resultFor(result, debit.event)).toMatchObject({
      status: "rejected",
      code: "unknown_terminal",
      flags: ["unknown_terminal"],
    });
    expect(kinds(await card(issued.cardId))).toEqual(["unknown_terminal"]);
  });

  it("grant_expired: an event made under a grant that had expired at the time of the write", async () => {
    const scheme = await testScheme();
    const now = nowSeconds();
    const station = await setupTerminal("trm_station_a");
    // The terminal's clock or code ignored its grant's expiry; the grant itself says 2 hours ago.
    const pos = await setupTerminal("trm_pos_c", {
      grant: { nbf: now - 10 * HOUR, exp: now - 2 * HOUR },
      localScope: { expiresAt: now + DAY },
    });
    const issued = await issueCard(scheme, station, { topup: 1_000 });
    const debit = await tap(scheme, pos, issued.card, { op: "debit", amount: 100 });
    const fresh = { ...pos, grant: await signTestGrant(pos.device) };
    await uploadOk(station, issued.events);
    const result = await uploadOk(fresh, [debit.event], { grants: [pos.grant.token] });
    expect(resultFor(result, debit.event)).toMatchObject({ status: "flagged", flags: ["grant_expired"] });
    const flag = (await card(issued.cardId)).flags.find((f) => f.kind === "grant_expired")!;
    expect(flag.detail).toContain(pos.grant.claims.jti);
  });

  it("clock_skew: a write dated well after the server received it", async () => {
    const scheme = await testScheme();
    const station = await setupTerminal("trm_station_a");
    const pos = await setupTerminal("trm_pos_c");
    const issued = await issueCard(scheme, station, { topup: 1_000 });
    const debit = await tap(
      scheme,
      pos,
      issued.card,
      { op: "debit", amount: 100 },
      { now: nowSeconds() + 2 * HOUR },
    );
    await uploadOk(station, issued.events);
    const result = await uploadOk(pos, [debit.event]);
    expect(resultFor(result, debit.event)).toMatchObject({ status: "flagged", flags: ["clock_skew"] });
  });

  it("judges an event by the policy version its grant names, not today's", async () => {
    const scheme = await testScheme();
    const station = await setupTerminal("trm_station_a");
    // Policy version 7 (the stand-in's) allows three hours of clock skew; today's allows five minutes.
    const pos = await setupTerminal("trm_pos_c", { grant: { pv: 7 } });
    const issued = await issueCard(scheme, station, { topup: 1_000 });
    const debit = await tap(
      scheme,
      pos,
      issued.card,
      { op: "debit", amount: 100 },
      { now: nowSeconds() + 2 * HOUR },
    );
    await uploadOk(station, issued.events);
    const result = await uploadOk(pos, [debit.event]);
    expect(resultFor(result, debit.event)).toEqual({ eventId: debit.event.id, status: "accepted" });
  });

  it("missing_events: a counter that never arrived within policy's window", async () => {
    const scheme = await testScheme();
    const then = nowSeconds() - 2 * DAY;
    const station = await setupTerminal("trm_station_a");
    const pos = await setupTerminal("trm_pos_a");
    const issued = await issueCard(scheme, station, { topup: 3_000, now: then });
    const d1 = await tap(scheme, pos, issued.card, { op: "debit", amount: 100 }, { now: then + 60 });
    await tap(scheme, pos, issued.card, { op: "debit", amount: 200 }, { now: then + 120 }); // never uploaded
    const d3 = await tap(scheme, pos, issued.card, { op: "debit", amount: 300 }, { now: then + 180 });
    await uploadOk(station, issued.events);
    const result = await uploadOk(pos, [d1.event, d3.event]);
    expect(resultFor(result, d3.event)).toMatchObject({ status: "flagged", flags: ["missing_events"] });
    const view = await card(issued.cardId);
    expect(kinds(view)).toEqual(["missing_events"]);
    expect(view.flags[0]).toMatchObject({ counter: 4 });
    expect(view).toMatchObject({ balance: 2_400, counter: 5 });
  });

  it("a gap inside the window is held open, not flagged", async () => {
    const scheme = await testScheme();
    const station = await setupTerminal("trm_station_a");
    const pos = await setupTerminal("trm_pos_a");
    const issued = await issueCard(scheme, station, { topup: 3_000 });
    await tap(scheme, pos, issued.card, { op: "debit", amount: 100 }); // still in another outbox
    const d2 = await tap(scheme, pos, issued.card, { op: "debit", amount: 200 });
    await uploadOk(station, issued.events);
    expect((await uploadOk(pos, [d2.event])).results[0]).toEqual({
      eventId: d2.event.id,
      status: "accepted",
    });
    const view = await card(issued.cardId);
    expect(view.flags).toEqual([]);
    expect(view).toMatchObject({
      complete: false,
      gaps: [expect.objectContaining({ fromCounter: 3, toCounter: 3 })],
    });
  });

  it("unknown_card: a card whose issue never arrived within the window", async () => {
    const scheme = await testScheme();
    const then = nowSeconds() - 2 * DAY;
    const station = await setupTerminal("trm_station_b");
    const pos = await setupTerminal("trm_pos_b");
    const issued = await issueCard(scheme, station, { topup: 1_000, now: then });
    const debit = await tap(scheme, pos, issued.card, { op: "debit", amount: 100 }, { now: then + 60 });
    const result = await uploadOk(pos, [debit.event]);
    expect(resultFor(result, debit.event)).toMatchObject({ status: "flagged", flags: ["unknown_card"] });
  });

  it("tear_recovery: a write lost to a tear is not booked, its amount is at stake", async () => {
    const scheme = await testScheme();
    const station = await setupTerminal("trm_station_a");
    const pos = await setupTerminal("trm_pos_a");
    const issued = await issueCard(scheme, station, { topup: 5_000 });
    const older = await tap(scheme, pos, issued.card, { op: "debit", amount: 120 });
    const old = await tap(scheme, pos, issued.card, { op: "debit", amount: 80 });
    const extra = await tap(scheme, pos, issued.card, { op: "debit", amount: 30 }); // current state in slot 0
    // Garble the slot holding the current state while the next write rewrites it: the card rolls back one state.
    const torn = await tornWrite(
      scheme,
      pos,
      issued.card,
      { op: "debit", amount: 50 },
      old.event.card.counterAfter,
    );
    expect(torn.outcome).toBe("uncertain");
    const next = await tap(scheme, pos, issued.card, { op: "debit", amount: 10 });
    expect(next.event).toMatchObject({ recovered: true });
    expect(next.event.card.counterAfter).toBe(old.event.card.counterAfter + 2);

    await uploadOk(station, issued.events);
    const result = await uploadOk(pos, [older.event, old.event, extra.event, torn, next.event]);
    expect(resultFor(result, next.event)).toMatchObject({ status: "flagged", flags: ["tear_recovery"] });
    const view = await card(issued.cardId);
    expect(kinds(view)).toEqual(["tear_recovery"]);
    // The card holds 5000 - 120 - 80 - 10: the 30 and the torn 50 never stayed on it and are not booked.
    expect(view.balance).toBe(4_790);
    expect(view.flags[0]).toMatchObject({ amount: 80 });
    const superseded = view.entries.filter((e) => e.settlement === "superseded").map((e) => e.eventId);
    expect(superseded.sort()).toEqual([extra.event.id, torn.id].sort());
  });

  it("topup_unauthorised: a top-up that names no authorisation the backend gave", async () => {
    const scheme = await testScheme();
    const station = await setupTerminal("trm_station_b");
    const issued = await issueCard(scheme, station);
    const topup = await tap(scheme, station, issued.card, {
      op: "topup",
      amount: 9_000,
      authorisationId: "tpa_made_up",
    });
    const result = await uploadOk(station, [...issued.events, topup.event]);
    expect(resultFor(result, topup.event)).toMatchObject({
      status: "flagged",
      flags: ["topup_unauthorised"],
    });
  });

  it("topup_unauthorised: one authorisation used for two top-ups", async () => {
    const scheme = await testScheme();
    const station = await setupTerminal("trm_station_b");
    const issued = await issueCard(scheme, station);
    const authorisationId = await authoriseTopup(station, issued.cardId, 500);
    const first = await tap(scheme, station, issued.card, { op: "topup", amount: 500, authorisationId });
    const again = await tap(scheme, station, issued.card, { op: "topup", amount: 500, authorisationId });
    const result = await uploadOk(station, [...issued.events, first.event, again.event]);
    expect(resultFor(result, first.event)).toEqual({ eventId: first.event.id, status: "accepted" });
    expect(resultFor(result, again.event)).toMatchObject({
      status: "flagged",
      flags: ["topup_unauthorised"],
    });
  });

  it("bad_signature: an event altered after signing is refused, kept as evidence and flagged", async () => {
    const scheme = await testScheme();
    const station = await setupTerminal("trm_station_a");
    const pos = await setupTerminal("trm_pos_c");
    const issued = await issueCard(scheme, station, { topup: 1_000 });
    const debit = await tap(scheme, pos, issued.card, { op: "debit", amount: 400 });
    const altered = { ...debit.event, amount: 4 };
    await uploadOk(station, issued.events);
    const result = await uploadOk(pos, [altered]);
    expect(result.results[0]).toMatchObject({
      status: "rejected",
      code: "bad_signature",
      flags: ["bad_signature"],
    });
    const view = await card(issued.cardId);
    expect(kinds(view)).toEqual(["bad_signature"]);
    expect(view.eventCount).toBe(2);
  });

  it("conflict: the same event id with different content never replaces the first", async () => {
    const scheme = await testScheme();
    const station = await setupTerminal("trm_station_a");
    const pos = await setupTerminal("trm_pos_c");
    const issued = await issueCard(scheme, station, { topup: 1_000 });
    const debit = await tap(scheme, pos, issued.card, { op: "debit", amount: 400 });
    const rewritten = await resign(pos, { ...debit.event, productId: "something-else" });
    await uploadOk(station, issued.events);
    await uploadOk(pos, [debit.event]);
    const result = await uploadOk(pos, [rewritten]);
    expect(result.results[0]).toMatchObject({ status: "rejected", code: "conflict", flags: ["conflict"] });
    const view = await card(issued.cardId);
    expect(view.balance).toBe(600);
    expect(kinds(view)).toEqual(["conflict"]);
  });
});
