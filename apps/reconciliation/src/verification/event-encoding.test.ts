/**
 * The one-pass encoding must be byte for byte the protocol's: `canonicalJson(event)` for the fingerprint,
 * `eventSigningBytes(event)` for the signature, and the same verdict as `verifyEventSignature` — on real
 * signed events and on random, hostile ones (unknown members, a nested `sig`, odd keys, values canonical
 * JSON refuses).
 */
import {
  canonicalJson,
  concatBytes,
  EVENT_SIGNING_TAG,
  eventSigningBytes,
  generateSigningKeyPair,
  signEvent,
  tag,
  type UnsignedTerminalEvent,
  utf8,
  verifyEventSignature,
} from "@tessera/protocol";
import { mulberry32 } from "@tessera/protocol/virtual-card";
import { describe, expect, it } from "vitest";
import { encodeEvent, verifyEncodedSignature } from "./event-encoding.ts";

const UNSIGNED: UnsignedTerminalEvent = {
  id: "evt-1",
  terminalId: "trm_1",
  terminalNumber: 7,
  grantId: "grt_1",
  seq: 3,
  at: 1_795_000_000,
  op: "debit",
  amount: 250,
  card: {
    id: "0a1b2c3d4e5f6071",
    uid: "04a1b2c3d4e5f6",
    counterBefore: 4,
    counterAfter: 5,
    balanceBefore: 1_000,
    balanceAfter: 750,
    chainBefore: "a".repeat(32),
    chainAfter: "b".repeat(32),
    slot: "AAAA",
  },
  outcome: "confirmed",
  recovered: false,
};

const KEYS = ["a", "sig", "Sig", "zz", "é", "\u{1F600}", "card", "id", "__proto__", "10", "2", ""];

function randomValue(random: () => number, depth: number): unknown {
  const roll = random();
  if (depth > 2 || roll < 0.3) return Math.floor(random() * 1000) - 500;
  if (roll < 0.45) return `s${Math.floor(random() * 100)}\n"`;
  if (roll < 0.5) return random() < 0.5 ? null : true;
  if (roll < 0.53) return 1.5; // canonical JSON refuses fractions
  if (roll < 0.56) return undefined;
  if (roll < 0.7)
    return Array.from({ length: Math.floor(random() * 3) }, () => randomValue(random, depth + 1));
  return randomObject(random, depth + 1);
}

function randomObject(random: () => number, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = Math.floor(random() * 5); i > 0; i--) {
    const key = KEYS[Math.floor(random() * KEYS.length)]!;
    Object.defineProperty(out, key, { value: randomValue(random, depth), enumerable: true, writable: true });
  }
  return out;
}

function protocolCanonical(raw: unknown): string {
  try {
    return canonicalJson(raw);
  } catch {
    return JSON.stringify(raw) ?? "null";
  }
}

describe("event encoding", () => {
  it("gives the protocol's canonical JSON and signing bytes for random members", () => {
    const random = mulberry32(7);
    for (let i = 0; i < 2_000; i++) {
      const raw = random() < 0.1 ? randomValue(random, 0) : { ...UNSIGNED, ...randomObject(random, 0) };
      const encoding = encodeEvent(raw);
      expect(encoding.canonical).toBe(protocolCanonical(raw));
      // Only objects are signed (a parsed event always is one).
      if (typeof raw !== "object" || raw === null || Array.isArray(raw)) continue;
      if (encoding.unsigned !== null)
        expect(concatBytes(tag(EVENT_SIGNING_TAG), utf8.encode(encoding.unsigned))).toEqual(
          eventSigningBytes(raw as UnsignedTerminalEvent),
        );
      else expect(() => eventSigningBytes(raw as UnsignedTerminalEvent)).toThrow();
    }
  });

  it("verifies exactly the signatures verifyEventSignature verifies", async () => {
    const { privateKey, publicKey } = await generateSigningKeyPair();
    const signed = await signEvent({ ...UNSIGNED, productId: "coffee" }, privateKey);
    const variants: unknown[] = [
      signed,
      { ...signed, amount: 251 },
      { ...signed, extra: { sig: signed.sig } },
      { ...signed, sig: `${signed.sig}=` },
      { ...signed, sig: signed.sig.slice(1) },
      { ...signed, sig: 42 },
      { ...signed, at: 1.5 },
      { ...signed, productId: undefined },
    ];
    for (const variant of variants) {
      const expected = await verifyEventSignature(variant, publicKey);
      const sig = (variant as { sig?: unknown }).sig;
      expect(await verifyEncodedSignature(sig, encodeEvent(variant), publicKey)).toBe(expected);
    }
    expect(await verifyEncodedSignature(signed.sig, encodeEvent(signed), publicKey)).toBe(true);
  });
});
