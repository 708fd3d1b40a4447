import { describe, expect, it } from "vitest";
import { generateSigningKeyPair } from "../crypto/ed25519.ts";
import { toBase64Url } from "../encoding/bytes.ts";
import { eventSigningBytes, signEvent, verifyEventSignature } from "./signature.ts";
import type { TerminalEvent, UnsignedTerminalEvent } from "./terminal-event.ts";

const unsigned: UnsignedTerminalEvent = {
  id: "5f0c6f0e-3c1b-4f7e-9a51-2d4f3b8e9c10",
  terminalId: "term_01HZX",
  terminalNumber: 4711,
  grantId: "grant_9f8e7d",
  seq: 42,
  at: 1_700_000_123,
  op: "debit",
  amount: 350,
  card: {
    id: "0a1b2c3d4e5f6071",
    uid: "04a1b2c3d4e5f6",
    counterBefore: 17,
    counterAfter: 18,
    balanceBefore: 2000,
    balanceAfter: 1650,
    chainBefore: "00112233445566778899aabbccddeeff",
    chainAfter: "ffeeddccbbaa99887766554433221100",
    slot: toBase64Url(new Uint8Array(239).fill(7)),
  },
  outcome: "confirmed",
  recovered: false,
  productId: "coffee",
  locationId: "canteen-north",
  // A field only newer terminals know: it must be kept and signed.
  lane: 3,
};

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** Every leaf of a JSON value, as a path from the root. */
function leafPaths(value: unknown, prefix: string[] = []): string[][] {
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([key, inner]) => leafPaths(inner, [...prefix, key]));
  }
  return [prefix];
}

function withLeafChanged(event: TerminalEvent, path: string[]): TerminalEvent {
  const copy = structuredClone(event) as Record<string, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string, unknown>;
  const key = path.at(-1)!;
  const old = parent[key];
  parent[key] =
    typeof old === "string"
      ? old.replace(/.$/, (c) => (c === "A" ? "B" : "A"))
      : typeof old === "number"
        ? old + 1
        : typeof old === "boolean"
          ? !old
          : 0;
  return copy as TerminalEvent;
}

/** The same object with its keys, nested ones included, in reverse order. */
function reversedKeys<T>(value: T): T {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reversedKeys(v)]),
  ) as T;
}

describe("terminal event signatures", async () => {
  const device = await generateSigningKeyPair();
  const other = await generateSigningKeyPair();
  const event = await signEvent(unsigned, device.privateKey);

  it("verifies with the signing terminal's key and not with another's", async () => {
    expect(event.sig).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(await verifyEventSignature(event, device.publicKey)).toBe(true);
    expect(await verifyEventSignature(event, other.publicKey)).toBe(false);
  });

  it("keeps unknown fields and covers them", async () => {
    expect(event.lane).toBe(3);
    expect(new TextDecoder().decode(eventSigningBytes(event))).toContain('"lane":3');
  });

  it("breaks when any single field changes, nested and unknown ones included", async () => {
    const paths = leafPaths(event).filter((path) => path[0] !== "sig");
    expect(paths.map((p) => p.join("."))).toEqual(
      expect.arrayContaining(["lane", "card.slot", "card.chainBefore"]),
    );
    for (const path of paths) {
      expect(await verifyEventSignature(withLeafChanged(event, path), device.publicKey), path.join(".")).toBe(
        false,
      );
    }
  });

  it("breaks when a field is added or removed", async () => {
    expect(await verifyEventSignature({ ...event, note: "x" }, device.publicKey)).toBe(false);
    const { productId: _dropped, ...withoutProduct } = event;
    expect(await verifyEventSignature(withoutProduct, device.publicKey)).toBe(false);
  });

  it("does not depend on the order of keys", async () => {
    const reordered = reversedKeys(event);
    expect(Object.keys(reordered)[0]).not.toBe(Object.keys(event)[0]);
    expect(await verifyEventSignature(reordered, device.publicKey)).toBe(true);
    const { sig: _sig, ...fields } = reordered;
    expect((await signEvent(fields as UnsignedTerminalEvent, device.privateKey)).sig).toBe(event.sig);
  });

  it("replaces rather than signs over a signature already on the input", async () => {
    const resigned = await signEvent(
      { ...unsigned, sig: "stale" } as UnsignedTerminalEvent,
      device.privateKey,
    );
    expect(resigned.sig).toBe(event.sig);
  });

  it("answers false, never throws, on malformed input", async () => {
    const cases: unknown[] = [
      null,
      "event",
      [event],
      { ...event, sig: undefined },
      { ...event, sig: 42 },
      { ...event, sig: "not base64url!" },
      { ...event, sig: event.sig.slice(0, 85) },
      { ...event, sig: `${event.sig}AA` },
      // Same bytes, another spelling: the last character carries 4 unused bits.
      { ...event, sig: event.sig.slice(0, 85) + BASE64URL[BASE64URL.indexOf(event.sig[85]!) ^ 1] },
      { ...event, amount: 1.5 },
      { ...event, extra: Number.NaN },
      { ...event, extra: () => 1 },
    ];
    for (const value of cases)
      await expect(verifyEventSignature(value, device.publicKey)).resolves.toBe(false);
  });

  it("signs over a domain-separated message", () => {
    const bytes = eventSigningBytes(event);
    expect(new TextDecoder().decode(bytes.subarray(0, 17))).toBe("tessera.event.v1\0");
    expect(new TextDecoder().decode(bytes)).not.toContain('"sig"');
  });

  it("refuses to sign an event the schema rejects", async () => {
    await expect(signEvent({ ...unsigned, amount: -1 }, device.privateKey)).rejects.toThrow();
  });
});
