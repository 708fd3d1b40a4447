import { describe, expect, it } from "vitest";
import { TAP_STEPS, type TapStep } from "../runtime.ts";
import { createTestTerminal } from "../testing/test-terminal.ts";

class SimulatedCrash extends Error {}

/** Steps after which the tap's event is stored (so the tally must count it, as "to confirm" until settled). */
const EVENT_STORED: readonly TapStep[] = ["pending-durable", "card-written", "read-back", "settled"];
/** Steps after which the card holds the new state. */
const CARD_WRITTEN: readonly TapStep[] = ["card-written", "read-back", "settled"];

describe("the shift tally across a crash between the steps of a tap", () => {
  it.each(TAP_STEPS)("after %s: the tally counts exactly what the outbox holds", async (step) => {
    const t = await createTestTerminal({ role: "pos" });
    const { transport } = await t.card(5_000);
    expect((await t.engine.tap(transport, { op: "debit", amount: 400 })).kind).toBe("done");
    await t.engine.close();

    const crashing = await t.reopen({
      onTapStep: (reached) => {
        if (reached === step) throw new SimulatedCrash(`power lost after ${step}`);
      },
    });
    await expect(crashing.tap(transport, { op: "debit", amount: 250 })).rejects.toBeInstanceOf(
      SimulatedCrash,
    );
    await crashing.close();

    // Straight after the restart: the tap is in the tally if and only if its event is in the outbox.
    const restarted = await t.reopen();
    const stored = EVENT_STORED.includes(step);
    expect(restarted.shift()).toMatchObject({
      totals: { debit: { count: 1, amount: 400 } },
      uncertain: stored ? 1 : 0,
    });
    expect(restarted.getSnapshot().outbox).toMatchObject({
      depth: stored ? 2 : 1,
      unresolved: stored ? 1 : 0,
    });

    // The card comes back: the tap is confirmed (the card has it) or voided (it does not), and the tally
    // follows the event; after the upload the stores carry it, and another restart changes nothing.
    expect((await restarted.readCard(transport)).kind).toBe("read");
    const landed = CARD_WRITTEN.includes(step);
    const settled = {
      totals: { debit: landed ? { count: 2, amount: 650 } : { count: 1, amount: 400 } },
      uncertain: 0,
      refused: {},
    };
    expect(restarted.shift()).toMatchObject(settled);
    await restarted.uploadOutbox();
    expect(restarted.getSnapshot().outbox.depth).toBe(0);
    await restarted.close();
    const again = await t.reopen();
    expect(again.shift()).toMatchObject(settled);
    expect(again.getSnapshot().shift).toEqual(again.shift());
    await again.close();
  });
});

describe("the shift tally", () => {
  it("counts refusals by reason, top-up cash and pay-outs, and keeps them across a restart", async () => {
    const t = await createTestTerminal({ role: "station" });
    const { transport } = await t.card(1_000);
    expect((await t.engine.tap(transport, { op: "topup", amount: 500 })).kind).toBe("done");
    expect((await t.engine.tap(transport, { op: "debit", amount: 5_000 })).kind).toBe("refused");
    expect((await t.engine.tap(transport, { op: "debit", amount: 5_000 })).kind).toBe("refused");
    expect((await t.engine.tap(transport, { op: "debit", amount: 200 })).kind).toBe("done");
    const expected = {
      totals: { topup: { count: 1, amount: 500 }, debit: { count: 1, amount: 200 } },
      cashIn: 500,
      cashOut: 0,
      uncertain: 0,
      refused: { insufficient_balance: 2 },
    };
    expect(t.engine.shift()).toMatchObject(expected);
    await t.engine.uploadOutbox();
    await t.engine.close();
    expect((await t.reopen()).shift()).toMatchObject(expected);
  });

  it("starts afresh when the shift is closed, and returns the closed one", async () => {
    const t = await createTestTerminal({ role: "pos" });
    const { transport } = await t.card(5_000);
    expect((await t.engine.tap(transport, { op: "debit", amount: 300 })).kind).toBe("done");
    const opened = t.engine.shift();
    await t.clock.advance(60_000);
    const closed = await t.engine.closeShift();
    expect(closed).toMatchObject({ id: opened.id, totals: { debit: { count: 1, amount: 300 } } });
    expect(closed.closedAt).toBe(t.clock.now());
    expect(t.engine.shift()).toMatchObject({
      totals: {},
      uncertain: 0,
      refused: {},
      openedAt: t.clock.now(),
    });
    expect(t.engine.shift().id).not.toBe(opened.id);

    // The closed shift's event still waiting in the outbox does not count again after a restart.
    await t.engine.close();
    const restarted = await t.reopen();
    expect(restarted.getSnapshot().outbox.depth).toBe(1);
    expect(restarted.shift().totals).toEqual({});
    await restarted.close();
  });

  it("settles a tap left to confirm into the shift it was counted in, not the next one", async () => {
    const t = await createTestTerminal({ role: "pos" });
    const { transport } = await t.card(5_000);
    transport.nextTear = { atPage: 0, model: "cut" };
    expect((await t.engine.tap(transport, { op: "debit", amount: 250 })).kind).toBe("uncertain");
    expect((await t.engine.closeShift()).uncertain).toBe(1);
    expect((await t.engine.readCard(transport)).kind).toBe("read");
    expect(t.engine.shift()).toMatchObject({ totals: {}, uncertain: 0 });
    await t.engine.close();
  });

  it("adopts a tally kept by earlier software only while the shift has counted nothing", async () => {
    const t = await createTestTerminal({ role: "pos" });
    const earlier = {
      openedAt: 1_000,
      totals: { debit: { count: 3, amount: 900 } },
      cashIn: 0,
      cashOut: 0,
      uncertain: 0,
      refused: { card_blocked: 1 },
    };
    expect(await t.engine.adoptShift(earlier)).toBe(true);
    expect(t.engine.shift()).toMatchObject(earlier);
    const { transport } = await t.card(5_000);
    expect((await t.engine.tap(transport, { op: "debit", amount: 100 })).kind).toBe("done");
    expect(t.engine.shift().totals.debit).toEqual({ count: 4, amount: 1_000 });
    expect(await t.engine.adoptShift(earlier)).toBe(false);
    await t.engine.close();
    expect((await t.reopen()).shift().totals.debit).toEqual({ count: 4, amount: 1_000 });
  });
});
