// The simulation's book against real chips: states written with the protocol's own operations onto virtual
// NTAG215s, torn at chosen pages, then read with the backend's keys only, as the simulation reads them.
import { cardImageFromRead, cardRecords, type OperationRequest } from "@tessera/protocol";
import {
  createTestScheme,
  readVirtualCard,
  type TestScheme,
  type TestTerminal,
  tapVirtualCard,
} from "@tessera/protocol/testing";
import { type Tear, VirtualNtag } from "@tessera/protocol/virtual-card";
import { describe, expect, it } from "vitest";
import { bookedWrite, CardBook, chipStateOf, valueMoved } from "./card-book.ts";
import { writeParts } from "./tear-plan.ts";

interface Card {
  scheme: TestScheme;
  pos: TestTerminal;
  chip: VirtualNtag;
  book: CardBook;
}

/** Writes `request` onto the chip and books it as the simulation does: applied if whole, else by a re-read. */
async function write(card: Card, request: OperationRequest, tear?: Tear) {
  const tap = await tapVirtualCard(card.scheme, card.pos, card.chip, request, {
    write: tear ? { tear } : undefined,
  });
  if (!tap.result.ok) throw new Error(`refused: ${tap.result.refusal.code}`);
  const booked = bookedWrite(tap.result.event, valueMoved(request, 0, card.book));
  const onChip = chipStateOf(await readVirtualCard(card.chip, card.scheme.context()));
  if (!tap.torn) {
    card.book.applied(booked, onChip!);
    return { booked, outcome: "confirmed" as const };
  }
  return { booked, outcome: card.book.unconfirmed(booked, onChip) };
}

/** An issued card topped up with 5000 and debited twice (120, then 80), so both slots hold a state. */
async function issuedCard(): Promise<Card> {
  const scheme = await createTestScheme();
  const station = await scheme.terminal({ role: "station" });
  const chip = new VirtualNtag({ model: "NTAG215" });
  const card: Card = { scheme, pos: station, chip, book: new CardBook() };
  await write(card, { op: "issue" });
  await write(card, { op: "topup", amount: 5000, authorisationId: "auth-1" });
  card.pos = await scheme.terminal({ role: "pos" });
  await write(card, { op: "debit", amount: 120 });
  await write(card, { op: "debit", amount: 80 });
  return card;
}

async function activeSlot(card: Card): Promise<0 | 1> {
  const verdict = await readVirtualCard(card.chip, card.scheme.context());
  if (verdict.kind !== "valid") throw new Error(`card reads ${verdict.kind}`);
  return verdict.activeSlot;
}

/** The parts of a write of this card, checked against the chip's own plan of the write. */
function parts(card: Card) {
  const payload = cardImageFromRead(card.chip.read()).payload!;
  const [framing, first, second] = writeParts(payload.length);
  expect(second.to).toBe(card.chip.writeSequenceLength(cardRecords(payload)));
  return { framing, first, second };
}

describe("the simulation's book of a card", () => {
  it("books confirmed writes by the value the requests name", async () => {
    const card = await issuedCard();
    expect(card.book).toMatchObject({ expected: 4800, topups: 5000, debits: 200, recovered: 0 });
    expect(card.book.last?.op).toBe("debit");
  });

  it("books a write torn after its slot was complete as landed, and one torn before as lost", async () => {
    const card = await issuedCard();
    const { first, second } = parts(card);
    // The current state is in the second slot, so the next write replaces the first one, then rewrites the second.
    expect(await activeSlot(card)).toBe(1);
    const landed = await write(card, { op: "debit", amount: 50 }, { atPage: second.from + 3, model: "cut" });
    expect(landed.outcome).toBe("landed");
    expect(card.book.expected).toBe(4750);
    // Now the current state is in the first slot and the next write goes into the second.
    const lost = await write(card, { op: "debit", amount: 70 }, { atPage: second.from + 3, model: "cut" });
    expect(lost.outcome).toBe("lost");
    expect(card.book.expected).toBe(4750);
    expect(first.from).toBeLessThan(first.to);
  });

  it("gives back the previous write's value when a garbled page rolls the card back one state", async () => {
    const card = await issuedCard();
    const { first } = parts(card);
    // Put the current state in the first slot: the next write rewrites it unchanged before its own slot.
    await write(card, { op: "debit", amount: 30 });
    expect(await activeSlot(card)).toBe(0);
    const torn = await write(card, { op: "debit", amount: 10 }, { atPage: first.from + 10, model: "garble" });
    expect(torn.outcome).toBe("rolled_back");
    // 5000 − 120 − 80 − 30 on the book, and the 30 given back: the chip holds the state before that debit.
    expect(card.book).toMatchObject({ expected: 4800, topups: 5000, debits: 230, recovered: 30 });
    expect(card.book.undone.map((w) => [w.op, w.delta])).toEqual([["debit", -30]]);
    expect(card.book.rolledBack).toBe(true);
    // The next write over the recovered card lands and ends the rollback; the undone write stays on record.
    await write(card, { op: "debit", amount: 5 });
    expect(card.book.rolledBack).toBe(false);
    expect(card.book.expected).toBe(4795);
    expect(card.book.undone).toHaveLength(1);
  });

  it("waits for a station when a garbled framing page leaves nothing that verifies, then settles by the ledger", async () => {
    for (const [restoredFrom, settlement, expected] of [
      ["after", "applied", 4700],
      ["before", "void", 4800],
      ["elsewhere", "neither", 4800],
    ] as const) {
      const card = await issuedCard();
      const { framing } = parts(card);
      const torn = await write(
        card,
        { op: "debit", amount: 100 },
        { atPage: framing.from + 1, model: "garble" },
      );
      expect(torn.outcome).toBe("unreadable");
      expect(card.book.awaitingRestore?.eventId).toBe(torn.booked.eventId);
      const chain =
        restoredFrom === "after"
          ? torn.booked.chainAfter
          : restoredFrom === "before"
            ? torn.booked.chainBefore!
            : "0".repeat(32);
      expect(card.book.restoredFrom(chain)).toBe(settlement);
      expect(card.book.awaitingRestore).toBeNull();
      expect(card.book.expected).toBe(expected);
      // Only a restore from before the torn write leaves it out, for reconciliation to flag.
      expect(card.book.leftOutByRestores.map((w) => w.eventId)).toEqual(
        settlement === "void" ? [torn.booked.eventId] : [],
      );
    }
  });

  it("calls a chip state it cannot place unexplained rather than guessing", async () => {
    const card = await issuedCard();
    const stranger = await issuedCard();
    const state = chipStateOf(await readVirtualCard(stranger.chip, stranger.scheme.context()))!;
    const write = {
      eventId: "e",
      op: "debit" as const,
      delta: -10,
      chainBefore: "a".repeat(32),
      chainAfter: "b".repeat(32),
    };
    expect(card.book.unconfirmed(write, state)).toBe("unexplained");
    expect(card.book.expected).toBe(4800);
  });
});
