import { cardImageFromRead, verifyCard } from "@tessera/protocol";
import type { VirtualCardTransport } from "@tessera/protocol/virtual-card";
import { describe, expect, it } from "vitest";
import type { TerminalEngine } from "../engine.ts";
import { TAP_STEPS, type TapStep } from "../runtime.ts";
import { createTestTerminal, type TestTerminal } from "../testing/test-terminal.ts";
import { VOIDED_FIELD } from "./settle.ts";

class SimulatedCrash extends Error {}

/** Steps after which the card holds the new state. */
const CARD_WRITTEN: readonly TapStep[] = ["card-written", "read-back", "settled"];

async function cardBalance(t: TestTerminal, transport: VirtualCardTransport): Promise<number | undefined> {
  const verdict = await verifyCard(cardImageFromRead(await transport.read()), {
    keys: t.backend.keys,
    policy: { readableLayouts: [1], acceptedKeyVersions: [1] },
  });
  return verdict.kind === "valid" ? verdict.state.balance : undefined;
}

/** What the cardholder does after the terminal came back: look at the balance, or just buy the next thing. */
const NEXT_VISIT = {
  "a balance read, then a purchase": async (engine: TerminalEngine, transport: VirtualCardTransport) => {
    expect((await engine.readCard(transport)).kind).toBe("read");
    return engine.tap(transport, { op: "debit", amount: 100 });
  },
  "the next purchase straight away": (engine: TerminalEngine, transport: VirtualCardTransport) =>
    engine.tap(transport, { op: "debit", amount: 100 }),
};

describe.each(Object.entries(NEXT_VISIT))("a crash between the steps of a tap, then %s", (_, nextVisit) => {
  it.each(TAP_STEPS)(
    "after %s: nothing is lost or doubled, and the ledger matches the card",
    async (step) => {
      const t = await createTestTerminal({ role: "pos" });
      const { transport, cardId } = await t.card(5_000);
      const terminalId = t.engine.getSnapshot().terminal!.terminalId;
      await t.engine.close();

      const crashing = await t.reopen({
        onTapStep: (reached) => {
          if (reached === step) throw new SimulatedCrash(`power lost after ${step}`);
        },
      });
      await expect(crashing.tap(transport, { op: "debit", amount: 250 })).rejects.toBeInstanceOf(
        SimulatedCrash,
      );
      // The process is gone: nothing of it runs any more. Closing only releases the database handle.
      await crashing.close();

      const restarted = await t.reopen();
      const next = await nextVisit(restarted, transport);
      expect(next.kind).toBe("done");
      await restarted.uploadOutbox();

      const touched = CARD_WRITTEN.includes(step);
      const expected = 5_000 - (touched ? 250 : 0) - 100;
      expect(await cardBalance(t, transport)).toBe(expected);
      expect(t.backend.ledgerBalance(cardId)).toBe(expected);
      expect(
        t.backend
          .booked(cardId)
          .filter((event) => event.terminalId === terminalId)
          .map((event) => event.amount),
      ).toEqual(touched ? [250, 100] : [100]);

      // Every event the terminal signed reached the server once, in a gapless sequence; none is left behind.
      expect(restarted.getSnapshot().outbox.depth).toBe(0);
      const received = [...t.backend.events.values()].filter(
        (stored) => stored.event.terminalId === terminalId,
      );
      expect(received.map((stored) => stored.event.seq).sort((a, b) => a - b)).toEqual(
        received.map((_, i) => i + 1),
      );
      expect(received.every((stored) => stored.flags.length === 0)).toBe(true);
      // A tap made durable but never written is kept as evidence, marked void; it moved no value.
      const voided = received.filter((stored) => VOIDED_FIELD in stored.event);
      expect(voided.map((stored) => stored.event.amount)).toEqual(step === "pending-durable" ? [250] : []);
      expect(voided.every((stored) => !stored.booked)).toBe(true);
      await restarted.close();
    },
  );
});
