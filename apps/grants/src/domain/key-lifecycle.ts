/**
 * The rules of signing-key rotation, as pure functions of the key rows, the policy and the clock:
 * when a published key may start signing, and when a superseded one may leave the JWKS.
 */
import type { KeyStatus } from "../db/signing-keys.ts";

/** Keys are one byte on cards, and version 0 means "none". */
export const MAX_KEY_VERSION = 255;

/**
 * How long a change to the key rows takes to reach every verifier that fetches the JWKS: isolates
 * re-read the keys every 30 s and the JWKS is cacheable for 5 minutes. Activation waits this on top of
 * a grant lifetime.
 */
export const JWKS_PROPAGATION_SECONDS = 30 + 300;

export interface KeyFacts {
  version: number;
  status: KeyStatus;
  publishedAt: number;
  supersededAt: number | null;
}

export interface KeyPolicy {
  /** The policy's grant lifetime: how long a terminal may go without fetching the JWKS again. */
  grantLifetimeSeconds: number;
  /** Key versions the policy tells card readers to accept. */
  acceptedVersions: readonly number[];
}

/** When a published key may start signing without an override. */
export function activatableAt(key: KeyFacts, policy: KeyPolicy): number {
  return key.publishedAt + policy.grantLifetimeSeconds + JWKS_PROPAGATION_SECONDS;
}

export type ActivationRefusal =
  | { reason: "not_published"; detail: string }
  | { reason: "too_early"; detail: string; activatableAt: number }
  | { reason: "not_accepted_by_policy"; detail: string };

/**
 * Whether `key` may become the signing key now. Card readers refuse a key version their policy does not
 * accept, so that is never overridable; the wait for a grant lifetime is, with an audited reason.
 */
export function activationRefusal(
  key: KeyFacts,
  policy: KeyPolicy,
  now: number,
  override: boolean,
): ActivationRefusal | undefined {
  if (key.status !== "published")
    return { reason: "not_published", detail: `Key version ${key.version} is ${key.status}, not published` };
  if (!policy.acceptedVersions.includes(key.version))
    return {
      reason: "not_accepted_by_policy",
      detail: `The current policy does not accept key version ${key.version}; publish a policy whose keys.acceptedVersions lists it first, or cards signed with it will be refused`,
    };
  const at = activatableAt(key, policy);
  if (!override && now < at)
    return {
      reason: "too_early",
      detail: `Key version ${key.version} has not been published for a grant lifetime yet; terminals holding older grants do not know it. It can be activated from ${new Date(at * 1000).toISOString()}, or now with an override`,
      activatableAt: at,
    };
  return undefined;
}

/**
 * Whether a superseded key may leave the JWKS: nothing it signed (grant or certificate) is valid any
 * more, no isolate can still be signing with it, and the policy no longer asks readers to accept it
 * (cards written under it are still being read while it does).
 */
export function retirable(
  key: KeyFacts,
  lastExpiry: number | undefined,
  policy: Pick<KeyPolicy, "acceptedVersions">,
  now: number,
): boolean {
  if (key.status !== "previous" || key.supersededAt === null) return false;
  if (now < key.supersededAt + JWKS_PROPAGATION_SECONDS) return false;
  if (lastExpiry !== undefined && lastExpiry > now) return false;
  return !policy.acceptedVersions.includes(key.version);
}

/**
 * Whether publishing the next version puts the first split-purpose keys (ADR 0004) in front of terminals: it
 * does while every version so far is a legacy dual-purpose one. Terminal software from before the split
 * refuses a key set with split ids, so that rotation waits for the fleet (ADR 0005); a fresh deployment,
 * whose first version is split already, never does.
 */
export function publishesFirstSplitVersion(versions: readonly { dualPurpose: boolean }[]): boolean {
  return versions.length > 0 && versions.every((version) => version.dualPurpose);
}

/** The statuses whose public key is in the JWKS. */
export function isPublished(status: KeyStatus): boolean {
  return status !== "retired";
}
