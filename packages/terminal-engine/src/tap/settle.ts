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
import { flushSettlements, nowSeconds, publishOutbox, publishShift, type Runtime } from "../runtime.ts";
import { countConfirmed, countVoided } from "../shift/shift-tally.ts";
import { inTransaction } from "../storage/database.ts";
import type { OutboxRecord, PendingWrite } from "../storage/records.ts";
import type { Settlement } from "./results.ts";

/**
 * The field a voided event carries (the protocol keeps and signs unknown fields): when this terminal read
 * the card and what it found there instead of the event's state. Its outcome stays "uncertain", so a
 * service that does not know the field still treats it as an unconfirmed write.
 */
export const VOIDED_FIELD = "voided";

export type VoidEvidence = NonNullable<TerminalEvent["voided"]>;

function settle(
  record: OutboxRecord,
  pending: PendingWrite,
  image: CardImage,
  verdict: CardVerdict,
): Settlement["outcome"] | null {
  const card = pending.confirmedEvent.card;
  const ours = fromBase64Url(card.slot);
  const slots = image.payload ? splitPayload(image.payload) : undefined;
  if (slots?.some((slot) => equalBytes(slot, ours))) return "confirmed";
  const state = verdictState(verdict);
  if (!state || state.cardId !== record.cardId) return null;
  return state.counter <= card.counterAfter ? "void" : "undetermined";
}

/** The record settled: its new status and event, and no unsettled write any more. */
function settled(record: OutboxRecord, update: Pick<OutboxRecord, "status" | "event">): OutboxRecord {
  const { pending: _settled, ...rest } = record;
  return { ...rest, ...update, heldUntil: 0 };
}

export async function settleEarlierTaps(
  rt: Runtime,
  image: CardImage,
  verdict: CardVerdict,
  deviceKey: CryptoKey,
): Promise<Settlement[]> {
  const uid = toHex(image.uid);
  if (!rt.outbox.mayHaveUnsettled(uid)) return [];
  // Settlements of taps already shown go first, so the lookup finds only what is really unsettled.
  await flushSettlements(rt);
  const held = await rt.db.getAllFromIndex("outbox", "pendingUid", uid);
  if (held.length === 0) rt.outbox.noneFor(uid);
  const results: Settlement[] = [];
  for (const record of held.sort((a, b) => a.seq - b.seq)) {
    const pending = record.pending!;
    const outcome = settle(record, pending, image, verdict);
    if (!outcome) continue;
    let next: OutboxRecord;
    if (outcome === "confirmed") {
      next = settled(record, { status: "confirmed", event: pending.confirmedEvent });
    } else if (outcome === "void") {
      const state = verdictState(verdict)!;
      const evidence: VoidEvidence = { at: nowSeconds(rt), counter: state.counter, chain: state.chain };
      // Signed before the transaction: awaiting crypto inside one would let IndexedDB commit early.
      const voided: TerminalEvent = await signEvent(
        { ...record.event, outcome: "uncertain", [VOIDED_FIELD]: evidence },
        deviceKey,
      );
      next = settled(record, { status: "void", event: voided });
    } else {
      next = settled(record, { status: "uncertain", event: record.event });
    }
    const applied = await inTransaction(rt.db, ["outbox"], "readwrite", async (tx) => {
      const outbox = tx.objectStore("outbox");
      const current = await outbox.get(record.id);
      // Unchanged since it was read above (no upload or other read took it meanwhile): apply.
      if (!current?.pending || current.status !== record.status || current.event.sig !== record.event.sig)
        return false;
      await outbox.put(next);
      return true;
    });
    if (!applied) continue;
    rt.outbox.tapsSettled(uid);
    // The tally moves with the event, when the tap was counted in the shift still open.
    if (record.shiftId === rt.shift.id) {
      if (outcome === "confirmed") rt.shift = countConfirmed(rt.shift, pending.confirmedEvent);
      else if (outcome === "void") rt.shift = countVoided(rt.shift);
    }
    results.push({ eventId: record.id, outcome });
  }
  if (results.length > 0) {
    publishOutbox(rt);
    publishShift(rt);
  }
  return results;
}
