import { cardRecords, equalBytes } from "@tessera/protocol";
import { CardTornError } from "@tessera/protocol/virtual-card";
import { describe, expect, it } from "vitest";
import { useMemoryLocalStorage } from "../testing/memory-local-storage.ts";
import { isAbortError } from "./card-presenter.ts";
import { DEMO_WALLET_STORAGE_KEY, DemoWallet } from "./demo-wallet.ts";

useMemoryLocalStorage();

const records = cardRecords(Uint8Array.from({ length: 200 }, (_, i) => i));

async function payloadOf(wallet: DemoWallet, id: string): Promise<Uint8Array | undefined> {
  const read = await wallet.transportFor(id).read();
  return read.kind === "ndef" ? read.records[0]?.payload : undefined;
}

describe("demo mode's wallet of virtual cards", () => {
  it("keeps every write, so a reload (a new wallet on the same storage) finds the card as it was left", async () => {
    const wallet = new DemoWallet();
    const card = wallet.addBlankCard();
    await expect(wallet.transportFor(card.id).read()).resolves.toMatchObject({ kind: "empty" });
    await wallet.transportFor(card.id).write(records);

    const reloaded = new DemoWallet();
    expect(reloaded.getSnapshot().cards.map((c) => c.id)).toEqual([card.id]);
    expect(equalBytes((await payloadOf(reloaded, card.id))!, records[0]!.payload)).toBe(true);
    expect(localStorage.getItem(DEMO_WALLET_STORAGE_KEY)).toContain(card.id);
  });

  it("tears exactly the next write when asked, and keeps the half-written card", async () => {
    const wallet = new DemoWallet();
    const card = wallet.addBlankCard();
    wallet.setTearNextWrite(true);
    await expect(wallet.transportFor(card.id).write(records)).rejects.toBeInstanceOf(CardTornError);
    expect(wallet.getSnapshot().tearNextWrite).toBe(false);
    const torn = await new DemoWallet().transportFor(card.id).read();
    expect(torn.kind === "ndef" && equalBytes(torn.records[0]!.payload, records[0]!.payload)).toBe(false);

    await wallet.transportFor(card.id).write(records);
    expect(equalBytes((await payloadOf(wallet, card.id))!, records[0]!.payload)).toBe(true);
  });

  it("clones a card onto a new chip: same memory, another serial number", async () => {
    const wallet = new DemoWallet();
    const card = wallet.addBlankCard();
    await wallet.transportFor(card.id).write(records);
    const copy = wallet.cloneCard(card.id);
    expect(copy.serialNumber).not.toBe(card.serialNumber);
    expect(copy.copyOf).toBe(card.number);
    expect(equalBytes((await payloadOf(wallet, copy.id))!, records[0]!.payload)).toBe(true);
  });

  it("clones onto a chip that fakes the serial: same memory, same serial, a card of its own in the wallet", async () => {
    const wallet = new DemoWallet();
    const card = wallet.addBlankCard();
    await wallet.transportFor(card.id).write(records);
    const copy = wallet.cloneCard(card.id, { sameSerial: true });
    expect(copy).toMatchObject({ serialNumber: card.serialNumber, copyOf: card.number, sameSerial: true });
    expect(copy.id).not.toBe(card.id);
    expect((await wallet.transportFor(copy.id).read()).uid).toEqual(
      (await wallet.transportFor(card.id).read()).uid,
    );
    // The two are separate chips: writing one leaves the other as it was, across a reload too.
    await wallet.transportFor(copy.id).write(cardRecords(new Uint8Array([1, 2, 3])));
    const reloaded = new DemoWallet();
    expect(equalBytes((await payloadOf(reloaded, card.id))!, records[0]!.payload)).toBe(true);
    expect(equalBytes((await payloadOf(reloaded, copy.id))!, new Uint8Array([1, 2, 3]))).toBe(true);
  });

  it("hands a card to whoever waits for one, and to nobody otherwise", async () => {
    const wallet = new DemoWallet();
    const card = wallet.addBlankCard();
    expect(wallet.present(card.id)).toBe(false);

    const waiting = wallet.nextCard(new AbortController().signal);
    expect(wallet.getSnapshot().waiting).toBe(true);
    expect(wallet.present(card.id)).toBe(true);
    await expect((await waiting).read()).resolves.toMatchObject({ kind: "empty" });
    expect(wallet.getSnapshot().waiting).toBe(false);

    const controller = new AbortController();
    const cancelled = wallet.nextCard(controller.signal);
    controller.abort();
    await expect(cancelled.catch((error: unknown) => isAbortError(error))).resolves.toBe(true);
    expect(wallet.getSnapshot().waiting).toBe(false);
  });
});
