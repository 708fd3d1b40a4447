/** Online top-up authorisation: stations and operators ask first, the ledger matches the upload to it. */
import { describe, expect, it } from "vitest";
import type { CardView } from "../src/routes/cards/schemas.ts";
import { issueCard } from "./support/cards.ts";
import { call, getJson, ORIGIN, operator, postJson, terminalHeaders, uploadOk } from "./support/http.ts";
import { setupTerminal, type TerminalSetup, tap, testScheme } from "./support/scheme.ts";

async function askAsTerminal(setup: TerminalSetup, body: unknown) {
  const url = `${ORIGIN}/v1/topups/authorisations`;
  return call(
    new Request(url, {
      method: "POST",
      headers: { ...(await terminalHeaders(setup, "POST", url)), "Content-Type": "application/json" },
      body: JSON.stringify(body),
    }),
  );
}

describe("top-up authorisations", () => {
  it("a station's authorised top-up is booked without a flag", async () => {
    const scheme = await testScheme();
    const station = await setupTerminal("trm_station_a");
    const issued = await issueCard(scheme, station, { topup: 2_500 });
    const result = await uploadOk(station, issued.events);
    expect(result.results.map((r) => r.status)).toEqual(["accepted", "accepted"]);
    expect((await getJson<CardView>(`/v1/cards/${issued.cardId}`)).balance).toBe(2_500);
  });

  it("an operator can authorise a top-up that a station then writes", async () => {
    const scheme = await testScheme();
    const station = await setupTerminal("trm_station_a");
    const issued = await issueCard(scheme, station);
    const response = await postJson(
      `/v1/cards/${issued.cardId}/topup-authorisations`,
      { amount: 1_200 },
      await operator(),
    );
    expect(response.status).toBe(201);
    const { authorisationId } = (await response.json()) as { authorisationId: string };
    const topup = await tap(scheme, station, issued.card, { op: "topup", amount: 1_200, authorisationId });
    const result = await uploadOk(station, [...issued.events, topup.event]);
    expect(result.results.every((r) => r.status === "accepted")).toBe(true);
  });

  it("refuses a POS terminal, a top-up over the balance cap and a blocked card", async () => {
    const scheme = await testScheme();
    const station = await setupTerminal("trm_station_a");
    const pos = await setupTerminal("trm_pos_a");
    const issued = await issueCard(scheme, station, { topup: 49_000 });
    await uploadOk(station, issued.events);
    const byPos = await askAsTerminal(pos, { cardId: issued.cardId, amount: 100 });
    expect(byPos.status).toBe(403);
    const overCap = await askAsTerminal(station, { cardId: issued.cardId, amount: 2_000 });
    expect(overCap.status).toBe(403);
    expect(((await overCap.json()) as { code: string }).code).toBe("topup_not_authorised");

    const block = await tap(scheme, station, issued.card, { op: "block", status: "blocked_lost" });
    await uploadOk(station, [block.event]);
    const blocked = await askAsTerminal(station, { cardId: issued.cardId, amount: 100 });
    expect(blocked.status).toBe(403);
    expect(((await blocked.json()) as { detail: string }).detail).toContain("blocked_lost");
  });
});
