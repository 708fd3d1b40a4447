/**
 * What a phone needs to check a card with no secret and no network: the backend's public signing keys (the
 * JWKS) and the policy's readable layouts, accepted key versions and currency. Fetched when online and kept in
 * localStorage, so the balance view verifies offline with the last keys it saw; replaced at every fetch.
 */
import {
  type CardReadResult,
  type CardVerdict,
  cardImageFromRead,
  Jwks,
  keysByVersion,
  PolicyDocument,
  verifyCard,
} from "@tessera/protocol";
import { z } from "zod";
import { config } from "../config/index.ts";

export const TRUST_STORAGE_KEY = "tessera.balance.trust.v1";

const TrustMaterial = z.object({
  jwks: Jwks,
  readableLayouts: z.array(z.int()),
  acceptedKeyVersions: z.array(z.int()),
  currency: z.object({ code: z.string(), minorUnit: z.int() }),
  /** Epoch milliseconds of the fetch. */
  fetchedAt: z.number(),
});
export type TrustMaterial = z.infer<typeof TrustMaterial>;

export function cachedTrust(): TrustMaterial | null {
  try {
    const raw = localStorage.getItem(TRUST_STORAGE_KEY);
    return raw ? TrustMaterial.parse(JSON.parse(raw)) : null;
  } catch {
    return null;
  }
}

/** Fetches the public keys and the policy; on any failure the cached copy (if any) stays in use. */
export async function refreshTrust(fetcher: typeof fetch = fetch): Promise<TrustMaterial> {
  // This copy is the cache: the HTTP cache would only add a second, staler one (and conditional requests).
  const [jwksResponse, policyResponse] = await Promise.all([
    fetcher(`${config.workers.grants}/.well-known/jwks.json`, { cache: "no-store" }),
    fetcher(`${config.workers.policy}/v1/policy`, { cache: "no-store" }),
  ]);
  if (!jwksResponse.ok || !policyResponse.ok) throw new Error("the backend did not hand out its public keys");
  const jwks = Jwks.parse(await jwksResponse.json());
  const policy = PolicyDocument.parse(await policyResponse.json());
  const trust: TrustMaterial = {
    jwks,
    readableLayouts: policy.layouts.readable,
    acceptedKeyVersions: policy.keys.acceptedVersions,
    currency: { code: policy.currency.code, minorUnit: policy.currency.minorUnit },
    fetchedAt: Date.now(),
  };
  localStorage.setItem(TRUST_STORAGE_KEY, JSON.stringify(trust));
  return trust;
}

/** Verifies what was read with public keys only: no deny list, no memory of earlier reads (a phone has neither). */
export async function verifyWithTrust(read: CardReadResult, trust: TrustMaterial): Promise<CardVerdict> {
  return verifyCard(cardImageFromRead(read), {
    keys: await keysByVersion(trust.jwks, "certificate"),
    policy: { readableLayouts: trust.readableLayouts, acceptedKeyVersions: trust.acceptedKeyVersions },
  });
}
