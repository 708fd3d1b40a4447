import { DEFAULT_POLICY } from "@tessera/protocol";
import { describe, expect, it } from "vitest";
import { createTestTerminal } from "../testing/test-terminal.ts";

const limits = { perTransaction: 500, cumulativeValue: 1_000, cumulativeCount: 3 };
const policy = {
  roles: {
    ...DEFAULT_POLICY.roles,
    pos: { operations: DEFAULT_POLICY.roles.pos.operations, offline: limits },
  },
};

async function offlineTerminal() {
  const t = await createTestTerminal({ policy });
  t.backend.network = "down";
  t.network.set(false);
  return t;
}

describe("offline limits per grant", () => {
  it("refuses a debit over the per-transaction limit without touching the card", async () => {
    const t = await offlineTerminal();
    const { card, transport } = await t.card(5_000);
    const before = card.readUserMemory();
    expect(await t.engine.tap(transport, { op: "debit", amount: 501 })).toMatchObject({
      kind: "refused",
      code: "over_transaction_limit",
    });
    expect(card.readUserMemory()).toEqual(before);
    expect(t.engine.getSnapshot().outbox.depth).toBe(0);
    await t.engine.close();
  });

  it("stops at the cumulative value, counting across cards and surviving a restart", async () => {
    const t = await offlineTerminal();
    const a = await t.card(5_000);
    const b = await t.card(5_000);
    expect((await t.engine.tap(a.transport, { op: "debit", amount: 500 })).kind).toBe("done");
    expect((await t.engine.tap(b.transport, { op: "debit", amount: 400 })).kind).toBe("done");
    expect(t.engine.getSnapshot().grant?.usage).toEqual({ value: 900, count: 2 });
    await t.engine.close();

    const restarted = await t.reopen();
    expect(restarted.getSnapshot().grant?.usage).toEqual({ value: 900, count: 2 });
    expect(await restarted.tap(a.transport, { op: "debit", amount: 101 })).toMatchObject({
      kind: "refused",
      code: "over_offline_value",
    });
    expect((await restarted.tap(a.transport, { op: "debit", amount: 100 })).kind).toBe("done");
    await restarted.close();
  });

  it("keeps counting once the events that used the limits have been uploaded, across a restart", async () => {
    const t = await createTestTerminal({ policy });
    const { transport } = await t.card(5_000);
    expect((await t.engine.tap(transport, { op: "debit", amount: 500 })).kind).toBe("done");
    expect((await t.engine.tap(transport, { op: "debit", amount: 300 })).kind).toBe("done");
    expect((await t.engine.uploadOutbox()).settled).toBe(2);
    await t.engine.close();

    const restarted = await t.reopen();
    expect(restarted.getSnapshot().grant?.usage).toEqual({ value: 800, count: 2 });
    expect(await restarted.tap(transport, { op: "debit", amount: 201 })).toMatchObject({
      kind: "refused",
      code: "over_offline_value",
    });
    await restarted.close();
  });

  it("stops at the cumulative count", async () => {
    const t = await offlineTerminal();
    const { transport } = await t.card(5_000);
    for (let i = 0; i < 3; i++)
      expect((await t.engine.tap(transport, { op: "debit", amount: 10 })).kind).toBe("done");
    expect(await t.engine.tap(transport, { op: "debit", amount: 10 })).toMatchObject({
      kind: "refused",
      code: "over_offline_count",
    });
    await t.engine.close();
  });

  it("counts a tap whose write is unconfirmed, since it may have moved value", async () => {
    const t = await offlineTerminal();
    const { transport } = await t.card(5_000);
    transport.nextTear = { atPage: 0, model: "cut" };
    expect((await t.engine.tap(transport, { op: "debit", amount: 500 })).kind).toBe("uncertain");
    expect(t.engine.getSnapshot().grant?.usage).toEqual({ value: 500, count: 1 });
    await t.engine.close();
  });

  it("starts afresh under the next grant", async () => {
    const t = await offlineTerminal();
    const { transport } = await t.card(5_000);
    for (let i = 0; i < 3; i++) await t.engine.tap(transport, { op: "debit", amount: 10 });
    expect((await t.engine.tap(transport, { op: "debit", amount: 10 })).kind).toBe("refused");

    t.backend.network = "up";
    t.network.set(true);
    await t.engine.refreshGrant();
    expect(t.engine.getSnapshot().grant?.usage).toEqual({ value: 0, count: 0 });
    expect((await t.engine.tap(transport, { op: "debit", amount: 10 })).kind).toBe("done");
    await t.engine.close();
  });
});
