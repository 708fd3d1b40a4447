import { describe, expect, it } from "vitest";
import { createTestTerminal } from "../testing/test-terminal.ts";
import { grantSecondsLeft, TerminalStateStore } from "./terminal-state.ts";

describe("the terminal state store", () => {
  it("hands out the same snapshot until something changes, as useSyncExternalStore requires", () => {
    const store = new TerminalStateStore();
    let heard = 0;
    const unsubscribe = store.subscribe(() => heard++);
    const first = store.getSnapshot();
    store.update({
      connectivity: "checking",
      outbox: { depth: 0, unresolved: 0, oldestAt: null, lastUploadAt: null },
    });
    expect(store.getSnapshot()).toBe(first);
    expect(heard).toBe(0);

    store.update({ connectivity: "online" });
    expect(store.getSnapshot()).not.toBe(first);
    expect(store.getSnapshot().connectivity).toBe("online");
    expect(heard).toBe(1);
    expect(Object.isFrozen(store.getSnapshot())).toBe(true);

    unsubscribe();
    store.update({ connectivity: "offline" });
    expect(heard).toBe(1);
  });

  it("keeps notifying the others when one subscriber throws", () => {
    const store = new TerminalStateStore();
    let heard = 0;
    store.subscribe(() => {
      throw new Error("broken view");
    });
    store.subscribe(() => heard++);
    store.update({ connectivity: "online" });
    expect(heard).toBe(1);
  });

  it("counts a grant's seconds left down to zero", () => {
    const grant = { expiresAt: 1_000 } as Parameters<typeof grantSecondsLeft>[0];
    expect(grantSecondsLeft(grant, 900_000)).toBe(100);
    expect(grantSecondsLeft(grant, 2_000_000)).toBe(0);
    expect(grantSecondsLeft(null, 0)).toBe(0);
  });
});

describe("what the engine publishes", () => {
  it("tells online, offline and backend-unreachable apart", async () => {
    const t = await createTestTerminal();
    expect(t.engine.getSnapshot().connectivity).toBe("online");

    t.backend.network = "down";
    await expect(t.engine.syncNow()).rejects.toThrow();
    expect(t.engine.getSnapshot().connectivity).toBe("unreachable");

    t.engine.start();
    t.network.set(false);
    expect(t.engine.getSnapshot().connectivity).toBe("offline");
    await expect(t.engine.syncNow()).rejects.toThrow();
    expect(t.engine.getSnapshot().connectivity).toBe("offline");

    t.backend.network = "up";
    t.network.set(true);
    await t.engine.whenIdle();
    expect(t.engine.getSnapshot().connectivity).toBe("online");
    await t.engine.close();
  });

  it("flips the grant to invalid at its expiry on a timer, with no request needed", async () => {
    const t = await createTestTerminal();
    const grant = t.engine.getSnapshot().grant!;
    t.backend.network = "down";
    let heard = 0;
    t.engine.subscribe(() => heard++);
    await t.clock.advanceTo((grant.expiresAt - 1) * 1000);
    expect(t.engine.getSnapshot().grant?.valid).toBe(true);
    await t.clock.advance(1000);
    expect(t.engine.getSnapshot().grant?.valid).toBe(false);
    expect(heard).toBeGreaterThan(0);
    await t.engine.close();
  });

  it("shows the last card and tap, and the last card again after a restart", async () => {
    const t = await createTestTerminal();
    const { transport, cardId } = await t.card(5_000);
    await t.engine.tap(transport, { op: "debit", amount: 300 });
    expect(t.engine.getSnapshot().lastCard).toMatchObject({
      verdict: "valid",
      state: { cardId, balance: 4_700 },
    });
    await t.engine.close();
    const again = await t.reopen();
    expect(again.getSnapshot().lastCard?.state).toMatchObject({ cardId, balance: 4_700 });
    expect(again.getSnapshot().lastTap).toMatchObject({ op: "debit", kind: "done", amount: 300 });
    expect(again.getSnapshot().outbox.depth).toBe(1);
    await again.close();
  });
});
