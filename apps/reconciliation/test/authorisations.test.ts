/**
 * Pay-outs and restores are authorised online like top-ups: a station asks `POST /v1/authorisations`, writes
 * the card with the id, and the upload is matched to it; a write that names none, or another's, is flagged.
 */
import { VirtualNtag } from "@tessera/protocol/virtual-card";
import { describe, expect, it } from "vitest";
import type { CardView } from "../src/routes/cards/schemas.ts";
import { issueCard } from "./support/cards.ts";
import { askAuthorisation, call, getJson, ORIGIN, terminalHeaders, uploadOk } from "./support/http.ts";
import { setupTerminal, type TerminalSetup, tap, testScheme, unconfirmedTap } from "./support/scheme.ts";

interface Granted {
  authorisationId: string;
  op: string;
  amount: number;
  reconciledBalance: number | null;
}

async function authorised(station: TerminalSetup, body: unknown): Promise<Granted> {
  const response = await askAuthorisation(station, body);
  expect(response.status).toBe(201);
  return (await response.json()) as Granted;
}

async function refusal(response: Response): Promise<{ status: number; code: string; detail: string }> {
  const body = (await response.json()) as { code: string; detail: string };
  return { status: response.status, code: body.code, detail: body.detail };
}

async function restoreView(station: TerminalSetup, cardId: string) {
  const url = `${ORIGIN}/v1/cards/${cardId}/restore`;
  const response = await call(new Request(url, { headers: await terminalHeaders(station, "GET", url) }));
  expect(response.status).toBe(200);
  return (await response.json()) as {
    balance: number;
    counter: number;
    chain: string;
    unconfirmed: { eventId: string; amount: number } | null;
    complete: boolean;
  };
}

/** The figures a station's reissue writes, from a restore view. */
const restoreFrom = (cardId: string, view: { balance: number; counter: number; chain: string }) => ({
  cardId,
  balance: view.balance,
  counter: view.counter,
  chain: view.chain,
});

const card = (cardId: string) => getJson<CardView>(`/v1/cards/${cardId}`);
const openKinds = (view: CardView) => view.flags.filter((f) => f.state === "open").map((f) => f.kind);

describe("online authorisations of pay-outs and restores", () => {
  it("pays out an authorised balance without a flag, and flags a pay-out that names no authorisation", async () => {
    const scheme = await testScheme();
    const station = await setupTerminal("trm_station_a");
    const paid = await issueCard(scheme, station, { topup: 2_500 });
    const other = await issueCard(scheme, station, { topup: 900 });
    await uploadOk(station, [...paid.events, ...other.events]);

    const grant = await authorised(station, { op: "payout", cardId: paid.cardId, amount: 2_500 });
    expect(grant).toMatchObject({ op: "payout", amount: 2_500, reconciledBalance: 2_500 });
    expect(grant.authorisationId).toMatch(/^poa_/);
    const payout = await tap(scheme, station, paid.card, {
      op: "payout",
      authorisationId: grant.authorisationId,
    });
    // The other card is paid out with this card's authorisation: the id exists, but not for that card.
    const stray = await tap(scheme, station, other.card, {
      op: "payout",
      authorisationId: grant.authorisationId,
    });
    const result = await uploadOk(station, [payout.event, stray.event]);
    expect(result.results.map((r) => [r.status, r.flags ?? []])).toEqual([
      ["accepted", []],
      ["flagged", ["payout_unauthorised"]],
    ]);
    expect(await card(paid.cardId)).toMatchObject({ balance: 0 });
    expect(openKinds(await card(paid.cardId))).toEqual([]);
    const flag = (await card(other.cardId)).flags.find((f) => f.kind === "payout_unauthorised")!;
    expect(flag).toMatchObject({ amount: 900, eventIds: [stray.event.id] });
    expect(flag.detail).toContain(`is for card ${paid.cardId}`);
  });

  it("refuses to pay out a card the ledger holds as blocked, and refuses a POS terminal", async () => {
    const scheme = await testScheme();
    const station = await setupTerminal("trm_station_a");
    const pos = await setupTerminal("trm_pos_a");
    const issued = await issueCard(scheme, station, { topup: 1_000 });
    const block = await tap(scheme, station, issued.card, { op: "block", status: "blocked_lost" });
    await uploadOk(station, [...issued.events, block.event]);

    const blocked = await refusal(
      await askAuthorisation(station, { op: "payout", cardId: issued.cardId, amount: 1_000 }),
    );
    expect(blocked).toMatchObject({ status: 403, code: "payout_not_authorised" });
    expect(blocked.detail).toContain("blocked_lost");
    const byPos = await refusal(
      await askAuthorisation(pos, { op: "payout", cardId: issued.cardId, amount: 1_000 }),
    );
    expect(byPos).toMatchObject({ status: 403, code: "forbidden" });
    const malformed = await askAuthorisation(station, { op: "refund", cardId: issued.cardId, amount: 1 });
    expect(malformed.status).toBe(422);
  });

  it("authorises a restore of the balance and counter the ledger holds now, and nothing else", async () => {
    const scheme = await testScheme();
    const station = await setupTerminal("trm_station_a");
    const lost = await issueCard(scheme, station, { topup: 3_200 });
    const spent = await tap(scheme, station, lost.card, { op: "debit", amount: 200 });
    await uploadOk(station, [...lost.events, spent.event]);
    const restore = await restoreView(station, lost.cardId);
    expect(restore.balance).toBe(3_000);

    for (const [amount, counter] of [
      [5_000, restore.counter],
      [3_000, restore.counter - 1],
    ] as const) {
      const stale = await refusal(
        await askAuthorisation(station, { op: "reissue", cardId: lost.cardId, amount, counter }),
      );
      expect(stale).toMatchObject({ status: 403, code: "reissue_not_authorised" });
    }
    const unknown = await askAuthorisation(station, { op: "reissue", cardId: "00000000000000ff", amount: 0 });
    expect((await refusal(unknown)).code).toBe("card_unknown");

    const grant = await authorised(station, {
      op: "reissue",
      cardId: lost.cardId,
      amount: restore.balance,
      counter: restore.counter,
    });
    const fresh = new VirtualNtag({ model: "NTAG215" });
    const reissue = await tap(scheme, station, fresh, {
      op: "reissue",
      authorisationId: grant.authorisationId,
      restore: restoreFrom(lost.cardId, restore),
    });
    const result = await uploadOk(station, [reissue.event]);
    expect(result.results[0]).toMatchObject({ status: "accepted" });
    expect(await card(lost.cardId)).toMatchObject({ balance: 3_000, counter: restore.counter + 2 });
    expect(openKinds(await card(lost.cardId))).toEqual([]);
  });

  it("restores a card whose last write was never confirmed from before that write, and flags the write it leaves out", async () => {
    const scheme = await testScheme();
    const station = await setupTerminal("trm_station_a");
    const pos = await setupTerminal("trm_pos_a");
    const lost = await issueCard(scheme, station, { topup: 3_200 });
    // The till's write tears and the card never comes back to it (it reads as nothing, or is lost): the tap
    // goes home unconfirmed.
    const torn = await unconfirmedTap(scheme, pos, lost.card, { op: "debit", amount: 450 });
    await uploadOk(station, lost.events);
    await uploadOk(pos, [torn]);
    expect(await card(lost.cardId)).toMatchObject({ balance: 2_750, headEventId: torn.id });

    const restore = await restoreView(station, lost.cardId);
    const issuedHead = lost.events.at(-1)!.card;
    expect(restore).toMatchObject({
      balance: 3_200,
      counter: issuedHead.counterAfter,
      chain: issuedHead.chainAfter,
      unconfirmed: { eventId: torn.id, op: "debit", amount: 450, balanceAfter: 2_750 },
      complete: true,
    });
    // The head's figures are not what a restore is authorised for.
    const head = await askAuthorisation(station, {
      op: "reissue",
      cardId: lost.cardId,
      amount: 2_750,
      counter: torn.card.counterAfter,
    });
    expect(await refusal(head)).toMatchObject({ status: 403, code: "reissue_not_authorised" });

    const grant = await authorised(station, {
      op: "reissue",
      cardId: lost.cardId,
      amount: restore.balance,
      counter: restore.counter,
    });
    const reissue = await tap(scheme, station, new VirtualNtag({ model: "NTAG215" }), {
      op: "reissue",
      authorisationId: grant.authorisationId,
      restore: restoreFrom(lost.cardId, restore),
    });
    const result = await uploadOk(station, [reissue.event]);
    expect(result.results[0]).toMatchObject({ status: "flagged", flags: ["tear_recovery"] });
    const after = await card(lost.cardId);
    expect(after).toMatchObject({
      balance: 3_200,
      headEventId: reissue.event.id,
      restore: { unconfirmed: null },
    });
    expect(after.entries.find((e) => e.eventId === torn.id)?.settlement).toBe("superseded");
    expect(after.flags.map((f) => [f.kind, f.state, f.amount])).toEqual([["tear_recovery", "open", 450]]);
  });

  it("flags a restore that names an authorisation never given", async () => {
    const scheme = await testScheme();
    const station = await setupTerminal("trm_station_a");
    const lost = await issueCard(scheme, station, { topup: 700 });
    await uploadOk(station, lost.events);
    const restore = await restoreView(station, lost.cardId);
    const reissue = await tap(scheme, station, new VirtualNtag({ model: "NTAG215" }), {
      op: "reissue",
      authorisationId: "rsa_made_up_by_the_station",
      restore: restoreFrom(lost.cardId, restore),
    });
    const result = await uploadOk(station, [reissue.event]);
    expect(result.results[0]).toMatchObject({ status: "flagged", flags: ["reissue_unauthorised"] });
  });
});
