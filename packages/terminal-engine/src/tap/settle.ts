/**
 * Settles earlier taps whose write was never confirmed, from what a new read of the same chip shows:
 * - our slot image is on the card (in either slot): the write landed → the event is confirmed;
 * - the card is at a lower counter, or at the same counter as a different state: it never landed → void
 *   (re-signed with `voided`, kept and uploaded as evidence, so reconciliation can place the next state
 *   written under that counter);
 * - the card has moved further on and our slot is gone: this terminal cannot tell → released to upload as
 *   uncertain, for reconciliation to settle from the states that follow;
 * - the chip shows no trustworthy state (blank, torn, tampered, another card id): wait for a later read.
 */
import {
  type CardImage,
  type CardVerdict,
  equalBytes,
  fromBase64Url,
  signEvent,
  splitPayload,
  type TerminalEvent,
  toHex,
  verdictState,
} from "@tessera/protocol";
import { nowSeconds, type Runtime } from "../runtime.ts";
import { inTransaction } from "../storage/database.ts";
import type { OutboxRecord, UncertainTapRecord } from "../storage/records.ts";
import type { Settlement } from "./results.ts";

/**
 * The field a voided event carries (the protocol keeps and signs unknown fields): when this terminal read
 * the card and what it found there instead of the event's state. Its outcome stays "uncertain", so a
 * service that does not know the field still treats it as an unconfirmed write.
 */
export const VOIDED_FIELD = "voided";

export type VoidEvidence = NonNullable<TerminalEvent["voided"]>;

function settle(
  tap: UncertainTapRecord,
  image: CardImage,
  verdict: CardVerdict,
): Settlement["outcome"] | null {
  const ours = fromBase64Url(tap.slot);
  const slots = image.payload ? splitPayload(image.payload) : undefined;
  if (slots?.some((slot) => equalBytes(slot, ours))) return "confirmed";
  const state = verdictState(verdict);
  if (!state || state.cardId !== tap.cardId) return null;
  return state.counter <= tap.counterAfter ? "void" : "undetermined";
}

export async function settleEarlierTaps(
  rt: Runtime,
  image: CardImage,
  verdict: CardVerdict,
  deviceKey: CryptoKey,
): Promise<Settlement[]> {
  const taps = await rt.db.getAllFromIndex("uncertainTaps", "uid", toHex(image.uid));
  const settled: Settlement[] = [];
  for (const tap of taps.sort((a, b) => a.confirmedEvent.seq - b.confirmedEvent.seq)) {
    const outcome = settle(tap, image, verdict);
    if (!outcome) continue;
    const held = await rt.db.get("outbox", tap.eventId);
    let update: Pick<OutboxRecord, "status" | "event" | "heldUntil"> | undefined;
    if (held && (held.status === "pending_write" || held.status === "uncertain")) {
      if (outcome === "confirmed") {
        update = { status: "confirmed", event: tap.confirmedEvent, heldUntil: 0 };
      } else if (outcome === "void") {
        const state = verdictState(verdict)!;
        const evidence: VoidEvidence = { at: nowSeconds(rt), counter: state.counter, chain: state.chain };
        // Signed before the transaction: awaiting crypto inside one would let IndexedDB commit early.
        const voided: TerminalEvent = await signEvent(
          { ...held.event, outcome: "uncertain", [VOIDED_FIELD]: evidence },
          deviceKey,
        );
        update = { status: "void", event: voided, heldUntil: 0 };
      } else {
        update = { status: "uncertain", event: held.event, heldUntil: 0 };
      }
    }
    await inTransaction(rt.db, ["outbox", "uncertainTaps"], "readwrite", async (tx) => {
      const outbox = tx.objectStore("outbox");
      const current = await outbox.get(tap.eventId);
      // Unchanged since it was read above (no upload or other read took it meanwhile): apply.
      if (
        update &&
        current &&
        held &&
        current.status === held.status &&
        current.event.sig === held.event.sig
      ) {
        await outbox.put({ ...current, ...update });
      }
      await tx.objectStore("uncertainTaps").delete(tap.eventId);
    });
    settled.push({ eventId: tap.eventId, outcome });
  }
  return settled;
}
