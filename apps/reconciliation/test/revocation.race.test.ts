/**
 * A revocation counts from the moment the grants Worker records it, not from when an isolate's cached copy
 * of the terminal expires: an upload right after it flags the writes dated at or after the time from which the
 * terminal is no longer trusted (which an operator may set earlier than the revocation), and a station revoked a
 * moment ago gets no top-up authorisation.
 */
import { env } from "cloudflare:workers";
import type { ReconcileResult, TerminalEvent } from "@tessera/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { issueCard } from "./support/cards.ts";
import { call, ORIGIN, terminalHeaders, uploadOk } from "./support/http.ts";
import { fixtureTerminal, HOUR, nowSeconds, setupTerminal, tap, testScheme } from "./support/scheme.ts";

interface GrantsStub {
  revokeTerminal(terminalNumber: number, revokedAt: number, revokedFrom?: number): Promise<void>;
  restoreTerminal(terminalNumber: number): Promise<void>;
}
const grants = env.GRANTS as unknown as GrantsStub;
const POS = fixtureTerminal("trm_pos_race");
const STATION = fixtureTerminal("trm_station_race");

afterEach(async () => {
  await grants.restoreTerminal(POS.terminalNumber);
  await grants.restoreTerminal(STATION.terminalNumber);
});

function resultFor(result: ReconcileResult, event: TerminalEvent) {
  return result.results.find((r) => r.eventId === event.id);
}

/** A card issued and topped up by a station, with its events already reconciled. */
async function cardInHand() {
  const scheme = await testScheme();
  const station = await setupTerminal("trm_station_b");
  const issued = await issueCard(scheme, station, { topup: 5_000, now: nowSeconds() - 3 * HOUR });
  await uploadOk(station, issued.events);
  return { scheme, issued };
}

describe("revocation reaches reconciliation at once", () => {
  it("an upload right after a revocation flags the writes made after it, not the ones before", async () => {
    const { scheme, issued } = await cardInHand();
    const pos = await setupTerminal("trm_pos_race");
    const now = nowSeconds();
    const first = await tap(scheme, pos, issued.card, { op: "debit", amount: 100 }, { now: now - 120 });
    // The terminal is looked up while still active: the isolate now holds that answer.
    expect(resultFor(await uploadOk(pos, [first.event]), first.event)?.status).toBe("accepted");

    await grants.revokeTerminal(POS.terminalNumber, now - 30);
    const before = await tap(scheme, pos, issued.card, { op: "debit", amount: 200 }, { now: now - 60 });
    const after = await tap(scheme, pos, issued.card, { op: "debit", amount: 300 }, { now: now - 10 });
    const result = await uploadOk(pos, [before.event, after.event]);
    expect(resultFor(result, before.event)).toEqual({ eventId: before.event.id, status: "accepted" });
    expect(resultFor(result, after.event)).toEqual({
      eventId: after.event.id,
      status: "flagged",
      flags: ["revoked_terminal"],
    });
  });

  it("judges by the time the terminal stopped being trusted, when that is before the revocation", async () => {
    const { scheme, issued } = await cardInHand();
    const pos = await setupTerminal("trm_pos_race");
    const now = nowSeconds();
    // Stolen an hour ago, revoked just now.
    await grants.revokeTerminal(POS.terminalNumber, now - 5, now - HOUR);
    const honest = await tap(scheme, pos, issued.card, { op: "debit", amount: 100 }, { now: now - 2 * HOUR });
    const thief = await tap(scheme, pos, issued.card, { op: "debit", amount: 400 }, { now: now - HOUR / 2 });
    const result = await uploadOk(pos, [honest.event, thief.event]);
    expect(resultFor(result, honest.event)?.status).toBe("accepted");
    expect(resultFor(result, thief.event)).toMatchObject({ status: "flagged", flags: ["revoked_terminal"] });
  });

  it("refuses a top-up authorisation to a station revoked a moment ago", async () => {
    const station = await setupTerminal("trm_station_race");
    const url = `${ORIGIN}/v1/topups/authorisations`;
    const ask = async () =>
      call(
        new Request(url, {
          method: "POST",
          headers: { ...(await terminalHeaders(station, "POST", url)), "Content-Type": "application/json" },
          body: JSON.stringify({ cardId: "0a1b2c3d4e5f6071", amount: 500 }),
        }),
      );
    expect((await ask()).status).toBe(201);
    await grants.revokeTerminal(STATION.terminalNumber, nowSeconds());
    const refused = await ask();
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { code: string }).code).toBe("terminal_revoked");
  });
});
