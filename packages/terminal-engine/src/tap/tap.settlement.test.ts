import { afterEach, describe, expect, it, vi } from "vitest";
import { openTerminalDatabase } from "../storage/database.ts";
import { createTestTerminal } from "../testing/test-terminal.ts";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("a tap's settlement, written after its result is shown", () => {
  const statuses = async (t: { databaseName: string }) => {
    const db = await openTerminalDatabase(t.databaseName);
    const records = await db.getAll("outbox");
    db.close();
    return Object.fromEntries(records.map((record) => [record.event.amount, record.status]));
  };

  it("rides in the next tap's one write: a crash after it leaves the earlier tap confirmed", async () => {
    const t = await createTestTerminal({ role: "pos" });
    const { transport } = await t.card(5_000);
    await t.engine.close();
    let taps = 0;
    const crashing = await t.reopen({
      onTapStep: (step) => {
        if (step === "read") taps++;
        if (taps === 2 && step === "card-written") throw new Error("power lost");
      },
    });
    const first = await crashing.tap(transport, { op: "debit", amount: 100 });
    expect(first.kind).toBe("done");
    await expect(crashing.tap(transport, { op: "debit", amount: 200 })).rejects.toThrow("power lost");
    await crashing.close();

    // The first tap's own record was never rewritten; the second's record carries its settlement.
    const restarted = await t.reopen();
    expect(await statuses(t)).toEqual({ 100: "confirmed", 200: "uncertain" });
    expect(restarted.shift()).toMatchObject({ totals: { debit: { count: 1, amount: 100 } }, uncertain: 1 });
    expect(restarted.getSnapshot().outbox).toMatchObject({ depth: 2, unresolved: 1 });
    // The card has the second tap (the crash came after its write): its next read confirms it.
    expect((await restarted.readCard(transport)).kind).toBe("read");
    expect(restarted.shift()).toMatchObject({ totals: { debit: { count: 2, amount: 300 } }, uncertain: 0 });
    await restarted.close();
  });

  it("is written to its own record once the terminal is idle", async () => {
    const t = await createTestTerminal({ role: "pos" });
    const { transport } = await t.card(5_000);
    expect((await t.engine.tap(transport, { op: "debit", amount: 100 })).kind).toBe("done");
    expect((await t.engine.tap(transport, { op: "debit", amount: 200 })).kind).toBe("done");
    // Between card operations (the read queues behind the flush that is due at once).
    await t.clock.advance(0);
    await t.engine.readCard(transport);
    expect(await statuses(t)).toEqual({ 100: "confirmed", 200: "confirmed" });
    await t.engine.close();
  });

  it("carried by a later record, never undoes what happened to the tap since, at start-up", async () => {
    const t = await createTestTerminal({ role: "pos" });
    const a = await t.card(5_000);
    const b = await t.card(5_000);
    await t.engine.close();
    let taps = 0;
    const crashing = await t.reopen({
      onTapStep: (step) => {
        if (step === "read") taps++;
        if (taps === 2 && step === "settled") throw new Error("power lost");
      },
    });
    // The read-back of card A fails: the first tap is uncertain, and the second tap's record carries that.
    const leaving = {
      gone: false,
      read: async () => {
        if (leaving.gone) {
          leaving.gone = false;
          throw new Error("no card in the field");
        }
        return a.transport.read();
      },
      write: async (records: Parameters<typeof a.transport.write>[0]) => {
        await a.transport.write(records);
        leaving.gone = true;
      },
    };
    expect((await crashing.tap(leaving, { op: "debit", amount: 100 })).kind).toBe("uncertain");
    await expect(crashing.tap(b.transport, { op: "debit", amount: 200 })).rejects.toThrow("power lost");
    await crashing.close();

    const restarted = await t.reopen();
    expect(await statuses(t)).toEqual({ 100: "uncertain", 200: "uncertain" });
    // Both cards come back: both writes had landed.
    for (const card of [a, b]) {
      const read = await restarted.readCard(card.transport);
      expect(read.kind === "read" && read.settled.map((s) => s.outcome)).toEqual(["confirmed"]);
    }
    await restarted.close();

    // The second tap's record still says "uncertain" of the first: start-up must not take it back there.
    const again = await t.reopen();
    expect(await statuses(t)).toEqual({ 100: "confirmed", 200: "confirmed" });
    expect(again.shift()).toMatchObject({ totals: { debit: { count: 2, amount: 300 } }, uncertain: 0 });
    await again.close();
  });

  it("when it cannot be written, leaves the tap to confirm, and the card's next read settles it", async () => {
    const t = await createTestTerminal({ role: "pos" });
    const { transport, cardId } = await t.card(5_000);
    const put = IDBObjectStore.prototype.put;
    let refuse = true;
    vi.spyOn(IDBObjectStore.prototype, "put").mockImplementation(function (this: IDBObjectStore, ...args) {
      const [value] = args as [{ status?: string }];
      if (refuse && value?.status === "confirmed") {
        refuse = false;
        throw new DOMException("the disk is full", "QuotaExceededError");
      }
      return put.apply(this, args);
    });
    expect((await t.engine.tap(transport, { op: "debit", amount: 250 })).kind).toBe("done");
    expect(t.engine.getSnapshot().outbox.unresolved).toBe(0);

    // The upload writes held settlements first: this one fails, and memory goes back to "to confirm".
    await t.engine.uploadOutbox();
    expect(t.engine.getSnapshot().outbox).toMatchObject({ depth: 1, unresolved: 1 });
    expect(t.engine.shift()).toMatchObject({ uncertain: 1, totals: {} });
    expect(t.engine.getSnapshot().lastError).toMatchObject({ code: "settlement_failed" });

    const read = await t.engine.readCard(transport);
    expect(read.kind === "read" && read.settled.map((s) => s.outcome)).toEqual(["confirmed"]);
    expect(t.engine.shift()).toMatchObject({ uncertain: 0, totals: { debit: { count: 1, amount: 250 } } });
    await t.engine.uploadOutbox();
    expect(t.backend.ledgerBalance(cardId)).toBe(4_750);
    await t.engine.close();
  });
});
