import { describe, expect, it } from "vitest";
import { tesseraRecord } from "../ndef/index.ts";
import type { CardTransport } from "./transport.ts";
import { VirtualCardTransport } from "./virtual-card-transport.ts";
import { CardTornError, VirtualNtag } from "./virtual-ntag.ts";

const payloadOf = (length: number, seed: number) =>
  Uint8Array.from({ length }, (_, i) => (i * 11 + seed) & 0xff);

describe("VirtualCardTransport", () => {
  it("reads and writes the card through the CardTransport promises", async () => {
    const card = new VirtualNtag({ model: "NTAG215" });
    const transport: CardTransport = new VirtualCardTransport(card);
    expect(await transport.read()).toMatchObject({ kind: "empty", serialNumber: card.serialNumber });
    await transport.write([tesseraRecord(payloadOf(300, 1))]);
    expect(await transport.read()).toMatchObject({
      kind: "ndef",
      records: [tesseraRecord(payloadOf(300, 1))],
    });
  });

  it("tears only the next write, rejecting it as a phone would", async () => {
    const transport = new VirtualCardTransport(new VirtualNtag({ model: "NTAG215" }));
    await transport.write([tesseraRecord(payloadOf(300, 1))]);
    transport.nextTear = { atPage: 0, model: "garble" };
    await expect(transport.write([tesseraRecord(payloadOf(300, 2))])).rejects.toBeInstanceOf(CardTornError);
    expect(transport.nextTear).toBeNull();
    expect((await transport.read()).kind).toBe("unreadable");

    await transport.write([tesseraRecord(payloadOf(300, 2))]);
    expect(await transport.read()).toMatchObject({
      kind: "ndef",
      records: [tesseraRecord(payloadOf(300, 2))],
    });
  });

  it("uses the phone's write order it was given", async () => {
    const transport = new VirtualCardTransport(new VirtualNtag({ model: "NTAG215" }), {
      writeOrder: "length-last",
    });
    await transport.write([tesseraRecord(payloadOf(300, 1))]);
    transport.nextTear = { atPage: 3, model: "cut" };
    await expect(transport.write([tesseraRecord(payloadOf(300, 2))])).rejects.toMatchObject({
      pagesWritten: 3,
    });
    expect((await transport.read()).kind).toBe("empty");
  });

  it("reads whichever card is presented", async () => {
    const first = new VirtualNtag({ model: "NTAG215" });
    const second = new VirtualNtag({ model: "NTAG216" });
    const transport = new VirtualCardTransport(first);
    transport.card = second;
    expect((await transport.read()).serialNumber).toBe(second.serialNumber);
  });
});
