/**
 * ADR 0004 in the deployed Worker: each key version has a grant key and a certificate key, published in
 * separate sets, and neither verifies what the other signs — tried both ways, with the real private keys
 * taken from D1 as if they had leaked.
 */
import { env } from "cloudflare:workers";
import {
  decodeCertificate,
  decodeGrantUnverified,
  fromBase64Url,
  issueCertificate,
  type Jwks,
  type KeyUse,
} from "@tessera/protocol";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { keyEncryptionKey, unwrapSigningKey } from "../src/keys/key-wrap.ts";
import { blankCard, validateCard, validator, write } from "./cards.ts";
import { asTerminal, call, enrolTerminal, fetchGrant, json } from "./helpers.ts";

async function keySet(path: string): Promise<Jwks> {
  const response = await call(path);
  expect(response.status).toBe(200);
  return (await response.json()) as Jwks;
}

/** A version's private key for `use`, unwrapped straight from its D1 row. */
async function privateKeyOf(version: number, use: Exclude<KeyUse, "dual">): Promise<CryptoKey> {
  const row = await env.DB.prepare(
    "SELECT wrapped_private_key, certificate_wrapped_private_key FROM signing_keys WHERE version = ?",
  )
    .bind(version)
    .first<{ wrapped_private_key: string; certificate_wrapped_private_key: string }>();
  const wrapped = use === "grant" ? row!.wrapped_private_key : row!.certificate_wrapped_private_key;
  return unwrapSigningKey(version, use, wrapped, await keyEncryptionKey(env.KEY_ENCRYPTION_KEY));
}

async function validateGrant(grant: string) {
  const response = await call("/v1/validate", json({ kind: "grant", grant }, await validator()));
  expect(response.status).toBe(200);
  return (await response.json()) as { valid: boolean; reason?: string };
}

describe("signing keys by purpose", () => {
  it("publishes a grant key in the JWKS and a different certificate key in the certificate key set", async () => {
    const answer = await fetchGrant(await enrolTerminal());
    const v = answer.keyVersion;
    const jwks = await keySet("/.well-known/jwks.json");
    const certificateKeys = await keySet("/.well-known/tessera-certificate-keys.json");
    expect(jwks.keys.map((key) => key.kid)).toEqual([`tessera-grant-${v}`]);
    expect(certificateKeys.keys.map((key) => key.kid)).toEqual([`tessera-cert-${v}`]);
    expect(certificateKeys.keys[0]!.x).not.toBe(jwks.keys[0]!.x);
  });

  it("refuses a grant signed with the version's certificate key, whichever key id it names", async () => {
    const terminal = await enrolTerminal();
    const answer = await fetchGrant(terminal);
    const v = answer.keyVersion;
    const claims = decodeGrantUnverified(answer.grant)!.claims;
    const certificateKey = await privateKeyOf(v, "certificate");
    const forge = (kid: string) =>
      new SignJWT({ ...claims })
        .setProtectedHeader({ alg: "EdDSA", typ: "tessera-grant+jwt", kid })
        .sign(certificateKey);

    expect(await validateGrant(answer.grant)).toMatchObject({ valid: true });
    expect(await validateGrant(await forge(`tessera-cert-${v}`))).toEqual(
      expect.objectContaining({ valid: false, reason: "unknown_kid" }),
    );
    expect(await validateGrant(await forge(`tessera-grant-${v}`))).toEqual(
      expect.objectContaining({ valid: false, reason: "bad_signature" }),
    );
    expect(await validateGrant(await forge(`tessera-${v}`))).toEqual(
      expect.objectContaining({ valid: false, reason: "unknown_kid" }),
    );

    // As a terminal's credential it opens nothing either.
    expect((await asTerminal(terminal, answer.grant, "GET", "/v1/deny-list?since=0")).status).toBe(200);
    for (const kid of [`tessera-cert-${v}`, `tessera-grant-${v}`])
      expect((await asTerminal(terminal, await forge(kid), "GET", "/v1/deny-list?since=0")).status).toBe(401);
  });

  it("refuses a card write whose certificate was signed with the version's grant key", async () => {
    const station = await enrolTerminal({ role: "station", locationId: "lobby" });
    const answer = await fetchGrant(station);
    const now = Math.floor(Date.now() / 1000);
    let card = await write(blankCard(), station, answer, { op: "issue" }, now);
    card = await write(card, station, answer, { op: "topup", amount: 1_000, authorisationId: "auth" }, now);

    // The same certificate fields, signed with the grant key instead of the certificate key.
    const genuine = decodeCertificate(fromBase64Url(answer.certificate));
    const misSigned = await issueCertificate(
      {
        terminalNumber: genuine.terminalNumber,
        operations: genuine.operations,
        validFrom: genuine.validFrom,
        validHours: genuine.validHours,
        keyVersion: genuine.keyVersion,
        publicKey: genuine.publicKey,
      },
      await privateKeyOf(answer.keyVersion, "grant"),
    );
    const rogue = await write(card, station, answer, { op: "debit", amount: 400 }, now, misSigned);
    // The mis-signed slot is damage: the card reads as the top-up before it, and says so.
    expect(await validateCard(rogue, await validator())).toMatchObject({
      valid: true,
      recovered: true,
      state: { counter: 2, balance: 1_000 },
    });
    // The genuine certificate on the same write is accepted.
    const honest = await write(card, station, answer, { op: "debit", amount: 400 }, now);
    expect(await validateCard(honest, await validator())).toMatchObject({
      valid: true,
      recovered: false,
      state: { counter: 3, balance: 600, keyVersion: answer.keyVersion },
    });
  });
});
