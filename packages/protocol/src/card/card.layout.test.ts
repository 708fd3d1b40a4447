import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exportPublicKeyRaw, generateSigningKeyPair } from "../crypto/ed25519.ts";
import { OPERATIONS } from "../domain/operation.ts";
import { maxTesseraPayload, tesseraTlvLength } from "../ndef/index.ts";
import { CERTIFICATE_BYTES, decodeCertificate, issueCertificate, verifyCertificate } from "./certificate.ts";
import { GENESIS_CHAIN } from "./chain.ts";
import {
  historyEntriesForPayload,
  historyEntriesForSlot,
  MAX_UINT16,
  MAX_UINT24,
  MAX_UINT32,
  slotBytes,
} from "./layout-v1.ts";
import { payloadBytes } from "./payload.ts";
import { openSlot, sealSlot, verifySlotSignature } from "./slot.ts";
import { CARD_STATUSES } from "./state.ts";

/**
 * The NDEF area each chip's capability container declares (byte 2 of page 3, times 8). Android sizes Web NFC
 * writes from it, so these, not the raw user memory (504 / 888 bytes), bound what a phone will write.
 */
const NTAG215_NDEF_AREA = 0x3e * 8;
const NTAG216_NDEF_AREA = 0x6d * 8;
/** A message that fills the area exactly needs no terminator TLV. */
const messageBytes = (payload: number) => tesseraTlvLength(payload) - 1;
const uid = Uint8Array.from([0x04, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66]);

async function fixture(keyVersion = 1, ops = [...OPERATIONS]) {
  const backend = await generateSigningKeyPair();
  const device = await generateSigningKeyPair();
  const certificate = await issueCertificate(
    {
      terminalNumber: 0xffffff,
      operations: ops,
      validFrom: (0xffffff - 0xffff) * 3600,
      validHours: 0xffff,
      keyVersion,
      publicKey: await exportPublicKeyRaw(device.publicKey),
    },
    backend.privateKey,
  );
  return { backend, device, certificate };
}

describe("layout 1 fits the cards it is written to", () => {
  it("fits two slots with a four-entry history in an NTAG215 written through Web NFC", () => {
    expect(NTAG215_NDEF_AREA).toBe(496);
    expect(slotBytes(4)).toBe(238);
    expect(payloadBytes(4)).toBe(476);
    expect(messageBytes(payloadBytes(4))).toBeLessThanOrEqual(NTAG215_NDEF_AREA);
    // Two more history entries (the next even count) would not fit.
    expect(messageBytes(payloadBytes(6))).toBeGreaterThan(NTAG215_NDEF_AREA);
    expect(historyEntriesForPayload(NTAG215_NDEF_AREA - messageBytes(0))).toBe(4);
    // The raw user memory would allow more, but a phone will not write past the declared area.
    expect(maxTesseraPayload(504)).toBe(485);
  });

  it("gives an NTAG216 a longer history in the same layout", () => {
    const entries = historyEntriesForPayload(NTAG216_NDEF_AREA - messageBytes(0));
    expect(entries).toBe(34);
    expect(messageBytes(payloadBytes(entries))).toBeLessThanOrEqual(NTAG216_NDEF_AREA);
  });

  it("starts each slot on a page boundary behind the NDEF header, for every legal size", () => {
    for (let h = 2; h <= 34; h += 2) {
      expect(historyEntriesForSlot(slotBytes(h))).toBe(h);
      expect((messageBytes(payloadBytes(h)) - payloadBytes(h) + slotBytes(h)) % 4, `H=${h}`).toBe(0);
    }
  });

  it("knows every legal slot size and no other", () => {
    for (const h of [1, 3, 5, 35, 36]) expect(historyEntriesForSlot(slotBytes(h))).toBeUndefined();
    expect(historyEntriesForSlot(slotBytes(4) + 1)).toBeUndefined();
    expect(historyEntriesForSlot(0)).toBeUndefined();
  });
});

describe("certificate", () => {
  it("round-trips every field at its limits and verifies with the issuing key only", async () => {
    const { backend, certificate } = await fixture(255);
    expect(certificate.length).toBe(CERTIFICATE_BYTES);
    const cert = decodeCertificate(certificate);
    expect(cert).toMatchObject({
      terminalNumber: 0xffffff,
      keyVersion: 255,
      validHours: 0xffff,
      validUntil: 0xffffff * 3600,
    });
    expect(cert.operations).toEqual([...OPERATIONS]);
    expect(await verifyCertificate(cert, backend.publicKey)).toBe(true);
    const other = await generateSigningKeyPair();
    expect(await verifyCertificate(cert, other.publicKey)).toBe(false);
  });

  it("refuses fields outside their on-card width", async () => {
    const { backend, device } = await fixture();
    const publicKey = await exportPublicKeyRaw(device.publicKey);
    const base = { terminalNumber: 1, operations: [], validFrom: 0, validHours: 1, keyVersion: 1, publicKey };
    await expect(issueCertificate({ ...base, terminalNumber: 2 ** 24 }, backend.privateKey)).rejects.toThrow(
      RangeError,
    );
    await expect(issueCertificate({ ...base, keyVersion: 256 }, backend.privateKey)).rejects.toThrow(
      RangeError,
    );
    await expect(issueCertificate({ ...base, validHours: 0 }, backend.privateKey)).rejects.toThrow(
      RangeError,
    );
    await expect(issueCertificate({ ...base, validFrom: 1800 }, backend.privateKey)).rejects.toThrow(
      RangeError,
    );
  });
});

describe("slot round trip", () => {
  it("keeps every field at its limits", async () => {
    const { device, certificate } = await fixture();
    const writtenAt = MAX_UINT32;
    const slot = await sealSlot({
      fields: {
        flags: { recovered: true, restored: true, issued: true },
        status: "blocked_lost",
        cardId: "ffffffffffffffff",
        counter: MAX_UINT32,
        balance: MAX_UINT32,
        session: { startedAt: writtenAt - 0xfffe * 60, zone: 255 },
        writtenAt,
        grantSeq: MAX_UINT16,
        history: [
          { op: "reissue", amount: MAX_UINT24, at: writtenAt },
          { op: "issue", amount: 0, at: writtenAt - 0xfffe * 60 },
          { op: "debit", amount: 1, at: 0 },
          { op: "topup", amount: 2, at: writtenAt - 60 },
        ],
      },
      previousChain: GENESIS_CHAIN,
      historyEntries: 4,
      certificate,
      uid,
      deviceKey: device.privateKey,
    });
    expect(slot.length).toBe(238);
    const state = openSlot(slot);
    expect(state).toMatchObject({
      layout: 1,
      flags: { recovered: true, restored: true, issued: true },
      status: "blocked_lost",
      cardId: "ffffffffffffffff",
      counter: MAX_UINT32,
      balance: MAX_UINT32,
      session: { startedAt: writtenAt - 0xfffe * 60, zone: 255 },
      writtenAt,
      grantSeq: MAX_UINT16,
    });
    expect(state.history.map((h) => [h.op, h.amount, h.at, h.atSaturated])).toEqual([
      ["reissue", MAX_UINT24, writtenAt, false],
      ["issue", 0, writtenAt - 0xfffe * 60, true],
      ["debit", 1, writtenAt - 0xfffe * 60, true],
      ["topup", 2, writtenAt - 60, false],
    ]);
    expect(await verifySlotSignature(state, uid)).toBe(true);
    expect(await verifySlotSignature(state, Uint8Array.from([4, 0, 0, 0, 0, 0, 0]))).toBe(false);
  });

  it("round-trips arbitrary states (property)", async () => {
    const { device, certificate } = await fixture();
    const entry = fc.record({
      op: fc.constantFrom(...OPERATIONS),
      amount: fc.integer({ min: 0, max: MAX_UINT24 }),
      ageMin: fc.integer({ min: 0, max: 0xfffd }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          status: fc.constantFrom(...CARD_STATUSES),
          cardId: fc.uint8Array({ minLength: 8, maxLength: 8 }),
          counter: fc.integer({ min: 0, max: MAX_UINT32 }),
          balance: fc.integer({ min: 0, max: MAX_UINT32 }),
          writtenAt: fc.integer({ min: 0xfffe * 60, max: MAX_UINT32 }),
          grantSeq: fc.integer({ min: 0, max: MAX_UINT16 }),
          zone: fc.option(fc.integer({ min: 1, max: 255 })),
          history: fc.array(entry, { minLength: 1, maxLength: 4 }),
        }),
        async (v) => {
          const history = v.history.map((h, i) => ({
            op: h.op,
            amount: h.amount,
            at: v.writtenAt - (i === 0 ? 0 : h.ageMin * 60),
          }));
          const slot = await sealSlot({
            fields: {
              flags: { recovered: false, restored: false, issued: false },
              status: v.status,
              cardId: Array.from(v.cardId, (b) => b.toString(16).padStart(2, "0")).join(""),
              counter: v.counter,
              balance: v.balance,
              session: v.zone === null ? null : { startedAt: v.writtenAt - 120, zone: v.zone },
              writtenAt: v.writtenAt,
              grantSeq: v.grantSeq,
              history,
            },
            previousChain: GENESIS_CHAIN,
            historyEntries: 4,
            certificate,
            uid,
            deviceKey: device.privateKey,
          });
          const state = openSlot(slot);
          expect(state.counter).toBe(v.counter);
          expect(state.balance).toBe(v.balance);
          expect(state.status).toBe(v.status);
          expect(state.grantSeq).toBe(v.grantSeq);
          expect(state.session?.zone ?? null).toBe(v.zone);
          expect(state.history.map((h) => [h.op, h.amount, h.at])).toEqual(
            history.map((h) => [h.op, h.amount, h.at]),
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it("refuses values wider than their fields instead of truncating them", async () => {
    const { device, certificate } = await fixture();
    const seal = (patch: object) =>
      sealSlot({
        fields: {
          flags: { recovered: false, restored: false, issued: false },
          status: "active",
          cardId: "0011223344556677",
          counter: 1,
          balance: 0,
          session: null,
          writtenAt: 1000,
          grantSeq: 1,
          history: [{ op: "debit", amount: 1, at: 1000 }],
          ...patch,
        },
        previousChain: GENESIS_CHAIN,
        historyEntries: 4,
        certificate,
        uid,
        deviceKey: device.privateKey,
      });
    await expect(seal({ counter: MAX_UINT32 + 1 })).rejects.toThrow(RangeError);
    await expect(seal({ balance: -1 })).rejects.toThrow(RangeError);
    await expect(seal({ grantSeq: MAX_UINT16 + 1 })).rejects.toThrow(RangeError);
    await expect(seal({ history: [{ op: "debit", amount: MAX_UINT24 + 1, at: 1000 }] })).rejects.toThrow(
      RangeError,
    );
    await expect(seal({ cardId: "00" })).rejects.toThrow(RangeError);
  });
});
