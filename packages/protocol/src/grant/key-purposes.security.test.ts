/**
 * ADR 0004: a key version's grant key and certificate key each do one job, and no verifier takes one for the
 * other — tried both ways, with the key sets as published and with a set that mixes them by mistake. Legacy
 * dual-purpose versions keep doing both until they are retired.
 */
import { createLocalJWKSet, jwtVerify, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeCertificate, issueCertificate, verifyCertificate } from "../card/certificate.ts";
import { exportPublicKeyRaw, generateSigningKeyPair } from "../crypto/ed25519.ts";
import { backendKey, deviceKey, grantClaims, jwksOf, NOW } from "./grant.fixtures.ts";
import { keysByVersion, parseKid, versionFromKid } from "./keys.ts";
import { signGrant, verifyGrant } from "./session-grant.ts";

type Key = Awaited<ReturnType<typeof backendKey>>;
let legacy: Key; // version 1, made before the split: one key for both jobs
let grantKey: Key; // version 2's grant key
let certKey: Key; // version 2's certificate key
let device: Awaited<ReturnType<typeof deviceKey>>;

beforeAll(async () => {
  [legacy, grantKey, certKey, device] = await Promise.all([
    backendKey(1, "dual"),
    backendKey(2, "grant"),
    backendKey(2, "certificate"),
    deviceKey(),
  ]);
});

/** The two documents the grants Worker publishes during the migration's overlap. */
const publishedJwks = () => jwksOf(legacy, grantKey);
const publishedCertificateKeys = () => jwksOf(legacy, certKey);
/** A set nobody should publish: both purposes together. */
const mixed = () => jwksOf(legacy, grantKey, certKey);

function jwsSignedBy(key: Key, kid: string, kv = key.version): Promise<string> {
  return new SignJWT({ ...grantClaims(device.jkt, { kv }) })
    .setProtectedHeader({ alg: "EdDSA", typ: "tessera-grant+jwt", kid })
    .sign(key.privateKey);
}

async function certificateSignedBy(key: CryptoKey, keyVersion: number) {
  const terminal = await generateSigningKeyPair();
  return decodeCertificate(
    await issueCertificate(
      {
        terminalNumber: 7,
        operations: ["debit"],
        validFrom: 1_793_487_600,
        validHours: 24,
        keyVersion,
        publicKey: await exportPublicKeyRaw(terminal.publicKey),
      },
      key,
    ),
  );
}

describe("key ids name their purpose", () => {
  it("reads the three forms, and lets each verifier take only its own and the legacy one", () => {
    expect(parseKid("tessera-grant-2")).toEqual({ version: 2, use: "grant" });
    expect(parseKid("tessera-cert-2")).toEqual({ version: 2, use: "certificate" });
    expect(parseKid("tessera-1")).toEqual({ version: 1, use: "dual" });
    expect(versionFromKid("tessera-grant-2", "certificate")).toBeUndefined();
    expect(versionFromKid("tessera-cert-2", "grant")).toBeUndefined();
    expect(versionFromKid("tessera-1", "grant")).toBe(1);
    expect(versionFromKid("tessera-1", "certificate")).toBe(1);
  });

  it.each([
    "tessera-grant-0",
    "tessera-cert-256",
    "tessera-grant-02",
    "tessera-certificate-2",
    "tessera-dual-2",
  ])("does not read %j as one of ours", (kid) => {
    expect(parseKid(kid)).toBeUndefined();
  });
});

describe("a grant verifier never accepts a JWS signed by a certificate key", () => {
  it("refuses it under the certificate key's own kid, even from a set that holds that key", async () => {
    const token = await jwsSignedBy(certKey, certKey.kid);
    for (const set of [publishedJwks(), mixed()])
      expect(await verifyGrant(token, set, { now: NOW + 60 })).toEqual({ ok: false, reason: "unknown_kid" });
  });

  it("refuses it under the grant key's kid: the signature does not verify", async () => {
    const token = await jwsSignedBy(certKey, grantKey.kid);
    for (const set of [publishedJwks(), mixed()])
      expect(await verifyGrant(token, set, { now: NOW + 60 })).toEqual({
        ok: false,
        reason: "bad_signature",
      });
  });

  it("refuses it under a legacy-style kid for a split version", async () => {
    const token = await jwsSignedBy(certKey, "tessera-2");
    expect(await verifyGrant(token, mixed(), { now: NOW + 60 })).toEqual({
      ok: false,
      reason: "unknown_kid",
    });
  });

  it("leaves a plain JOSE library with the published JWKS nothing to verify it with", async () => {
    const token = await jwsSignedBy(certKey, certKey.kid);
    await expect(
      jwtVerify(token, createLocalJWKSet(publishedJwks()), { currentDate: new Date((NOW + 60) * 1000) }),
    ).rejects.toMatchObject({ code: "ERR_JWKS_NO_MATCHING_KEY" });
  });

  it("still accepts the real grant key's grants and the legacy key's", async () => {
    const current = await signGrant(grantClaims(device.jkt, { kv: 2 }), grantKey);
    const old = await signGrant(grantClaims(device.jkt, { kv: 1 }), legacy);
    for (const token of [current, old]) {
      expect((await verifyGrant(token, publishedJwks(), { now: NOW + 60 })).ok).toBe(true);
      const { protectedHeader } = await jwtVerify(token, createLocalJWKSet(publishedJwks()), {
        currentDate: new Date((NOW + 60) * 1000),
      });
      expect(protectedHeader.kid).toMatch(/^tessera-(grant-)?[12]$/);
    }
  });
});

describe("a certificate verifier never accepts a certificate signed by a grant key", () => {
  it("refuses a version-2 certificate signed with version 2's grant key", async () => {
    const keys = await keysByVersion(publishedCertificateKeys(), "certificate");
    const forged = await certificateSignedBy(grantKey.privateKey, 2);
    expect(await verifyCertificate(forged, keys.get(2)!)).toBe(false);
    const genuine = await certificateSignedBy(certKey.privateKey, 2);
    expect(await verifyCertificate(genuine, keys.get(2)!)).toBe(true);
  });

  it("picks the certificate key of a version, never its grant key, whatever set it is handed", async () => {
    const fromJwks = await keysByVersion(mixed(), "certificate");
    expect([...fromJwks.keys()]).toEqual([1, 2]);
    const genuine = await certificateSignedBy(certKey.privateKey, 2);
    expect(await verifyCertificate(genuine, fromJwks.get(2)!)).toBe(true);

    expect([...(await keysByVersion(publishedJwks(), "certificate")).keys()]).toEqual([1]);
    expect([...(await keysByVersion(publishedCertificateKeys(), "grant")).keys()]).toEqual([1]);
  });

  it("still verifies certificates a legacy dual-purpose key signed", async () => {
    const keys = await keysByVersion(publishedCertificateKeys(), "certificate");
    expect(await verifyCertificate(await certificateSignedBy(legacy.privateKey, 1), keys.get(1)!)).toBe(true);
  });
});
