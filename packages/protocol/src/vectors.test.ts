/** Checks this implementation against the committed vectors in vectors/, which other implementations share. */
import { describe, expect, it } from "vitest";
import cards from "../vectors/cards.json" with { type: "json" };
import events from "../vectors/events.json" with { type: "json" };
import grants from "../vectors/grants.json" with { type: "json" };
import { exportPublicKeyRaw, importPublicKeyRaw } from "./crypto/ed25519.ts";
import { fromHex, toHex } from "./encoding/bytes.ts";
import { TerminalEvent, verifyEventSignature } from "./events/index.ts";
import { verifyGrant } from "./grant/index.ts";
import { seededKeyPair } from "./testing/seeded-keys.ts";
import { type VerifyContext, verifyCard } from "./verify/verify-card.ts";

type CaseContext = {
  denyList?: { cards?: string[]; terminals?: { number: number; from: number }[] };
  remembered?: { cardId: string; counter: number; chain: string };
};

describe("committed card vectors", async () => {
  const keys = new Map<number, CryptoKey>();
  for (const [version, hex] of Object.entries(cards.backendPublicKeys))
    keys.set(Number(version), await importPublicKeyRaw(fromHex(hex)));

  it("publishes seeds that really produce the published keys", async () => {
    for (const [version, seed] of Object.entries(cards.backendSeeds)) {
      if (!(version in cards.backendPublicKeys)) continue;
      const pair = await seededKeyPair(seed);
      expect(toHex(await exportPublicKeyRaw(pair.publicKey))).toBe(
        cards.backendPublicKeys[version as "1" | "2"],
      );
    }
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

  it("verifies the grant against its JWKS at the stated time", async () => {
    const verdict = await verifyGrant(grants.token, grants.jwks as never, { now: grants.now });
    expect(verdict).toMatchObject({ ok: true, claims: { jti: grants.claims.jti, tid: grants.claims.tid } });
    expect(
      await verifyGrant(grants.token, grants.jwks as never, { now: grants.claims.exp + 1 }),
    ).toMatchObject({ ok: false, reason: "expired" });
  });
});
