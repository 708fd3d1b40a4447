import { describe, expect, it } from "vitest";
import { openTerminalDatabase } from "../storage/database.ts";
import { createTestTerminal } from "../testing/test-terminal.ts";

describe("the card memory", () => {
  it("refuses a card rolled back to an older state, also after a restart", async () => {
    const t = await createTestTerminal();
    const { card, transport } = await t.card(5_000);
    const before = card.snapshot();
    expect((await t.engine.tap(transport, { op: "debit", amount: 1_000 })).kind).toBe("done");
    await t.engine.close();

    // The cardholder writes the old image back (4 000 → 5 000 again).
    card.restore(before);
    const restarted = await t.reopen();
    const refused = await restarted.tap(transport, { op: "debit", amount: 100 });
    expect(refused).toMatchObject({ kind: "refused", code: "card_not_valid" });
    expect(refused.kind === "refused" && refused.verdict).toMatchObject({
      kind: "clone_suspected",
      reason: "rollback",
    });
    // The screen still shows what the card claims, marked with the verdict.
    expect(restarted.getSnapshot().lastCard).toMatchObject({
      verdict: "clone_suspected",
      state: { balance: 5_000 },
    });
    await restarted.close();
  });

  it.each([
    ["while the tap's event waits in the outbox", false],
    ["once the tap's event has been uploaded", true],
  ])("remembers what its own tap wrote %s, across a restart", async (_, uploaded) => {
    const t = await createTestTerminal();
    const { card, transport } = await t.card(5_000);
    const before = card.snapshot();
    expect((await t.engine.tap(transport, { op: "debit", amount: 1_000 })).kind).toBe("done");
    if (uploaded) {
      expect((await t.engine.uploadOutbox()).settled).toBe(1);
      expect(t.engine.getSnapshot().outbox.depth).toBe(0);
    }
    await t.engine.close();

    card.restore(before);
    const restarted = await t.reopen();
    expect(restarted.getSnapshot().lastCard?.state).toMatchObject({ balance: 4_000 });
    const refused = await restarted.tap(transport, { op: "debit", amount: 100 });
    expect(refused.kind === "refused" && refused.verdict).toMatchObject({ kind: "clone_suspected" });
    await restarted.close();
  });

  it("stays within its bounds, forgetting the least recently seen cards first", async () => {
    const t = await createTestTerminal({ engine: { rememberedCards: 2, knownCardStates: 2 } });
    const cards = [await t.card(1_000), await t.card(1_000), await t.card(1_000)];
    for (const { transport } of cards) await t.engine.readCard(transport);
    // Seeing the first card again makes the second the least recently seen.
    await t.engine.readCard(cards[0]!.transport);
    await t.engine.readCard(cards[2]!.transport);
    await t.engine.close();

    const db = await openTerminalDatabase(t.databaseName);
    const remembered = (await db.getAll("recentCounters")).map((r) => r.cardId).sort();
    const known = (await db.getAll("cardStates")).map((r) => r.cardId).sort();
    db.close();
    const expected = [cards[0]!.cardId, cards[2]!.cardId].sort();
    expect(remembered).toEqual(expected);
    expect(known).toEqual(expected);
  });
});
