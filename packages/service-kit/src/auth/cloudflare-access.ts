/**
 * Cloudflare Access in front of the console: Access signs a JWT for every request it lets through and
 * sends it as `Cf-Access-Jwt-Assertion`. The Workers verify it against the team's published keys and
 * treat the email in it as the person of that name, with the role their invitation gave them.
 */
import { createRemoteJWKSet, type JWTVerifyGetKey, jwtVerify } from "jose";

export const ACCESS_ASSERTION_HEADER = "Cf-Access-Jwt-Assertion";

export interface AccessSettings {
  /** `https://<team>.cloudflareaccess.com` (the scheme may be left out). */
  teamDomain: string;
  /** The Application Audience (AUD) tag of the Access application guarding the console. */
  audience: string;
  /** Keys to verify with; by default the team's JWKS at `/cdn-cgi/access/certs`, fetched and cached by jose. */
  keys?: JWTVerifyGetKey;
}

// One key set per team per isolate: jose caches the fetched keys and refetches on an unknown `kid`.
const teamKeySets = new Map<string, JWTVerifyGetKey>();

export function normaliseTeamDomain(teamDomain: string): string {
  const trimmed = teamDomain.trim().replace(/\/+$/, "");
  return trimmed.startsWith("https://") ? trimmed : `https://${trimmed.replace(/^http:\/\//, "")}`;
}

function keysFor(teamDomain: string): JWTVerifyGetKey {
  let keys = teamKeySets.get(teamDomain);
  if (!keys) {
    keys = createRemoteJWKSet(new URL(`${teamDomain}/cdn-cgi/access/certs`));
    teamKeySets.set(teamDomain, keys);
  }
  return keys;
}

/** The verified email of an Access assertion; throws when the signature, issuer, audience or expiry is wrong. */
export async function verifyAccessAssertion(assertion: string, settings: AccessSettings): Promise<string> {
  const issuer = normaliseTeamDomain(settings.teamDomain);
  const { payload } = await jwtVerify(assertion, settings.keys ?? keysFor(issuer), {
    issuer,
    audience: settings.audience,
    algorithms: ["RS256", "ES256", "EdDSA"],
  });
  if (typeof payload.email !== "string" || payload.email.length === 0)
    throw new Error("the Access assertion names no email (service tokens are not people)");
  return payload.email;
}
