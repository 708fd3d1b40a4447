import { describe, expect, it } from "vitest";
import { createTestTerminal } from "../testing/test-terminal.ts";

// The web app lets one tab run the terminal; these are the engine's own guards against a second engine on
// the same storage numbering events the first already numbered.
describe("a second engine on the same storage", () => {
  it("cannot store an event under a seq the first one's outbox already holds, and leaves the card alone", async () => {
    const t = await createTestTerminal({ role: "pos" });
    const { card, transport } = await t.card(5_000);
    const second = await t.reopen();
    expect((await t.engine.tap(transport, { op: "debit", amount: 100 })).kind).toBe("done");
    const before = card.readUserMemory();

    await expect(second.tap(transport, { op: "debit", amount: 100 })).rejects.toThrow(/second engine/);
    expect(card.readUserMemory()).toEqual(before);
    await second.close();
    await t.engine.close();
  });

  it("is stopped at upload when it numbered an event the first one had already uploaded", async () => {
    const t = await createTestTerminal({ role: "pos" });
    const { transport } = await t.card(5_000);
    const second = await t.reopen();
    expect((await t.engine.tap(transport, { op: "debit", amount: 100 })).kind).toBe("done");
    expect((await t.engine.uploadOutbox()).settled).toBe(1);
    await t.engine.close();

    // Its seq 1 is no longer in the outbox to collide with, but the sequence mark says it was given.
    expect((await second.tap(transport, { op: "debit", amount: 100 })).kind).toBe("done");
    await expect(second.uploadOutbox()).rejects.toMatchObject({ code: "storage_shared" });
    expect(second.getSnapshot().outbox.depth).toBe(1);
    await second.close();
  });
});

describe("the sequence mark", () => {
  it("takes an uncertain event released after its hold, behind later ones, for what it is", async () => {
    const t = await createTestTerminal({ role: "pos" });
    const torn = await t.card(5_000);
    const other = await t.card(5_000);
    torn.transport.nextTear = { atPage: 0, model: "cut" };
    expect((await t.engine.tap(torn.transport, { op: "debit", amount: 100 })).kind).toBe("uncertain");
    expect((await t.engine.tap(other.transport, { op: "debit", amount: 100 })).kind).toBe("done");
    expect((await t.engine.tap(other.transport, { op: "debit", amount: 100 })).kind).toBe("done");
    // Seqs 2 and 3 go; seq 1 waits for its card.
    expect((await t.engine.uploadOutbox()).settled).toBe(2);
    await t.clock.advance((15 * 60 + 1) * 1000);
    expect((await t.engine.uploadOutbox()).settled).toBe(1);
    expect(t.engine.getSnapshot().outbox.depth).toBe(0);
    await t.engine.close();
  });
});
