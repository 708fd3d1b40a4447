/** Operators resolve flags with a note; the resolution is recorded and audited, and only open flags resolve. */
import { describe, expect, it } from "vitest";
import type { CardView } from "../src/routes/cards/schemas.ts";
import type { FlagView } from "../src/routes/flags/schemas.ts";
import { issueCard } from "./support/cards.ts";
import { auditor, getJson, operator, postJson, uploadOk } from "./support/http.ts";
import { setupTerminal, tap, testScheme } from "./support/scheme.ts";

async function flaggedCard() {
  const scheme = await testScheme();
  const station = await setupTerminal("trm_station_b");
  const issued = await issueCard(scheme, station);
  const topup = await tap(scheme, station, issued.card, {
    op: "topup",
    amount: 100,
    authorisationId: "tpa_unknown",
  });
  await uploadOk(station, [...issued.events, topup.event]);
  const view = await getJson<CardView>(`/v1/cards/${issued.cardId}`);
  return { cardId: issued.cardId, flag: view.flags[0]! };
}

describe("resolving flags", () => {
  it("lists open flags by kind and card, resolves one with a note and audits it", async () => {
    const { cardId, flag } = await flaggedCard();
    const listed = await getJson<{ flags: FlagView[] }>(
      `/v1/flags?state=open&kind=topup_unauthorised&cardId=${cardId}`,
    );
    expect(listed.flags.map((f) => f.flagId)).toEqual([flag.flagId]);

    const response = await postJson(
      `/v1/flags/${flag.flagId}/resolve`,
      { note: "Paid in cash at the desk" },
      await operator(),
    );
    expect(response.status).toBe(200);
    const resolved = (await response.json()) as FlagView;
    expect(resolved).toMatchObject({ state: "resolved", resolution: { note: "Paid in cash at the desk" } });
    expect((await getJson<FlagView>(`/v1/flags/${flag.flagId}`)).state).toBe("resolved");

    const audit = await getJson<{ entries: { action: string; detail: { note?: string } }[] }>(
      `/v1/audit?action=flag.resolve&target=flag:${flag.flagId}`,
    );
    expect(audit.entries).toEqual([
      expect.objectContaining({
        action: "flag.resolve",
        detail: expect.objectContaining({ note: "Paid in cash at the desk" }),
      }),
    ]);
    const raised = await getJson<{ entries: unknown[] }>(
      `/v1/audit?action=flag.raise&target=flag:${flag.flagId}`,
    );
    expect(raised.entries).toHaveLength(1);
  });

  it("refuses to resolve twice, without a note, or for an auditor", async () => {
    const { flag } = await flaggedCard();
    expect((await postJson(`/v1/flags/${flag.flagId}/resolve`, { note: " " }, await operator())).status).toBe(
      422,
    );
    expect((await postJson(`/v1/flags/${flag.flagId}/resolve`, { note: "ok" }, await auditor())).status).toBe(
      403,
    );
    expect(
      (await postJson(`/v1/flags/${flag.flagId}/resolve`, { note: "ok" }, await operator())).status,
    ).toBe(200);
    const again = await postJson(`/v1/flags/${flag.flagId}/resolve`, { note: "again" }, await operator());
    expect(again.status).toBe(409);
    expect(((await again.json()) as { code: string }).code).toBe("conflict");
  });

  it("answers 404 for a flag that does not exist", async () => {
    const response = await postJson(
      "/v1/flags/flg_000000000000000000000000/resolve",
      { note: "x" },
      await operator(),
    );
    expect(response.status).toBe(404);
  });
});
