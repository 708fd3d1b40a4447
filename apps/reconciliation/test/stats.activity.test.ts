/** The console's activity totals: booked events per bucket, terminal and operation, and the opening float. */
import { describe, expect, it } from "vitest";
import { issueCard } from "./support/cards.ts";
import { auditor, call, getJson, ORIGIN, uploadOk } from "./support/http.ts";
import { DAY, HOUR, hourFloor, nowSeconds, setupTerminal, tap, testScheme } from "./support/scheme.ts";

interface Stats {
  bucket: string;
  from: number;
  to: number;
  openingFloat: number;
  rows: { at: number; terminalId: string; op: string; events: number; value: number }[];
}

describe("activity stats", () => {
  it("sums booked taps and value per hour for each terminal and operation, with the float before", async () => {
    const scheme = await testScheme();
    const station = await setupTerminal("trm_station_b");
    const pos = await setupTerminal("trm_pos_c");
    const now = nowSeconds();
    const issued = await issueCard(scheme, station, { topup: 5000, now });
    const first = await tap(scheme, pos, issued.card, { op: "debit", amount: 300 }, { now });
    const second = await tap(scheme, pos, issued.card, { op: "debit", amount: 200 }, { now });
    await uploadOk(station, issued.events);
    await uploadOk(pos, [first.event, second.event]);

    const hour = hourFloor(now);
    const stats = await getJson<Stats>(`/v1/stats/activity?bucket=hour&from=${hour}&to=${hour + HOUR}`);
    const mine = (terminalId: string, op: string) =>
      stats.rows.find((row) => row.at === hour && row.terminalId === terminalId && row.op === op);
    expect(mine("trm_pos_c", "debit")).toMatchObject({ events: 2, value: 500 });
    expect(mine("trm_station_b", "topup")).toMatchObject({ events: 1, value: 5000 });

    // Everything above was written inside `hour`, so the float after it includes it and the float before
    // it does not.
    const later = await getJson<Stats>(
      `/v1/stats/activity?bucket=day&from=${hour + DAY}&to=${hour + 2 * DAY}`,
    );
    expect(later.openingFloat - stats.openingFloat).toBeGreaterThanOrEqual(4500);
  });

  it("refuses a reversed or oversized range and callers without a role", async () => {
    const reversed = await call(
      new Request(`${ORIGIN}/v1/stats/activity?from=2000000&to=1000000`, { headers: await auditor() }),
    );
    expect(reversed.status).toBe(422);
    expect(((await reversed.json()) as { code: string }).code).toBe("validation_failed");
    const huge = await call(
      new Request(`${ORIGIN}/v1/stats/activity?bucket=hour&from=0&to=100000000`, {
        headers: await auditor(),
      }),
    );
    expect(huge.status).toBe(422);
    expect((await call(new Request(`${ORIGIN}/v1/stats/activity`))).status).toBe(401);
  });
});
