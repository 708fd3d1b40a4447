import { VirtualCardTransport } from "@tessera/protocol/virtual-card";
import { describe, expect, it } from "vitest";
import { createTestTerminal } from "../testing/test-terminal.ts";

const AUTHORISATIONS = "/v1/authorisations";

/** A station, and a card copied byte for byte onto another chip: its signatures no longer match its chip. */
async function stationWithCopiedCard() {
  const t = await createTestTerminal({ role: "station" });
  const { card } = await t.card(2_000);
  const copy = card.cloneTo();
  return { t, copy, transport: new VirtualCardTransport(copy) };
}

describe("a station names the real reason it refuses a card", () => {
  it.each([
    ["a top-up", { op: "topup", amount: 500 }],
    ["a pay-out", { op: "payout" }],
    ["a block", { op: "block", status: "blocked_lost" }],
    ["a debit", { op: "debit", amount: 100 }],
  ] as const)(
    "refuses %s on a card that does not verify as card_not_valid, asking the backend nothing",
    async (_, request) => {
      const { t, copy, transport } = await stationWithCopiedCard();
      const before = copy.readUserMemory();
      const result = await t.engine.tap(transport, request);
      expect(result).toMatchObject({
        kind: "refused",
        code: "card_not_valid",
        verdict: { kind: "tampered" },
      });
      expect(t.backend.requestsTo(AUTHORISATIONS, "POST")).toHaveLength(0);
      expect(copy.readUserMemory()).toEqual(before);
      expect(t.engine.getSnapshot().outbox.depth).toBe(0);
      await t.engine.close();
    },
  );

  it("refuses to issue over a card that does not verify: it is already somebody's card", async () => {
    const { t, transport } = await stationWithCopiedCard();
    expect(await t.engine.tap(transport, { op: "issue" })).toMatchObject({
      kind: "refused",
      code: "already_activated",
    });
    await t.engine.close();
  });

  it("refuses a top-up over the balance cap before asking the backend to authorise it", async () => {
    const t = await createTestTerminal({ role: "station", policy: { balanceCap: 10_000 } });
    const { transport } = await t.card(9_000);
    expect(await t.engine.tap(transport, { op: "topup", amount: 2_000 })).toMatchObject({
      kind: "refused",
      code: "over_balance_cap",
    });
    expect(t.backend.requestsTo(AUTHORISATIONS, "POST")).toHaveLength(0);
    // Within the cap, the same station is authorised and tops up.
    expect((await t.engine.tap(transport, { op: "topup", amount: 1_000 })).kind).toBe("done");
    expect(t.backend.requestsTo(AUTHORISATIONS, "POST")).toHaveLength(1);
    await t.engine.close();
  });
});
