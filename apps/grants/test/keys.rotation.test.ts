import { env } from "cloudflare:workers";
import {
  decodeCertificate,
  decodeGrantUnverified,
  fromBase64Url,
  type Jwks,
  verifyCertificate,
} from "@tessera/protocol";
import { createLocalJWKSet, importJWK, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import {
  admin,
  auditEntries,
  auditor,
  call,
  enrolTerminal,
  fetchGrant,
  type GrantAnswer,
  json,
  problemOf,
} from "./helpers.ts";

async function jwks(): Promise<Jwks> {
  return (await (await call("/.well-known/jwks.json")).json()) as Jwks;
}

async function certificateKeys(): Promise<Jwks> {
  return (await (await call("/.well-known/tessera-certificate-keys.json")).json()) as Jwks;
}

interface KeyView {
  version: number;
  status: string;
  liveGrants: number;
  acceptedByPolicy: boolean;
  activatableAt: string | null;
}

async function keys(): Promise<KeyView[]> {
  const response = await call("/v1/keys", { headers: await auditor() });
  expect(response.status).toBe(200);
  return ((await response.json()) as { keys: KeyView[] }).keys;
}

/**
 * Verifies a grant against the JWKS and its certificate against the certificate key set, exactly as an
 * outside verifier would: a JOSE library for the grant, the certificate key its version names for the rest.
 */
async function verifyWith(sets: { jwks: Jwks; certificateKeys: Jwks }, answer: GrantAnswer) {
  const { protectedHeader } = await jwtVerify(answer.grant, createLocalJWKSet(sets.jwks), {
    algorithms: ["EdDSA"],
    audience: "tessera",
  });
  const certificate = decodeCertificate(fromBase64Url(answer.certificate));
  const jwk = sets.certificateKeys.keys.find((key) => key.kid === `tessera-cert-${certificate.keyVersion}`)!;
  const key = (await importJWK({ kty: jwk.kty, crv: jwk.crv, x: jwk.x }, "EdDSA")) as CryptoKey;
  expect(await verifyCertificate(certificate, key)).toBe(true);
  return { kid: protectedHeader.kid, certificateKeyVersion: certificate.keyVersion };
}

describe("signing-key rotation", () => {
  it("goes from version N to N+1 without downtime: publish, wait or override, sign with N+1, keep N", async () => {
    // A first key is created on first use and signs at once.
    const oldTerminal = await enrolTerminal();
    const oldGrant = await fetchGrant(oldTerminal);
    const n = oldGrant.keyVersion;
    expect((await jwks()).keys.map((key) => key.kid)).toContain(`tessera-grant-${n}`);
    expect((await certificateKeys()).keys.map((key) => key.kid)).toContain(`tessera-cert-${n}`);

    const headers = await admin();
    const rotated = await call("/v1/keys/rotate", { method: "POST", headers });
    expect(rotated.status).toBe(201);
    const published = (await rotated.json()) as KeyView;
    expect(published).toMatchObject({ version: n + 1, status: "published", acceptedByPolicy: true });
    // Published before it signs anything, both its keys: every grant fetched from now on carries them.
    expect((await jwks()).keys.map((key) => key.kid)).toEqual([
      `tessera-grant-${n}`,
      `tessera-grant-${n + 1}`,
    ]);
    expect((await certificateKeys()).keys.map((key) => key.kid)).toEqual([
      `tessera-cert-${n}`,
      `tessera-cert-${n + 1}`,
    ]);
    expect((await fetchGrant(await enrolTerminal())).keyVersion).toBe(n);

    // Too early: terminals holding grants from before the rotation do not know it yet.
    const early = await call(`/v1/keys/${n + 1}/activate`, json({}, headers));
    expect(early.status).toBe(409);
    const refusal = await problemOf(early);
    expect(refusal).toMatchObject({ code: "key_rotation_invalid", refusal: "too_early" });
    expect(Date.parse(String(refusal.activatableAt))).toBeGreaterThan(Date.now() + 7 * 3600_000);

    const noReason = await call(`/v1/keys/${n + 1}/activate`, json({ override: true }, headers));
    expect(noReason.status).toBe(422);
    const activated = await call(
      `/v1/keys/${n + 1}/activate`,
      json({ override: true, reason: "test: no terminals in the field yet" }, headers),
    );
    expect(activated.status).toBe(200);
    expect(
      ((await activated.json()) as { keys: KeyView[] }).keys.map((key) => [key.version, key.status]),
    ).toEqual([
      [n, "previous"],
      [n + 1, "active"],
    ]);

    // New grants and certificates are signed with N+1; the grant signed with N is still served and valid.
    const newGrant = await fetchGrant(await enrolTerminal());
    expect(newGrant.keyVersion).toBe(n + 1);
    const cachedOld = await fetchGrant(oldTerminal);
    expect(cachedOld.grant).toBe(oldGrant.grant);

    // During the overlap the published sets verify grants and certificates of both versions.
    const overlap = { jwks: await jwks(), certificateKeys: await certificateKeys() };
    expect(overlap.jwks.keys.map((key) => key.kid)).toEqual([`tessera-grant-${n}`, `tessera-grant-${n + 1}`]);
    expect(await verifyWith(overlap, oldGrant)).toEqual({
      kid: `tessera-grant-${n}`,
      certificateKeyVersion: n,
    });
    expect(await verifyWith(overlap, newGrant)).toEqual({
      kid: `tessera-grant-${n + 1}`,
      certificateKeyVersion: n + 1,
    });
    expect(decodeGrantUnverified(newGrant.grant)!.claims.kv).toBe(n + 1);

    // N stays published while grants signed with it are valid (and the policy accepts it).
    const listed = await keys();
    expect(listed.find((key) => key.version === n)).toMatchObject({
      status: "previous",
      acceptedByPolicy: true,
    });
    expect(listed.find((key) => key.version === n)!.liveGrants).toBeGreaterThanOrEqual(2);

    // The next key cannot start signing while the policy does not accept it, override or not.
    expect((await call("/v1/keys/rotate", { method: "POST", headers })).status).toBe(201);
    const unaccepted = await call(
      `/v1/keys/${n + 2}/activate`,
      json({ override: true, reason: "try" }, headers),
    );
    expect(unaccepted.status).toBe(409);
    expect(await problemOf(unaccepted)).toMatchObject({
      code: "key_rotation_invalid",
      refusal: "not_accepted_by_policy",
    });
    // Only one key waits for activation at a time.
    const second = await call("/v1/keys/rotate", { method: "POST", headers });
    expect((await problemOf(second)).code).toBe("key_rotation_invalid");

    const audit = await auditEntries();
    expect(
      audit.find((entry) => entry.action === "key.publish" && entry.target === `signing_key:${n + 1}`)
        ?.detail,
    ).toMatchObject({
      version: n + 1,
      kid: `tessera-grant-${n + 1}`,
      certificateKid: `tessera-cert-${n + 1}`,
    });
    expect(
      audit.find((entry) => entry.action === "key.activate" && entry.target === `signing_key:${n + 1}`)
        ?.detail,
    ).toMatchObject({ override: true, reason: "test: no terminals in the field yet" });
  });

  it("keeps both private keys of a version in D1 only wrapped, never as the key itself", async () => {
    await jwks();
    const rows = await env.DB.prepare(
      "SELECT version, public_key_x, wrapped_private_key, certificate_public_key_x, certificate_wrapped_private_key, kek_fingerprint FROM signing_keys",
    ).all<{
      public_key_x: string;
      wrapped_private_key: string;
      certificate_public_key_x: string;
      certificate_wrapped_private_key: string;
      kek_fingerprint: string;
    }>();
    expect(rows.results.length).toBeGreaterThan(0);
    for (const row of rows.results) {
      // A version made here has two distinct keys.
      expect(row.certificate_public_key_x).not.toBe(row.public_key_x);
      for (const wrapped of [row.wrapped_private_key, row.certificate_wrapped_private_key]) {
        const sealed = fromBase64Url(wrapped);
        // 12-byte IV, a 48-byte PKCS#8 Ed25519 key, a 16-byte GCM tag.
        expect(sealed.length).toBe(12 + 48 + 16);
        // The PKCS#8 prefix of an Ed25519 key would show if it were stored in the clear.
        expect(wrapped).not.toContain("MC4CAQAwBQYDK2VwBCIEI");
      }
      expect(row.kek_fingerprint).toMatch(/^[0-9a-f]{16}$/);
    }
  });

  it("lets only admins rotate and activate, and auditors read", async () => {
    expect((await call("/v1/keys/rotate", { method: "POST", headers: await auditor() })).status).toBe(403);
    expect((await call("/v1/keys/1/activate", json({}, await auditor()))).status).toBe(403);
    expect((await call("/v1/keys")).status).toBe(401);
    const unknown = await call("/v1/keys/200/activate", json({}, await admin()));
    expect(unknown.status).toBe(404);
  });
});
