import { DEFAULT_POLICY, type PolicyDocument } from "@tessera/protocol";
import { describe, expect, it } from "vitest";
import { grantTerms } from "./grant-terms.ts";

const HOUR = 3600;
const policy: PolicyDocument = { ...DEFAULT_POLICY, version: 7, publishedAt: "2026-11-01T00:00:00.000Z" };
const subject = {
  terminalId: "trm_0123456789abcdef0123",
  terminalNumber: 42,
  role: "pos" as const,
  locationId: "bar",
  jkt: "J".repeat(43),
};
const input = {
  subject,
  policy,
  keyVersion: 3,
  denyListVersion: 11,
  gseq: 5,
  grantId: "grt_1",
  issuer: "https://grants.example",
  now: 1_793_494_321,
};

describe("grantTerms", () => {
  it("takes scope and offline limits from the policy's section for the terminal's role", () => {
    const { claims } = grantTerms(input);
    expect(claims).toMatchObject({
      sub: subject.terminalId,
      tid: 42,
      role: "pos",
      ops: DEFAULT_POLICY.roles.pos.operations,
      limits: DEFAULT_POLICY.roles.pos.offline,
      loc: "bar",
      pv: 7,
      dlv: 11,
      kv: 3,
      gseq: 5,
      cnf: { jkt: subject.jkt },
      iat: input.now,
      exp: input.now + DEFAULT_POLICY.grant.lifetimeSeconds,
    });
  });

  it("never grants operations beyond the role's ceiling, whatever the policy says", () => {
    const generous = {
      ...policy,
      roles: {
        ...policy.roles,
        pos: { ...policy.roles.pos, operations: ["debit", "topup", "issue"] as const },
      },
    };
    const { claims, certificate } = grantTerms({ ...input, policy: generous as unknown as PolicyDocument });
    expect(claims.ops).toEqual(["debit"]);
    expect(certificate.operations).toEqual(["debit"]);
  });

  it("starts the certificate on the hour before issue and covers the whole grant", () => {
    const { claims, certificate } = grantTerms(input);
    expect(certificate.validFrom % HOUR).toBe(0);
    expect(certificate.validFrom).toBeLessThanOrEqual(claims.iat - policy.clockSkewSeconds);
    expect(claims.iat - policy.clockSkewSeconds - certificate.validFrom).toBeLessThan(HOUR);
    const validUntil = certificate.validFrom + certificate.validHours * HOUR;
    expect(validUntil).toBeGreaterThanOrEqual(claims.exp);
    expect(validUntil - claims.exp).toBeLessThan(HOUR);
  });

  it("starts the certificate early enough for a clock running behind by the skew allowance, even just past the hour", () => {
    const justPastTheHour = Math.floor(input.now / HOUR) * HOUR + 5;
    const { certificate } = grantTerms({ ...input, now: justPastTheHour });
    expect(policy.clockSkewSeconds).toBeGreaterThan(5);
    // The terminal's clock reads the issue time minus the allowance: the certificate must already be valid.
    expect(certificate.validFrom).toBeLessThanOrEqual(justPastTheHour - policy.clockSkewSeconds);
    expect(certificate.validFrom + certificate.validHours * HOUR).toBeGreaterThanOrEqual(
      justPastTheHour + policy.grant.lifetimeSeconds,
    );
  });

  it("asks for a refresh one refresh margin before expiry, never before issue", () => {
    expect(grantTerms(input).refreshAt).toBe(
      input.now + DEFAULT_POLICY.grant.lifetimeSeconds - DEFAULT_POLICY.grant.refreshMarginSeconds,
    );
    const odd = { ...policy, grant: { lifetimeSeconds: 600, refreshMarginSeconds: 3600 } };
    expect(grantTerms({ ...input, policy: odd }).refreshAt).toBe(input.now);
  });
});
