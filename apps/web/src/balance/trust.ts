/**
 * What a phone needs to check a card with no secret and no network: the backend's certificate keys (the
 * certificate key set, not the JWKS: ADR 0004) and the policy's readable layouts, accepted key versions and
 * currency. Fetched when online and kept in localStorage, so the balance view verifies offline with the last
 * keys it saw; replaced at every fetch.
 */
import {
  type CardReadResult,
  type CardVerdict,
  CertificateKeySet,
  cardImageFromRead,
  keysByVersion,
  PolicyDocument,
  verifyCard,
} from "@tessera/protocol";
import { z } from "zod";
import { config } from "../config/index.ts";

export const TRUST_STORAGE_KEY = "tessera.balance.trust.v1";

const TrustMaterial = z.object({
  certificateKeys: CertificateKeySet,
  readableLayouts: z.array(z.int()),
  acceptedKeyVersions: z.array(z.int()),
  currency: z.object({ code: z.string(), minorUnit: z.int() }),
  /** Epoch milliseconds of the fetch. */
  fetchedAt: z.number(),
});
export type TrustMaterial = z.infer<typeof TrustMaterial>;

/**
 * A copy stored before keys were split named its key set `jwks`: every key in it was dual-purpose, so it still
 * reads the cards of its day (`keysByVersion(…, "certificate")` takes exactly those).
 */
const StoredTrust = z.preprocess(
  (raw) =>
    typeof raw === "object" && raw !== null && !("certificateKeys" in raw) && "jwks" in raw
      ? { ...raw, certificateKeys: (raw as { jwks: unknown }).jwks }
      : raw,
  TrustMaterial,
);

export function cachedTrust(): TrustMaterial | null {
  try {
    const raw = localStorage.getItem(TRUST_STORAGE_KEY);
    return raw ? StoredTrust.parse(JSON.parse(raw)) : null;
  } catch {
    return null;
  }
}

/** Fetches the public keys and the policy; on any failure the cached copy (if any) stays in use. */
export async function refreshTrust(fetcher: typeof fetch = fetch): Promise<TrustMaterial> {
  // This copy is the cache: the HTTP cache would only add a second, staler one (and conditional requests).
  const [keysResponse, policyResponse] = await Promise.all([
    fetcher(`${config.workers.grants}/.well-known/tessera-certificate-keys.json`, { cache: "no-store" }),
    fetcher(`${config.workers.policy}/v1/policy`, { cache: "no-store" }),
  ]);
  if (!keysResponse.ok || !policyResponse.ok) throw new Error("the backend did not hand out its public keys");
  const certificateKeys = CertificateKeySet.parse(await keysResponse.json());
  const policy = PolicyDocument.parse(await policyResponse.json());
  const trust: TrustMaterial = {
    certificateKeys,
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
    keys: await keysByVersion(trust.certificateKeys, "certificate"),
    policy: { readableLayouts: trust.readableLayouts, acceptedKeyVersions: trust.acceptedKeyVersions },
  });
}
