import { cardImageFromRead, type NdefRecord, verifyCard } from "@tessera/protocol";
import {
  type CardReadResult,
  type CardTransport,
  VirtualCardTransport,
} from "@tessera/protocol/virtual-card";
import { describe, expect, it } from "vitest";
import { createTestTerminal, type TestTerminal } from "../testing/test-terminal.ts";
import { VOIDED_FIELD } from "./settle.ts";

const HOLD_SECONDS = 15 * 60;

async function cardState(t: TestTerminal, transport: CardTransport) {
  const verdict = await verifyCard(cardImageFromRead(await transport.read()), {
    keys: t.backend.keys,
    policy: { readableLayouts: [1], acceptedKeyVersions: [1] },
  });
  return verdict.kind === "valid" ? verdict.state : undefined;
}

/** A reader whose next read after a write fails, as when the card leaves the field right after the write. */
class LeavesAfterWrite implements CardTransport {
  readonly #inner: CardTransport;
  #gone = false;
  constructor(inner: CardTransport) {
    this.#inner = inner;
  }
  async read(): Promise<CardReadResult> {
    if (this.#gone) {
      this.#gone = false;
      throw new Error("no card in the field");
    }
    return this.#inner.read();
  }
  async write(records: NdefRecord[]): Promise<void> {
    await this.#inner.write(records);
    this.#gone = true;
  }
}

function received(t: TestTerminal) {
  return [...t.backend.events.values()].filter((stored) => stored.event.terminalId !== "trm_backend_station");
}

describe("a tap whose write cannot be confirmed", () => {
  it("is uncertain when the card is pulled before the write, and void at the card's next read", async () => {
    const t = await createTestTerminal({ role: "pos" });
    const { transport, cardId } = await t.card(5_000);
    transport.nextTear = { atPage: 0, model: "cut" };

    const torn = await t.engine.tap(transport, { op: "debit", amount: 250 });
    expect(torn.kind).toBe("uncertain");
    expect(t.engine.getSnapshot().outbox).toMatchObject({ depth: 1, unresolved: 1 });
    // Held back: the guess must not reach the server before the card had a chance to come back.
    expect((await t.engine.uploadOutbox()).settled).toBe(0);

    const retry = await t.engine.tap(transport, { op: "debit", amount: 250 });
    expect(retry.kind).toBe("done");
    await t.engine.uploadOutbox();

    expect((await cardState(t, transport))?.balance).toBe(4_750);
    expect(t.backend.ledgerBalance(cardId)).toBe(4_750);
    const events = received(t);
    expect(events).toHaveLength(2);
    const [voided, booked] = events;
    expect(voided?.event[VOIDED_FIELD]).toMatchObject({ counter: 2 });
    expect(voided?.event.outcome).toBe("uncertain");
    expect(voided?.booked).toBe(false);
    expect(booked?.event.outcome).toBe("confirmed");
    // The void and the retry name the same counter: the void is what lets reconciliation tell them apart.
    expect(voided?.event.card.counterAfter).toBe(booked?.event.card.counterAfter);
    expect(events.every((stored) => stored.flags.length === 0)).toBe(true);
    await t.engine.close();
  });

  it("is confirmed at the next read when the write landed but the read-back failed", async () => {
    const t = await createTestTerminal({ role: "pos" });
    const { card, cardId } = await t.card(5_000);
    const transport = new VirtualCardTransport(card);

    const first = await t.engine.tap(new LeavesAfterWrite(transport), { op: "debit", amount: 250 });
    expect(first.kind).toBe("uncertain");

    const read = await t.engine.readCard(transport);
    expect(read.kind === "read" && read.settled).toEqual([
      { eventId: first.kind === "uncertain" ? first.event.id : "", outcome: "confirmed" },
    ]);
    await t.engine.uploadOutbox();
    expect(t.backend.booked(cardId).at(-1)?.outcome).toBe("confirmed");
    expect(t.backend.ledgerBalance(cardId)).toBe(4_750);
    expect(t.engine.getSnapshot().outbox.depth).toBe(0);
    await t.engine.close();
  });

  it("is void when a garbled page left the card at its old state, and the next write skips a counter", async () => {
    const t = await createTestTerminal({ role: "pos" });
    const { transport, cardId } = await t.card(5_000);
    // The top-up sits in slot 1, so this write replaces slot 0 (pages 8..67): a page garbled there
    // destroys only the new state, and the card reads as the old one, recovered.
    transport.nextTear = { atPage: 30, model: "garble" };
    expect((await t.engine.tap(transport, { op: "debit", amount: 250 })).kind).toBe("uncertain");

    const next = await t.engine.tap(transport, { op: "debit", amount: 100 });
    expect(next.kind).toBe("done");
    expect(next.kind === "done" && next.event.recovered).toBe(true);
    await t.engine.uploadOutbox();
    expect((await cardState(t, transport))?.balance).toBe(4_900);
    expect(t.backend.ledgerBalance(cardId)).toBe(4_900);
    expect(received(t).map((stored) => [stored.event.amount, VOIDED_FIELD in stored.event])).toEqual([
      [250, true],
      [100, false],
    ]);
    await t.engine.close();
  });

  it("is confirmed when a garbled page hit the copied slot but the new state is whole", async () => {
    const t = await createTestTerminal({ role: "pos" });
    const { transport, cardId } = await t.card(5_000);
    // Page 74 is in slot 1, the copy of the current state: the new state in slot 0 is complete.
    transport.nextTear = { atPage: 70, model: "garble" };
    const tap = await t.engine.tap(transport, { op: "debit", amount: 250 });
    expect(tap.kind).toBe("done");
    await t.engine.uploadOutbox();
    expect(t.backend.ledgerBalance(cardId)).toBe(4_750);
    await t.engine.close();
  });

  it("uploads as uncertain once the hold is over when the card never comes back", async () => {
    const t = await createTestTerminal({ role: "pos" });
    const { transport } = await t.card(5_000);
    const tap = await t.engine.tap(new LeavesAfterWrite(transport), { op: "debit", amount: 250 });
    expect(tap.kind).toBe("uncertain");

    await t.clock.advance((HOLD_SECONDS - 1) * 1000);
    expect((await t.engine.uploadOutbox()).settled).toBe(0);
    await t.clock.advance(2 * 1000);
    expect((await t.engine.uploadOutbox()).settled).toBe(1);
    const [stored] = received(t);
    expect(stored?.event.outcome).toBe("uncertain");
    expect(VOIDED_FIELD in (stored?.event ?? {})).toBe(false);
    await t.engine.close();
  });

  it("after a crash between durable event and card write, still uploads once the hold is over", async () => {
    const t = await createTestTerminal({ role: "pos" });
    const { transport } = await t.card(5_000);
    await t.engine.close();
    const crashing = await t.reopen({
      onTapStep: (step) => {
        if (step === "pending-durable") throw new Error("power lost");
      },
    });
    await expect(crashing.tap(transport, { op: "debit", amount: 250 })).rejects.toThrow("power lost");
    await crashing.close();

    // The card never comes back to this terminal.
    const restarted = await t.reopen();
    expect(restarted.getSnapshot().outbox).toMatchObject({ depth: 1, unresolved: 1 });
    await t.clock.advance((HOLD_SECONDS + 1) * 1000);
    expect((await restarted.uploadOutbox()).settled).toBe(1);
    expect(received(t).map((stored) => stored.event.outcome)).toEqual(["uncertain"]);
    await restarted.close();
  });

  it("is not confirmed by a read-back of another card", async () => {
    const t = await createTestTerminal({ role: "pos" });
    const first = await t.card(5_000);
    const second = await t.card(1_000);
    let swapped = false;
    const swapping: CardTransport = {
      read: async () => (swapped ? second.transport.read() : first.transport.read()),
      write: async (records) => {
        await first.transport.write(records);
        swapped = true;
      },
    };
    expect((await t.engine.tap(swapping, { op: "debit", amount: 250 })).kind).toBe("uncertain");
    await t.engine.close();
  });
});

describe("a chip whose write was torn so that it reads empty", () => {
  it("is never issued over as blank stock by the terminal that knows it", async () => {
    const t = await createTestTerminal({ role: "station" });
    const { card } = await t.card(5_000);
    // Android writes the NDEF length last: a tear before that leaves a chip that reads as empty.
    const transport = new VirtualCardTransport(card, { writeOrder: "length-last" });
    transport.nextTear = { atPage: 3, model: "cut" };
    expect((await t.engine.tap(transport, { op: "debit", amount: 250 })).kind).toBe("uncertain");
    expect((await transport.read()).kind).toBe("empty");

    const issue = await t.engine.tap(transport, { op: "issue" });
    expect(issue).toMatchObject({ kind: "refused", code: "torn_card" });
    await t.engine.close();
  });
});
