/**
 * The move from one dual-purpose key per version to split keys, on a deployment in use (ADR 0004,
 * docs/operations.md): the database holds the active version 1 as the previous release wrote it — one key,
 * wrapped with the version alone, no certificate key. Grants and cards under it keep verifying through a
 * normal rotation to the split version 2, and version 1 leaves both key sets only when the rotation rules
 * retire it.
 */
import { env } from "cloudflare:workers";
import {
  decodeCertificate,
  decodeGrantUnverified,
  fromBase64Url,
  type Jwks,
  keysByVersion,
  verifyCertificate,
  verifyGrant,
} from "@tessera/protocol";
import { beforeAll, describe, expect, it } from "vitest";
import { keyRing } from "../src/keys/keyring.ts";
import { blankCard, validateCard, validator, write } from "./cards.ts";
import { admin, auditor, call, enrolTerminal, fetchGrant, json } from "./helpers.ts";
import { insertLegacyKey } from "./legacy-key.ts";

const HOUR = 3600;

async function keySet(path: string): Promise<Jwks> {
  return (await (await call(path)).json()) as Jwks;
}
const jwks = () => keySet("/.well-known/jwks.json");
const certificateKeys = () => keySet("/.well-known/tessera-certificate-keys.json");
const kids = (set: Jwks) => set.keys.map((key) => key.kid);

async function certificateVerifies(answer: { certificate: string }, set: Jwks): Promise<boolean> {
  const certificate = decodeCertificate(fromBase64Url(answer.certificate));
  const key = (await keysByVersion(set, "certificate")).get(certificate.keyVersion);
  return key !== undefined && (await verifyCertificate(certificate, key));
}

let legacyX: string;

beforeAll(async () => {
  // This file's database is its own; the upgrade starts from a deployment that has only the legacy key.
  const existing = await env.DB.prepare("SELECT COUNT(*) AS n FROM signing_keys").first<{ n: number }>();
  expect(existing!.n).toBe(0);
  legacyX = await insertLegacyKey();
});

describe("migrating from a dual-purpose key version to split keys", () => {
  it("keeps grants and cards of the legacy version verifying through rotation, and retires it by the rules", async () => {
    // 1. After the upgrade nothing changes until the next rotation: the legacy key signs both, under
    //    kid tessera-1 in both sets.
    const oldStation = await enrolTerminal({ role: "station", locationId: "lobby" });
    const oldGrant = await fetchGrant(oldStation);
    expect(oldGrant.keyVersion).toBe(1);
    expect(decodeGrantUnverified(oldGrant.grant)!.header.kid).toBe("tessera-1");
    expect((await jwks()).keys).toEqual([expect.objectContaining({ kid: "tessera-1", x: legacyX })]);
    expect((await certificateKeys()).keys).toEqual([
      expect.objectContaining({ kid: "tessera-1", x: legacyX }),
    ]);
    expect(await certificateVerifies(oldGrant, await certificateKeys())).toBe(true);
    const now = Math.floor(Date.now() / 1000);
    let legacyCard = await write(blankCard(), oldStation, oldGrant, { op: "issue" }, now);
    legacyCard = await write(
      legacyCard,
      oldStation,
      oldGrant,
      { op: "topup", amount: 900, authorisationId: "a" },
      now,
    );
    expect(await validateCard(legacyCard, await validator())).toMatchObject({
      valid: true,
      state: { keyVersion: 1 },
    });
    expect(
      ((await (await call("/v1/keys", { headers: await auditor() })).json()) as { keys: unknown[] }).keys,
    ).toEqual([
      expect.objectContaining({ version: 1, status: "active", dualPurpose: true, kid: "tessera-1" }),
    ]);

    // 2. The next rotation publishes version 2 with two keys, each in its own set beside the legacy key.
    const headers = await admin();
    const rotated = await call("/v1/keys/rotate", { method: "POST", headers });
    expect(rotated.status).toBe(201);
    const published = (await rotated.json()) as {
      dualPurpose: boolean;
      kid: string;
      publicKey: { x: string };
      certificateKey: { kid: string; publicKey: { x: string } };
    };
    expect(published).toMatchObject({
      dualPurpose: false,
      kid: "tessera-grant-2",
      certificateKey: { kid: "tessera-cert-2" },
    });
    expect(published.certificateKey.publicKey.x).not.toBe(published.publicKey.x);
    expect(kids(await jwks())).toEqual(["tessera-1", "tessera-grant-2"]);
    expect(kids(await certificateKeys())).toEqual(["tessera-1", "tessera-cert-2"]);

    // 3. Activation (hurried here: no terminal in this test could be caught not knowing version 2).
    const activated = await call(
      "/v1/keys/2/activate",
      json({ override: true, reason: "test: split keys" }, headers),
    );
    expect(activated.status).toBe(200);

    // 4. The overlap: new grants under the grant key, new certificates under the certificate key…
    const newPos = await enrolTerminal({ role: "pos", locationId: "lobby" });
    const newGrant = await fetchGrant(newPos);
    expect(newGrant.keyVersion).toBe(2);
    expect(decodeGrantUnverified(newGrant.grant)!.header.kid).toBe("tessera-grant-2");
    const overlapJwks = await jwks();
    const overlapCertificates = await certificateKeys();
    expect(await certificateVerifies(newGrant, overlapCertificates)).toBe(true);
    expect(await certificateVerifies(newGrant, overlapJwks)).toBe(false);
    // …while what the legacy key signed still verifies: the old grant (still served from the cache) and cards.
    const cachedOld = await fetchGrant(oldStation);
    expect(cachedOld.grant).toBe(oldGrant.grant);
    for (const grant of [oldGrant.grant, newGrant.grant])
      expect((await verifyGrant(grant, overlapJwks)).ok).toBe(true);
    expect(await certificateVerifies(oldGrant, overlapCertificates)).toBe(true);
    expect(await validateCard(legacyCard, await validator())).toMatchObject({
      valid: true,
      state: { keyVersion: 1 },
    });
    // The card is re-signed with version 2 on its next write; its other slot is still under version 1.
    const mixedCard = await write(legacyCard, newPos, newGrant, { op: "debit", amount: 100 }, now + 60);
    expect(await validateCard(mixedCard, await validator())).toMatchObject({
      valid: true,
      recovered: false,
      state: { keyVersion: 2, balance: 800 },
    });

    // 5. Retirement, once everything version 1 signed has expired and policy no longer accepts it (the
    //    clock moved on: its grants expired and it was superseded long ago).
    const past = Math.floor(Date.now() / 1000) - HOUR;
    await env.DB.batch([
      env.DB.prepare(
        "UPDATE issued_grants SET expires_at = ?1, certificate_valid_until = ?1 WHERE key_version = 1",
      ).bind(past),
      env.DB.prepare("UPDATE signing_keys SET superseded_at = ?1 WHERE version = 1").bind(past - HOUR),
    ]);
    const ring = keyRing(env);
    expect(await ring.retireExpired({ acceptedVersions: [1, 2] })).toEqual([]);
    expect(await ring.retireExpired({ acceptedVersions: [2] })).toEqual([1]);
    ring.forget();
    // No dual-purpose key is published any more.
    expect(kids(await jwks())).toEqual(["tessera-grant-2"]);
    expect(kids(await certificateKeys())).toEqual(["tessera-cert-2"]);
    expect((await verifyGrant(oldGrant.grant, await jwks())).ok).toBe(false);
    // Why policy keeps a version until no card depends on it alone: a card whose every slot is under it is
    // refused, while a card written since reads on (its old slot counts as damage).
    expect(await validateCard(legacyCard, await validator())).toMatchObject({
      valid: false,
      verdict: "tampered",
      reason: "unknown-key-version",
    });
    expect(await validateCard(mixedCard, await validator())).toMatchObject({
      valid: true,
      recovered: true,
      state: { keyVersion: 2, balance: 800 },
    });
  });
});
