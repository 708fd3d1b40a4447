/**
 * A compromised terminal's writes: states it signs with its own device key and certificate but that the
 * protocol's honest `applyOperation` would never produce (a balance out of thin air, a counter jump).
 * Readers accept them offline (ADR 0001: "deferred trust"); reconciliation must catch them.
 */
import {
  cardImageFromRead,
  cardRecords,
  composePayload,
  fromHex,
  historyEntriesForSlot,
  type Operation,
  openSlot,
  sealSlot,
  signEvent,
  type TerminalEvent,
  toBase64Url,
  toHex,
  verifyCard,
} from "@tessera/protocol";
import type { TestScheme } from "@tessera/protocol/testing";
import type { VirtualNtag } from "@tessera/protocol/virtual-card";
import { nowSeconds, type TerminalSetup } from "./scheme.ts";

export interface ForgedWrite {
  op: Operation;
  amount: number;
  /** The balance to write (default: what the operation honestly leaves). */
  balance?: number;
  /** Counter step (default 1). */
  counterStep?: number;
  now?: number;
}

export async function forgeWrite(
  scheme: TestScheme,
  setup: TerminalSetup,
  card: VirtualNtag,
  write: ForgedWrite,
): Promise<TerminalEvent> {
  const read = card.read();
  const image = cardImageFromRead(read);
  const verdict = await verifyCard(image, scheme.context());
  if (verdict.kind !== "valid") throw new Error(`cannot forge over a ${verdict.kind} card`);
  const current = verdict.state;
  const now = write.now ?? nowSeconds();
  const historyEntries = historyEntriesForSlot(current.bytes.length)!;
  const honest =
    write.op === "topup" || write.op === "refund"
      ? current.balance + write.amount
      : current.balance - write.amount;
  const { credentials, grant } = setup.terminal;
  const slot = await sealSlot({
    fields: {
      flags: { recovered: false, restored: false, issued: false },
      status: "active",
      cardId: current.cardId,
      counter: current.counter + (write.counterStep ?? 1),
      balance: write.balance ?? honest,
      session: current.session,
      writtenAt: now,
      grantSeq: grant.grantSeq & 0xffff,
      history: [
        { op: write.op, amount: write.amount, at: now },
        ...current.history.map((h) => ({ op: h.op, amount: h.amount, at: h.at })),
      ].slice(0, historyEntries),
    },
    previousChain: fromHex(current.chain),
    historyEntries,
    certificate: credentials.certificate,
    uid: read.uid,
    deviceKey: credentials.deviceKey,
  });
  card.write(cardRecords(composePayload(slot, verdict.activeSlot === 0 ? 1 : 0, image.payload)));
  const state = openSlot(slot);
  setup.terminal.seq += 1;
  return signEvent(
    {
      id: crypto.randomUUID(),
      terminalId: credentials.terminalId,
      terminalNumber: credentials.terminalNumber,
      grantId: grant.grantId,
      seq: setup.terminal.seq,
      at: now,
      op: write.op,
      amount: write.amount,
      card: {
        id: current.cardId,
        uid: toHex(read.uid),
        counterBefore: current.counter,
        counterAfter: state.counter,
        balanceBefore: current.balance,
        balanceAfter: state.balance,
        chainBefore: current.chain,
        chainAfter: state.chain,
        slot: toBase64Url(slot),
      },
      outcome: "confirmed",
      recovered: false,
    },
    credentials.deviceKey,
  );
}
