import fc from "fast-check";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { fromBase64Url, toBase64Url } from "../encoding/bytes.ts";
import { accessTokenHash, createDpopProof, verifyDpopProof } from "./dpop.ts";
import { deviceKey, NOW } from "./grant.fixtures.ts";

const HTU = "https://grants.tessera.example/v1/grants";
let device: Awaited<ReturnType<typeof deviceKey>>;

beforeAll(async () => {
  device = await deviceKey();
});

function proof(overrides: Partial<Parameters<typeof createDpopProof>[0]> = {}) {
  return createDpopProof({
    privateKey: device.privateKey,
    publicJwk: device.publicJwk,
    htm: "POST",
    htu: HTU,
    iat: NOW,
    ...overrides,
  });
}

describe("DPoP proofs", () => {
  it("verify with the non-extractable device key and return what the server needs for replay checks", async () => {
    expect(device.privateKey.extractable).toBe(false);
    const verdict = await verifyDpopProof(await proof({ jti: "proof-1" }), {
      htm: "POST",
      htu: HTU,
      now: NOW + 5,
    });
    expect(verdict).toEqual({ ok: true, jkt: device.jkt, jti: "proof-1", iat: NOW, jwk: device.publicJwk });
  });

  it("get a fresh random jti each time by default", async () => {
    const a = await verifyDpopProof(await proof(), { htm: "POST", htu: HTU, now: NOW });
    const b = await verifyDpopProof(await proof(), { htm: "POST", htu: HTU, now: NOW });
    expect(a.ok && b.ok && a.jti !== b.jti).toBe(true);
  });

  it("are rejected for another method", async () => {
    expect(await verifyDpopProof(await proof(), { htm: "GET", htu: HTU, now: NOW })).toEqual({
      ok: false,
      reason: "wrong_htm",
    });
  });

  it("are rejected for another URL, but not for a different query or fragment", async () => {
    const p = await proof({ htu: `${HTU}?refresh=1#top` });
    expect((await verifyDpopProof(p, { htm: "POST", htu: `${HTU}?x=2`, now: NOW })).ok).toBe(true);
    expect(
      (
        await verifyDpopProof(p, {
          htm: "POST",
          htu: "HTTPS://Grants.Tessera.example:443/v1/grants",
          now: NOW,
        })
      ).ok,
    ).toBe(true);
    for (const htu of [
      `${HTU}/other`,
      "https://evil.example/v1/grants",
      "http://grants.tessera.example/v1/grants",
    ])
      expect(await verifyDpopProof(p, { htm: "POST", htu, now: NOW })).toEqual({
        ok: false,
        reason: "wrong_htu",
      });
  });

  it("are rejected when older than the allowed age or issued ahead of our clock", async () => {
    const p = await proof();
    expect((await verifyDpopProof(p, { htm: "POST", htu: HTU, now: NOW + 60, clockSkewSeconds: 0 })).ok).toBe(
      true,
    );
    expect(await verifyDpopProof(p, { htm: "POST", htu: HTU, now: NOW + 61, clockSkewSeconds: 0 })).toEqual({
      ok: false,
      reason: "stale",
    });
    expect(await verifyDpopProof(p, { htm: "POST", htu: HTU, now: NOW + 100, maxAgeSeconds: 30 })).toEqual({
      ok: false,
      reason: "stale",
    });
    expect(await verifyDpopProof(p, { htm: "POST", htu: HTU, now: NOW - 60 })).toEqual({
      ok: false,
      reason: "issued_in_future",
    });
  });

  it("are rejected when the signature does not match the embedded key", async () => {
    const [header, payload, signature] = (await proof()).split(".") as [string, string, string];
    const bytes = fromBase64Url(signature);
    bytes[0]! ^= 0x80;
    expect(
      await verifyDpopProof(`${header}.${payload}.${toBase64Url(bytes)}`, {
        htm: "POST",
        htu: HTU,
        now: NOW,
      }),
    ).toEqual({
      ok: false,
      reason: "bad_signature",
    });

    const other = await deviceKey();
    const swapped = await proof({ publicJwk: other.publicJwk });
    expect(await verifyDpopProof(swapped, { htm: "POST", htu: HTU, now: NOW })).toEqual({
      ok: false,
      reason: "bad_signature",
    });
  });

  it("are rejected when the header carries private key material", async () => {
    const { privateKey } = await generateKeyPair("EdDSA", { extractable: true });
    const privateJwk = await exportJWK(privateKey);
    expect(privateJwk.d).toBeDefined();
    const leaky = await new SignJWT({ jti: "j", htm: "POST", htu: HTU, iat: NOW })
      .setProtectedHeader({ alg: "EdDSA", typ: "dpop+jwt", jwk: privateJwk })
      .sign(privateKey);
    expect(await verifyDpopProof(leaky, { htm: "POST", htu: HTU, now: NOW })).toEqual({
      ok: false,
      reason: "private_key_in_header",
    });
  });

  it("are rejected with the wrong typ or alg, or a key of another type", async () => {
    const claims = { jti: "j", htm: "POST", htu: HTU, iat: NOW };
    const jwtTyped = await new SignJWT(claims)
      .setProtectedHeader({ alg: "EdDSA", typ: "JWT", jwk: device.publicJwk })
      .sign(device.privateKey);
    expect(await verifyDpopProof(jwtTyped, { htm: "POST", htu: HTU, now: NOW })).toEqual({
      ok: false,
      reason: "wrong_typ",
    });

    const ec = await generateKeyPair("ES256");
    const ecProof = await new SignJWT(claims)
      .setProtectedHeader({ alg: "ES256", typ: "dpop+jwt", jwk: await exportJWK(ec.publicKey) })
      .sign(ec.privateKey);
    expect(await verifyDpopProof(ecProof, { htm: "POST", htu: HTU, now: NOW })).toEqual({
      ok: false,
      reason: "wrong_alg",
    });

    const ecUnderEdDsa = await new SignJWT(claims)
      .setProtectedHeader({ alg: "EdDSA", typ: "dpop+jwt", jwk: await exportJWK(ec.publicKey) })
      .sign(device.privateKey);
    expect(await verifyDpopProof(ecUnderEdDsa, { htm: "POST", htu: HTU, now: NOW })).toEqual({
      ok: false,
      reason: "bad_jwk",
    });
  });

  it("must carry the hash of the access token they accompany", async () => {
    const grant = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ0In0.c2ln";
    const bound = await proof({ ath: await accessTokenHash(grant) });
    expect((await verifyDpopProof(bound, { htm: "POST", htu: HTU, now: NOW, accessToken: grant })).ok).toBe(
      true,
    );
    expect(
      await verifyDpopProof(bound, { htm: "POST", htu: HTU, now: NOW, accessToken: `${grant}x` }),
    ).toEqual({
      ok: false,
      reason: "ath_mismatch",
    });
    expect(
      await verifyDpopProof(await proof(), { htm: "POST", htu: HTU, now: NOW, accessToken: grant }),
    ).toEqual({
      ok: false,
      reason: "ath_mismatch",
    });
  });

  it("are rejected when made with another key than the one expected", async () => {
    const other = await deviceKey();
    expect(
      await verifyDpopProof(await proof(), { htm: "POST", htu: HTU, now: NOW, expectedJkt: other.jkt }),
    ).toEqual({
      ok: false,
      reason: "wrong_key_binding",
    });
    expect(
      (await verifyDpopProof(await proof(), { htm: "POST", htu: HTU, now: NOW, expectedJkt: device.jkt })).ok,
    ).toBe(true);
  });

  it("never throw on hostile input", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.anything(),
          fc.string().map((s) => `${s}.${s}.${s}`),
        ),
        async (input) => {
          expect((await verifyDpopProof(input, { htm: "POST", htu: HTU, now: NOW })).ok).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});
