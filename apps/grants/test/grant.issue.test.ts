import { env } from "cloudflare:workers";
import {
  DEFAULT_POLICY,
  decodeCertificate,
  decodeGrantUnverified,
  fromBase64Url,
  type Jwks,
  verifyCertificate,
  verifyGrant,
} from "@tessera/protocol";
import { createLocalJWKSet, importJWK, jwtVerify } from "jose";
import { describe, expect, it, vi } from "vitest";
import { auditEntries, call, enrolTerminal, fetchGrant, requestGrant } from "./helpers.ts";

async function published(path: string): Promise<Jwks> {
  const response = await call(path);
  expect(response.status).toBe(200);
  expect(response.headers.get("Cache-Control")).toContain("max-age=300");
  return (await response.json()) as Jwks;
}
const publishedJwks = () => published("/.well-known/jwks.json");
const publishedCertificateKeys = () => published("/.well-known/tessera-certificate-keys.json");

describe("POST /v1/grants", () => {
  it("issues a grant any JOSE library verifies from the published JWKS, bound to the device key", async () => {
    const terminal = await enrolTerminal({ role: "pos", locationId: "canteen" });
    const answer = await fetchGrant(terminal);
    const jwks = await publishedJwks();

    const { payload, protectedHeader } = await jwtVerify(answer.grant, createLocalJWKSet(jwks), {
      algorithms: ["EdDSA"],
      audience: "tessera",
      typ: "tessera-grant+jwt",
    });
    expect(protectedHeader.kid).toBe(`tessera-grant-${answer.keyVersion}`);
    expect(payload).toMatchObject({
      sub: terminal.terminalId,
      tid: terminal.terminalNumber,
      cnf: { jkt: terminal.device.jkt },
      role: "pos",
      ops: DEFAULT_POLICY.roles.pos.operations,
      limits: DEFAULT_POLICY.roles.pos.offline,
      loc: "canteen",
      pv: 1,
      dlv: answer.denyListVersion,
      kv: answer.keyVersion,
      gseq: 1,
    });
    expect(payload.exp! - payload.iat!).toBe(DEFAULT_POLICY.grant.lifetimeSeconds);
    expect(Date.parse(answer.refreshAt) / 1000).toBe(
      payload.exp! - DEFAULT_POLICY.grant.refreshMarginSeconds,
    );
    expect(answer.jwks).toEqual(jwks);
    expect(answer.certificateKeys).toEqual(await publishedCertificateKeys());

    // The protocol's own verifier agrees, and refuses the grant for another device key.
    expect((await verifyGrant(answer.grant, jwks, { expectedJkt: terminal.device.jkt })).ok).toBe(true);
    expect(await verifyGrant(answer.grant, jwks, { expectedJkt: "A".repeat(43) })).toEqual({
      ok: false,
      reason: "wrong_key_binding",
    });
  });

  it("comes with a card certificate for the same terminal, key, scope and window, signed by the version's certificate key", async () => {
    const terminal = await enrolTerminal({ role: "gate", locationId: "entrance" });
    const answer = await fetchGrant(terminal);
    const claims = decodeGrantUnverified(answer.grant)!.claims;
    const certificate = decodeCertificate(fromBase64Url(answer.certificate));
    expect(certificate.terminalNumber).toBe(terminal.terminalNumber);
    expect(certificate.operations).toEqual(DEFAULT_POLICY.roles.gate.operations);
    expect(certificate.keyVersion).toBe(answer.keyVersion);
    expect(certificate.publicKey).toEqual(fromBase64Url(terminal.device.publicJwk.x));
    expect(certificate.validFrom % 3600).toBe(0);
    // From the hour the clock-skew allowance before the grant falls in, so a terminal whose clock runs behind
    // can use it from the first moment.
    const skewedIat = claims.iat - DEFAULT_POLICY.clockSkewSeconds;
    expect(certificate.validFrom).toBeLessThanOrEqual(skewedIat);
    expect(certificate.validFrom).toBeGreaterThan(skewedIat - 3600);
    expect(certificate.validUntil).toBeGreaterThanOrEqual(claims.exp);
    expect(certificate.validUntil - claims.exp).toBeLessThan(3600);

    const importKey = async (set: Jwks, kid: string) => {
      const jwk = set.keys.find((key) => key.kid === kid)!;
      return (await importJWK({ kty: jwk.kty, crv: jwk.crv, x: jwk.x }, "EdDSA")) as CryptoKey;
    };
    const certificateKey = await importKey(
      await publishedCertificateKeys(),
      `tessera-cert-${answer.keyVersion}`,
    );
    expect(await verifyCertificate(certificate, certificateKey)).toBe(true);
    // The grant key of the same version did not sign it.
    const grantKey = await importKey(await publishedJwks(), `tessera-grant-${answer.keyVersion}`);
    expect(await verifyCertificate(certificate, grantKey)).toBe(false);
  });

  it("answers a repeat request in the same window from the cache, without signing again", async () => {
    const terminal = await enrolTerminal();
    const first = await requestGrant(terminal);
    expect(first.headers.get("X-Tessera-Grant")).toBe("issued");
    const firstGrant = (await first.json()) as { grant: string };
    const second = await requestGrant(terminal);
    expect(second.status).toBe(200);
    expect(second.headers.get("X-Tessera-Grant")).toBe("cached");
    expect(((await second.json()) as { grant: string }).grant).toBe(firstGrant.grant);
    const issued = await env.DB.prepare("SELECT COUNT(*) AS n FROM issued_grants WHERE terminal_id = ?")
      .bind(terminal.terminalId)
      .first<{ n: number }>();
    expect(issued!.n).toBe(1);
  });

  it("issues a fresh grant with the next sequence number once the cached one is inside its refresh margin", async () => {
    const terminal = await enrolTerminal();
    const first = await fetchGrant(terminal);
    // Time passes: the cached grant reaches its refresh time.
    const key = `grant:${terminal.terminalId}`;
    const cached = (await env.GRANTS_KV.get(key, "json")) as { refreshAt: number };
    await env.GRANTS_KV.put(key, JSON.stringify({ ...cached, refreshAt: Math.floor(Date.now() / 1000) - 1 }));

    const response = await requestGrant(terminal);
    expect(response.headers.get("X-Tessera-Grant")).toBe("issued");
    const second = (await response.json()) as { grant: string; grantSeq: number };
    expect(second.grant).not.toBe(first.grant);
    expect(second.grantSeq).toBe(first.grantSeq + 1);
    expect(decodeGrantUnverified(second.grant)!.claims.gseq).toBe(first.grantSeq + 1);
  });

  it("records every issued grant in D1 and audits it", async () => {
    const terminal = await enrolTerminal();
    const answer = await fetchGrant(terminal);
    const claims = decodeGrantUnverified(answer.grant)!.claims;
    const row = await env.DB.prepare("SELECT * FROM issued_grants WHERE id = ?").bind(claims.jti).first();
    expect(row).toMatchObject({
      terminal_id: terminal.terminalId,
      gseq: claims.gseq,
      key_version: claims.kv,
      policy_version: claims.pv,
      expires_at: claims.exp,
    });
    await vi.waitFor(async () => {
      const entry = (await auditEntries()).find(
        (e) => e.action === "grant.issue" && e.target === `terminal:${terminal.terminalId}`,
      );
      expect(entry?.detail).toMatchObject({ grantId: claims.jti, gseq: claims.gseq, keyVersion: claims.kv });
      expect(entry?.actor).toMatchObject({ kind: "terminal", id: terminal.terminalId });
    });
  });
});
