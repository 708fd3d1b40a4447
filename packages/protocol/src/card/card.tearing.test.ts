import { describe, expect, it } from "vitest";
import { NDEF_OVERHEAD_BYTES } from "../ndef/index.ts";
import {
  createTestScheme,
  readVirtualCard,
  T0,
  type TestScheme,
  type TestTerminal,
  tapVirtualCard,
} from "../testing/index.ts";
import type { CardVerdict } from "../verify/verdict.ts";
import { mulberry32, VirtualNtag } from "../virtual-card/index.ts";
import { cardRecords } from "./read.ts";
import type { CardState } from "./state.ts";

/** Pages at the start of the message that hold only NDEF framing (TLV, record header, type). */
const HEADER_BYTES = NDEF_OVERHEAD_BYTES - 1;

interface Prepared {
  scheme: TestScheme;
  pos: TestTerminal;
  card: VirtualNtag;
  older: CardState;
  old: CardState;
}

/**
 * A card with two valid slots: states `older` (counter n-1) and `old` (counter n). `oldInFirstSlot` decides
 * which slot holds the current state, and so which slot the next write replaces.
 */
async function prepare(oldInFirstSlot = false): Promise<Prepared> {
  const scheme = await createTestScheme();
  const station = await scheme.terminal({ role: "station" });
  const pos = await scheme.terminal({ role: "pos" });
  const card = new VirtualNtag({ model: "NTAG215" });
  await tapVirtualCard(scheme, station, card, { op: "issue" });
  await tapVirtualCard(scheme, station, card, { op: "topup", amount: 5000, authorisationId: "auth-1" });
  let first = await tapVirtualCard(scheme, pos, card, { op: "debit", amount: 120 });
  let second = await tapVirtualCard(scheme, pos, card, { op: "debit", amount: 80 });
  if (oldInFirstSlot) {
    first = second;
    second = await tapVirtualCard(scheme, pos, card, { op: "debit", amount: 30 });
  }
  if (!first.result.ok || !second.result.ok) throw new Error("setup failed");
  const verdict = await readVirtualCard(card, scheme.context());
  if (verdict.kind !== "valid" || verdict.activeSlot !== (oldInFirstSlot ? 0 : 1))
    throw new Error("setup put the state in the wrong slot");
  return { scheme, pos, card, older: first.result.state, old: second.result.state };
}

function same(verdict: CardVerdict, state: CardState): boolean {
  return (
    verdict.kind === "valid" && verdict.state.counter === state.counter && verdict.state.chain === state.chain
  );
}

describe("a torn write never leaves a card that reads as an invalid state", () => {
  it.each([false, true])(
    "clean cut after any page: exactly the old or the new state (current state in slot %s)",
    async (oldInFirstSlot) => {
      const base = await prepare(oldInFirstSlot);
      const snapshot = base.card.snapshot();
      const probe = await tapVirtualCard(
        base.scheme,
        base.pos,
        base.card,
        { op: "debit", amount: 50 },
        { now: T0 + 60 },
      );
      if (!probe.result.ok) throw new Error("probe failed");
      const fresh = probe.result.state;
      const pages = base.card.writeSequenceLength(cardRecords(probe.result.payload));
      const outcomes = new Set<string>();
      for (let atPage = 0; atPage < pages; atPage++) {
        base.card.restore(snapshot);
        const tap = await tapVirtualCard(
          base.scheme,
          base.pos,
          base.card,
          { op: "debit", amount: 50 },
          {
            now: T0 + 60,
            write: { tear: { atPage, model: "cut" } },
          },
        );
        expect(tap.torn, `tear at page ${atPage}`).toBeTruthy();
        const verdict = await readVirtualCard(base.card, base.scheme.context());
        const isOld = same(verdict, base.old);
        const isNew =
          verdict.kind === "valid" &&
          verdict.state.counter === fresh.counter &&
          verdict.state.balance === fresh.balance;
        expect(isOld || isNew, `tear at page ${atPage}: ${verdict.kind}`).toBe(true);
        outcomes.add(isOld ? "old" : "new");
      }
      // The new state survives a tear only when its slot comes first and was complete before the cut.
      expect(outcomes).toEqual(new Set(oldInFirstSlot ? ["old"] : ["old", "new"]));
    },
  );

  it.each([false, true])(
    "garbled page anywhere: old, new or recognisably recovered older, never invalid (current in slot 0: %s)",
    async (oldInFirstSlot) => {
      const base = await prepare(oldInFirstSlot);
      const snapshot = base.card.snapshot();
      const probe = await tapVirtualCard(
        base.scheme,
        base.pos,
        base.card,
        { op: "debit", amount: 50 },
        { now: T0 + 60 },
      );
      if (!probe.result.ok) throw new Error("probe failed");
      const pages = base.card.writeSequenceLength(cardRecords(probe.result.payload));
      const seen = new Map<string, number>();
      for (let atPage = 0; atPage < pages; atPage++) {
        for (const seed of [1, 2]) {
          base.card.restore(snapshot);
          const random = mulberry32(seed * 7919 + atPage);
          const tap = await tapVirtualCard(
            base.scheme,
            base.pos,
            base.card,
            { op: "debit", amount: 50 },
            {
              now: T0 + 60,
              write: { tear: { atPage, model: "garble", random } },
            },
          );
          if (!tap.result.ok) throw new Error("tap refused");
          const fresh = tap.result.state;
          const verdict = await readVirtualCard(base.card, base.scheme.context());
          let outcome: string;
          if (same(verdict, fresh)) outcome = "new";
          else if (same(verdict, base.old)) outcome = "old";
          else if (same(verdict, base.older)) {
            // Reading an older state is allowed only when the reader can tell the card was recovered.
            expect(
              verdict.kind === "valid" && verdict.recovered,
              `page ${atPage}: older state not flagged`,
            ).toBe(true);
            outcome = "recovered-older";
          } else if (
            atPage * 4 < HEADER_BYTES &&
            (verdict.kind === "unreadable" || verdict.kind === "not_activated")
          ) {
            // A garbled NDEF header hides the whole record from Web NFC: refused, never accepted; a station restores it.
            outcome = "unreadable-header";
          } else {
            throw new Error(`tear at page ${atPage} left a card reading as ${JSON.stringify(verdict.kind)}`);
          }
          seen.set(outcome, (seen.get(outcome) ?? 0) + 1);
        }
      }
      // Rewriting the current state's own bytes can only lose it when that slot is written first.
      const expected = oldInFirstSlot
        ? ["old", "recovered-older", "unreadable-header"]
        : ["new", "old", "unreadable-header"];
      expect([...seen.keys()].sort()).toEqual(expected.sort());
    },
  );

  it("a recovered card can be written again: the next state skips a counter and says so", async () => {
    const base = await prepare(true);
    const probe = await tapVirtualCard(base.scheme, base.pos, base.card.cloneTo(base.card.uid), {
      op: "debit",
      amount: 50,
    });
    if (!probe.result.ok) throw new Error("probe failed");
    // Tear so that the slot holding the current state is garbled while being rewritten with its own bytes.
    const snapshot = base.card.snapshot();
    let recoveredAt: number | undefined;
    const pages = base.card.writeSequenceLength(cardRecords(probe.result.payload));
    for (let atPage = 5; atPage < pages && recoveredAt === undefined; atPage++) {
      base.card.restore(snapshot);
      await tapVirtualCard(
        base.scheme,
        base.pos,
        base.card,
        { op: "debit", amount: 50 },
        { write: { tear: { atPage, model: "garble" } } },
      );
      const verdict = await readVirtualCard(base.card, base.scheme.context());
      if (verdict.kind === "valid" && same(verdict, base.older)) recoveredAt = atPage;
    }
    expect(recoveredAt).toBeDefined();
    const next = await tapVirtualCard(
      base.scheme,
      base.pos,
      base.card,
      { op: "debit", amount: 10 },
      { now: T0 + 120 },
    );
    if (!next.result.ok) throw new Error(next.result.refusal.code);
    expect(next.result.state.counter).toBe(base.older.counter + 2);
    expect(next.result.state.flags.recovered).toBe(true);
    expect(next.result.event.recovered).toBe(true);
    const after = await readVirtualCard(base.card, base.scheme.context());
    expect(after.kind).toBe("valid");
    expect(after.kind === "valid" && after.state.balance).toBe(base.older.balance - 10);
  });

  it("a torn issue is never accepted half-written: refused, or the complete issued state", async () => {
    const scheme = await createTestScheme();
    const station = await scheme.terminal({ role: "station" });
    const card = new VirtualNtag({ model: "NTAG215" });
    const snapshot = card.snapshot();
    const probe = await tapVirtualCard(scheme, station, card, { op: "issue", cardId: "00000000000000aa" });
    if (!probe.result.ok) throw new Error("probe failed");
    const pages = card.writeSequenceLength(cardRecords(probe.result.payload));
    for (let atPage = 0; atPage < pages; atPage++) {
      for (const model of ["cut", "garble"] as const) {
        card.restore(snapshot);
        await tapVirtualCard(
          scheme,
          station,
          card,
          { op: "issue", cardId: "00000000000000aa" },
          { write: { tear: { atPage, model } } },
        );
        const verdict = await readVirtualCard(card, scheme.context());
        // Refused in any form (blank, unreadable, or a damaged slot), or the complete issued state.
        const ok =
          verdict.kind !== "valid" ||
          (verdict.state.cardId === "00000000000000aa" && verdict.state.counter === 1);
        expect(ok, `${model} tear at page ${atPage}: ${verdict.kind}`).toBe(true);
      }
    }
  });
});
