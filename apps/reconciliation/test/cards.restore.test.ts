/** A station restores a card from the reconciled ledger: it reads the numbers, never the card's history. */
import { describe, expect, it } from "vitest";
import { issueCard } from "./support/cards.ts";
import { call, ORIGIN, terminalHeaders, uploadOk } from "./support/http.ts";
import { setupTerminal, type TerminalSetup, tap, testScheme } from "./support/scheme.ts";

async function restoreAs(setup: TerminalSetup, cardId: string) {
  const url = `${ORIGIN}/v1/cards/${cardId}/restore`;
  return call(new Request(url, { headers: await terminalHeaders(setup, "GET", url) }));
}

describe("card restore for stations", () => {
  it("gives a station the reconciled balance, counter and chain head, and whether the ledger is complete", async () => {
    const scheme = await testScheme();
    const station = await setupTerminal("trm_station_a");
    const pos = await setupTerminal("trm_pos_a");
    const issued = await issueCard(scheme, station, { topup: 2_000 });
    const spent = await tap(scheme, pos, issued.card, { op: "debit", amount: 450 });
    await uploadOk(station, issued.events);
    await uploadOk(pos, [spent.event]);

    const response = await restoreAs(station, issued.cardId);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual({
      cardId: issued.cardId,
      balance: 1_550,
      counter: spent.event.card.counterAfter,
      chain: spent.event.card.chainAfter,
      status: "active",
      unconfirmed: null,
      complete: true,
    });
  });

  it("refuses terminals that are not stations, and answers 404 for a card no event names", async () => {
    const scheme = await testScheme();
    const station = await setupTerminal("trm_station_a");
    const pos = await setupTerminal("trm_pos_a");
    const issued = await issueCard(scheme, station, { topup: 500 });
    await uploadOk(station, issued.events);

    const byPos = await restoreAs(pos, issued.cardId);
    expect(byPos.status).toBe(403);
    const unknown = await restoreAs(station, "00000000000000ff");
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { code: string }).code).toBe("card_unknown");
  });

  it("is not open to people or anonymous callers", async () => {
    const response = await call(new Request(`${ORIGIN}/v1/cards/0a1b2c3d4e5f6071/restore`));
    expect(response.status).toBe(401);
  });
});
