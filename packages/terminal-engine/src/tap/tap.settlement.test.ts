import { afterEach, describe, expect, it, vi } from "vitest";
import { openTerminalDatabase } from "../storage/database.ts";
import { createTestTerminal } from "../testing/test-terminal.ts";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("a tap's settlement, written after its result is shown", () => {
  it("rides with the next tap's write, and is flushed by itself once the terminal is idle", async () => {
    const t = await createTestTerminal({ role: "pos" });
    const { transport } = await t.card(5_000);
    const statuses = async () => {
      const db = await openTerminalDatabase(t.databaseName);
      const records = await db.getAll("outbox");
      db.close();
      return Object.fromEntries(records.map((record) => [record.event.amount, record.status]));
    };
    expect((await t.engine.tap(transport, { op: "debit", amount: 100 })).kind).toBe("done");
    expect((await t.engine.tap(transport, { op: "debit", amount: 200 })).kind).toBe("done");
    // The second tap's one write carried the first one's settlement; its own waits for the next write.
    expect(await statuses()).toEqual({ 100: "confirmed", 200: "pending_write" });

    // Idle now: the flush is due at once and runs between card operations (the read queues behind it).
    await t.clock.advance(0);
    await t.engine.readCard(transport);
    expect(await statuses()).toEqual({ 100: "confirmed", 200: "confirmed" });
    await t.engine.close();
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
