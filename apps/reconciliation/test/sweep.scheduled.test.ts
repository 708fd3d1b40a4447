/** The hourly sweep flags gaps once policy's window has passed, even when no further upload touches the card. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { CardView } from "../src/routes/cards/schemas.ts";
import { runSweep } from "../src/scheduled.ts";
import { issueCard } from "./support/cards.ts";
import { getJson, uploadOk } from "./support/http.ts";
import { DAY, nowSeconds, setupTerminal, tap, testScheme } from "./support/scheme.ts";

describe("hourly sweep", () => {
  it("raises missing_events for a gap that outlived the window", async () => {
    const scheme = await testScheme();
    const station = await setupTerminal("trm_station_b");
    const pos = await setupTerminal("trm_pos_b");
    const issued = await issueCard(scheme, station, { topup: 1_000 });
    await tap(scheme, pos, issued.card, { op: "debit", amount: 100 }); // never uploaded
    const later = await tap(scheme, pos, issued.card, { op: "debit", amount: 100 });
    await uploadOk(station, issued.events);
    await uploadOk(pos, [later.event]);
    expect((await getJson<CardView>(`/v1/cards/${issued.cardId}`)).flags).toEqual([]);

    const window = env.TEST_FIXTURE.policy.reconciliation.missingEventWindowSeconds;
    const summary = await runSweep(env, nowSeconds() + window + DAY);
    expect(summary.recomputed).toBeGreaterThan(0);
    const view = await getJson<CardView>(`/v1/cards/${issued.cardId}`);
    expect(view.flags.map((f) => [f.kind, f.counter])).toEqual([["missing_events", 3]]);
  });
});
