/** Checks this implementation against the committed vectors in vectors/, which other implementations share. */
import { describe, expect, it } from "vitest";
import cards from "../vectors/cards.json" with { type: "json" };
import events from "../vectors/events.json" with { type: "json" };
import grants from "../vectors/grants.json" with { type: "json" };
import { exportPublicKeyRaw, importPublicKeyRaw } from "./crypto/ed25519.ts";
import { fromHex, toHex } from "./encoding/bytes.ts";
import { TerminalEvent, verifyEventSignature } from "./events/index.ts";
import { keysByVersion, verifyGrant } from "./grant/index.ts";
import { seededKeyPair } from "./testing/seeded-keys.ts";
import { type VerifyContext, verifyCard } from "./verify/verify-card.ts";

type CaseContext = {
  denyList?: { cards?: string[]; terminals?: { number: number; from: number }[] };
  remembered?: { cardId: string; counter: number; chain: string };
};

describe("committed card vectors", async () => {
  const keys = new Map<number, CryptoKey>();
  for (const [version, hex] of Object.entries(cards.certificatePublicKeys))
    keys.set(Number(version), await importPublicKeyRaw(fromHex(hex)));

  it("publishes seeds that really produce the published keys", async () => {
    for (const [version, seed] of Object.entries(cards.certificateSeeds)) {
      if (!(version in cards.certificatePublicKeys)) continue;
      const pair = await seededKeyPair(seed);
      expect(toHex(await exportPublicKeyRaw(pair.publicKey))).toBe(
        cards.certificatePublicKeys[version as "1" | "2"],
      );
    }
  });

  it("publishes the same certificate keys as a key set, read by purpose", async () => {
    const fromSet = await keysByVersion(cards.certificateKeySet, "certificate");
    expect([...fromSet.keys()].sort()).toEqual([1, 2]);
    for (const [version, key] of fromSet)
      expect(toHex(await exportPublicKeyRaw(key))).toBe(
        cards.certificatePublicKeys[String(version) as "1" | "2"],
      );
    // Only version 1's legacy key may also verify grants; version 2's certificate key may not.
    expect([...(await keysByVersion(cards.certificateKeySet, "grant")).keys()]).toEqual([1]);
  });

  it("keeps a legacy-key card and a wrong-purpose certificate among the cases", () => {
    const names = cards.cases.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(["legacy-key", "key-rotation", "wrong-purpose-key"]));
    expect(cards.cases.find((c) => c.name === "legacy-key")?.expect).toMatchObject({
      kind: "valid",
      state: { keyVersion: 1 },
    });
  });

  it.each(cards.cases.map((c) => [c.name, c] as const))("%s", async (_name, vector) => {
    const ctx = vector.context as CaseContext;
    const context: VerifyContext = { keys, policy: { readableLayouts: [1], acceptedKeyVersions: [1, 2] } };
    if (ctx.denyList) {
      const deny = ctx.denyList;
      context.denyList = {
        hasCard: (id) => deny.cards?.includes(id) ?? false,
        terminalRevokedFrom: (n) => deny.terminals?.find((t) => t.number === n)?.from,
      };
    }
    if (ctx.remembered) {
      const remembered = ctx.remembered;
      context.remembered = (id) => (id === remembered.cardId ? remembered : undefined);
    }
    const verdict = await verifyCard(
      { uid: fromHex(vector.uid), payload: vector.payload === null ? null : fromHex(vector.payload) },
      context,
    );
    const expected = vector.expect as Record<string, unknown> & { state?: Record<string, unknown> };
    expect(verdict.kind).toBe(expected.kind);
    if ("reason" in expected) expect("reason" in verdict && verdict.reason).toBe(expected.reason);
    if ("recovered" in expected)
      expect(verdict.kind === "valid" && verdict.recovered).toBe(expected.recovered);
    if (expected.state) {
      const state = "state" in verdict ? verdict.state : undefined;
      expect({
        cardId: state?.cardId,
        counter: state?.counter,
        balance: state?.balance,
        status: state?.status,
        chain: state?.chain,
        writtenAt: state?.writtenAt,
        terminalNumber: state?.certificate.terminalNumber,
        keyVersion: state?.certificate.keyVersion,
        lastOperation: state?.history[0]?.op,
        flags: state?.flags,
      }).toEqual(expected.state);
    }
  });
});

describe("committed event and grant vectors", () => {
  it("verifies the event signature, and not once a field changes", async () => {
    const key = await importPublicKeyRaw(fromHex(events.devicePublicKey));
    const event = TerminalEvent.parse(events.event);
    expect(await verifyEventSignature(event, key)).toBe(true);
    expect(await verifyEventSignature({ ...event, amount: event.amount + 1 }, key)).toBe(false);
  });

  it("publishes seeds that really produce the JWKS keys", async () => {
    const [legacy, grant] = await Promise.all([
      seededKeyPair(grants.certificateSeeds["1"]),
      seededKeyPair(grants.grantSeeds["2"]),
    ]);
    const published = await keysByVersion(grants.jwks, "grant");
    expect(toHex(await exportPublicKeyRaw(published.get(1)!))).toBe(
      toHex(await exportPublicKeyRaw(legacy.publicKey)),
    );
    expect(toHex(await exportPublicKeyRaw(published.get(2)!))).toBe(
      toHex(await exportPublicKeyRaw(grant.publicKey)),
    );
  });

  it.each(grants.cases.map((c) => [c.name, c] as const))("grant %s", async (_name, vector) => {
    const verdict = await verifyGrant(vector.token, grants.jwks, { now: grants.now });
    expect(verdict.ok ? { ok: true } : verdict).toEqual(vector.expect);
    if (verdict.ok) {
      expect(verdict.claims).toMatchObject({ jti: grants.claims.jti, tid: grants.claims.tid });
      expect(await verifyGrant(vector.token, grants.jwks, { now: grants.claims.exp + 1 })).toMatchObject({
        ok: false,
        reason: "expired",
      });
    }
  });

  it("refuses grants signed with a certificate key, both ways", () => {
    expect(grants.cases.filter((c) => !c.expect.ok).map((c) => c.name)).toEqual([
      "certificate-key-own-kid",
      "certificate-key-grant-kid",
    ]);
  });
});
