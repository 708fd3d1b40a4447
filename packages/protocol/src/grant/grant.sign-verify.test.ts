import fc from "fast-check";
import { decodeProtectedHeader, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { fromBase64Url, toBase64Url } from "../encoding/bytes.ts";
import { backendKey, deviceKey, grantClaims, jwksOf, NOW } from "./grant.fixtures.ts";
import { decodeGrantUnverified, signGrant, verifyGrant } from "./session-grant.ts";

let signer: Awaited<ReturnType<typeof backendKey>>;
let device: Awaited<ReturnType<typeof deviceKey>>;
let token: string;

beforeAll(async () => {
  signer = await backendKey(1);
  device = await deviceKey();
  token = await signGrant(grantClaims(device.jkt), signer);
});

function swapPayload(jws: string, edit: (claims: Record<string, unknown>) => void): string {
  const [header, payload, signature] = jws.split(".") as [string, string, string];
  const claims = JSON.parse(new TextDecoder().decode(fromBase64Url(payload)));
  edit(claims);
  return `${header}.${toBase64Url(new TextEncoder().encode(JSON.stringify(claims)))}.${signature}`;
}

describe("signGrant", () => {
  it("writes the header verifiers expect", () => {
    expect(decodeProtectedHeader(token)).toEqual({
      alg: "EdDSA",
      typ: "tessera-grant+jwt",
      kid: "tessera-grant-1",
    });
  });

  it("refuses to sign operations beyond the role's ceiling", async () => {
    await expect(signGrant(grantClaims(device.jkt, { ops: ["debit", "topup"] }), signer)).rejects.toThrow(
      RangeError,
    );
  });

  it("refuses to sign claims that break the schema", async () => {
    await expect(signGrant(grantClaims(device.jkt, { gseq: 0x100_0000 }), signer)).rejects.toThrow();
  });
});

describe("verifyGrant", () => {
  it("returns the claims of a valid grant", async () => {
    const verdict = await verifyGrant(token, jwksOf(signer), { now: NOW + 60, expectedJkt: device.jkt });
    expect(verdict).toEqual({ ok: true, claims: grantClaims(device.jkt) });
  });

  it("rejects a grant whose payload was altered", async () => {
    const raised = swapPayload(token, (claims) => {
      (claims.limits as { perTransaction: number }).perTransaction = 1_000_000;
    });
    expect(await verifyGrant(raised, jwksOf(signer), { now: NOW + 60 })).toEqual({
      ok: false,
      reason: "bad_signature",
    });
  });

  it("rejects a grant whose signature was altered", async () => {
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const bytes = fromBase64Url(signature);
    bytes[10]! ^= 0x01;
    const forged = `${header}.${payload}.${toBase64Url(bytes)}`;
    expect(await verifyGrant(forged, jwksOf(signer), { now: NOW + 60 })).toEqual({
      ok: false,
      reason: "bad_signature",
    });
  });

  it("rejects a grant signed by a key that is not the one its kid names", async () => {
    const impostor = await backendKey(1);
    const forged = await signGrant(grantClaims(device.jkt), impostor);
    expect(await verifyGrant(forged, jwksOf(signer), { now: NOW + 60 })).toEqual({
      ok: false,
      reason: "bad_signature",
    });
  });

  it("rejects an expired grant, honouring the clock-skew tolerance", async () => {
    const exp = NOW + 8 * 3600;
    expect(await verifyGrant(token, jwksOf(signer), { now: exp })).toEqual({ ok: false, reason: "expired" });
    expect((await verifyGrant(token, jwksOf(signer), { now: exp, clockSkewSeconds: 30 })).ok).toBe(true);
    expect(await verifyGrant(token, jwksOf(signer), { now: exp + 30, clockSkewSeconds: 30 })).toEqual({
      ok: false,
      reason: "expired",
    });
  });

  it("rejects a grant before its nbf", async () => {
    expect(await verifyGrant(token, jwksOf(signer), { now: NOW - 10 })).toEqual({
      ok: false,
      reason: "not_yet_valid",
    });
    expect((await verifyGrant(token, jwksOf(signer), { now: NOW - 10, clockSkewSeconds: 10 })).ok).toBe(true);
  });

  it("rejects a grant whose kid is not in the key set", async () => {
    const retired = await backendKey(7);
    const old = await signGrant(grantClaims(device.jkt, { kv: 7 }), retired);
    expect(await verifyGrant(old, jwksOf(signer), { now: NOW + 60 })).toEqual({
      ok: false,
      reason: "unknown_kid",
    });
  });

  it("rejects a grant that names no kid", async () => {
    const noKid = await new SignJWT(grantClaims(device.jkt))
      .setProtectedHeader({ alg: "EdDSA", typ: "tessera-grant+jwt" })
      .sign(signer.privateKey);
    expect(await verifyGrant(noKid, jwksOf(signer), { now: NOW + 60 })).toEqual({
      ok: false,
      reason: "unknown_kid",
    });
  });

  it("verifies grants of the previous key during a rotation", async () => {
    const next = await backendKey(2);
    const rotated = await signGrant(grantClaims(device.jkt, { kv: 2 }), next);
    const both = jwksOf(signer, next);
    expect((await verifyGrant(token, both, { now: NOW + 60 })).ok).toBe(true);
    expect((await verifyGrant(rotated, both, { now: NOW + 60 })).ok).toBe(true);
  });

  it("verifies grants of a legacy dual-purpose key beside a split one, each under its own kid", async () => {
    const legacy = await backendKey(1, "dual");
    const old = await signGrant(grantClaims(device.jkt, { kv: 1 }), legacy);
    const next = await backendKey(2);
    const rotated = await signGrant(grantClaims(device.jkt, { kv: 2 }), next);
    const both = jwksOf(legacy, next);
    expect(decodeProtectedHeader(old).kid).toBe("tessera-1");
    expect((await verifyGrant(old, both, { now: NOW + 60 })).ok).toBe(true);
    expect((await verifyGrant(rotated, both, { now: NOW + 60 })).ok).toBe(true);
  });

  it("rejects a grant bound to another device key", async () => {
    const other = await deviceKey();
    expect(await verifyGrant(token, jwksOf(signer), { now: NOW + 60, expectedJkt: other.jkt })).toEqual({
      ok: false,
      reason: "wrong_key_binding",
    });
  });

  it("rejects a correctly signed token of another type or audience", async () => {
    const dpopTyped = await new SignJWT(grantClaims(device.jkt))
      .setProtectedHeader({ alg: "EdDSA", typ: "dpop+jwt", kid: signer.kid })
      .sign(signer.privateKey);
    const otherAudience = await new SignJWT({ ...grantClaims(device.jkt), aud: "someone-else" })
      .setProtectedHeader({ alg: "EdDSA", typ: "tessera-grant+jwt", kid: signer.kid })
      .sign(signer.privateKey);
    for (const wrong of [dpopTyped, otherAudience])
      expect(await verifyGrant(wrong, jwksOf(signer), { now: NOW + 60 })).toEqual({
        ok: false,
        reason: "malformed",
      });
  });

  it("rejects a signed grant whose role was granted operations beyond its ceiling", async () => {
    const widened = await new SignJWT(grantClaims(device.jkt, { ops: ["debit", "topup"] }))
      .setProtectedHeader({ alg: "EdDSA", typ: "tessera-grant+jwt", kid: signer.kid })
      .sign(signer.privateKey);
    expect(await verifyGrant(widened, jwksOf(signer), { now: NOW + 60 })).toEqual({
      ok: false,
      reason: "malformed",
    });
  });

  it("rejects an unsigned (alg none) grant", async () => {
    const header = toBase64Url(
      new TextEncoder().encode(JSON.stringify({ alg: "none", typ: "tessera-grant+jwt", kid: signer.kid })),
    );
    const payload = toBase64Url(new TextEncoder().encode(JSON.stringify(grantClaims(device.jkt))));
    expect(await verifyGrant(`${header}.${payload}.`, jwksOf(signer), { now: NOW + 60 })).toEqual({
      ok: false,
      reason: "malformed",
    });
  });

  it("never throws on hostile input", async () => {
    const jwks = jwksOf(signer);
    const segment = fc.string({ unit: fc.constantFrom(...'AZaz09-_.=+/ {}":'), maxLength: 60 });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.tuple(segment, segment, segment).map((parts) => parts.join(".")),
          fc.anything(),
          fc.constant(
            swapPayload(token, (claims) => {
              claims.exp = "soon";
            }),
          ),
        ),
        async (input) => {
          const verdict = await verifyGrant(input, jwks, { now: NOW + 60 });
          expect(verdict.ok).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("decodeGrantUnverified", () => {
  it("reads the claims without a key, for display", () => {
    expect(decodeGrantUnverified(token)?.claims.tid).toBe(4242);
  });

  it("returns undefined for anything that is not a grant", () => {
    expect(decodeGrantUnverified("not.a.grant")).toBeUndefined();
  });
});
