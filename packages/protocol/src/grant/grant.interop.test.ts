import { createLocalJWKSet, jwtVerify, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { SessionGrantClaims } from "./claims.ts";
import { backendKey, deviceKey, grantClaims, jwksOf, NOW } from "./grant.fixtures.ts";
import { Jwks } from "./keys.ts";
import { signGrant, verifyGrant } from "./session-grant.ts";

describe("grant interoperability", () => {
  it("verifies with jose alone against the published JWKS", async () => {
    const signer = await backendKey(3);
    const device = await deviceKey();
    const token = await signGrant(grantClaims(device.jkt, { kv: 3 }), signer);
    const published = JSON.parse(JSON.stringify(jwksOf(signer)));
    expect(Jwks.parse(published)).toEqual(published);

    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(published), {
      algorithms: ["EdDSA"],
      audience: "tessera",
      currentDate: new Date((NOW + 60) * 1000),
    });
    expect(protectedHeader.kid).toBe("tessera-grant-3");
    expect(SessionGrantClaims.parse(payload)).toEqual(grantClaims(device.jkt, { kv: 3 }));
  });

  it("accepts a grant another JOSE producer signed with the same key", async () => {
    const signer = await backendKey(4);
    const device = await deviceKey();
    const foreign = await new SignJWT({ ...grantClaims(device.jkt, { kv: 4 }), extra: "from a newer issuer" })
      .setProtectedHeader({ typ: "tessera-grant+jwt", kid: "tessera-grant-4", alg: "EdDSA" })
      .sign(signer.privateKey);
    const verdict = await verifyGrant(foreign, jwksOf(signer), { now: NOW + 60 });
    expect(verdict.ok && verdict.claims.extra).toBe("from a newer issuer");
  });
});
