/** The current policy, fetched from the policy Worker over the `POLICY` service binding and kept briefly. */
import { PolicyDocument, TesseraError } from "@tessera/protocol";

// Policy changes by explicit publication and terminals pick it up on their own cadence; a minute of
// staleness here only delays which limits the next uploads are checked against.
const POLICY_TTL_MS = 60_000;
let cached: { policy: PolicyDocument; until: number } | undefined;

// A published version never changes, so each one is fetched once per isolate.
const MAX_VERSIONS = 64;
const versions = new Map<number, PolicyDocument>();

/**
 * Policy `version` as published (a grant's `pv`), or null when the policy Worker does not have it or does not
 * answer: the caller then judges by the current policy.
 */
export async function policyVersion(
  env: { POLICY: Fetcher },
  version: number,
): Promise<PolicyDocument | null> {
  const known = versions.get(version);
  if (known) return known;
  try {
    const response = await env.POLICY.fetch(`https://policy.internal/v1/policy/versions/${version}`, {
      headers: { Accept: "application/json" },
    });
    if (!response.ok) {
      await response.body?.cancel();
      return null;
    }
    const policy = PolicyDocument.parse(await response.json());
    if (versions.size >= MAX_VERSIONS) versions.clear();
    versions.set(version, policy);
    return policy;
  } catch (error) {
    console.error(
      JSON.stringify({ level: "error", event: "policy_version_unavailable", version, error: String(error) }),
    );
    return null;
  }
}

export async function currentPolicy(env: { POLICY: Fetcher }): Promise<PolicyDocument> {
  const now = Date.now();
  if (cached && cached.until > now) return cached.policy;
  try {
    const response = await env.POLICY.fetch("https://policy.internal/v1/policy", {
      headers: { Accept: "application/json" },
    });
    if (!response.ok) throw new Error(`policy answered ${response.status}`);
    const policy = PolicyDocument.parse(await response.json());
    cached = { policy, until: now + POLICY_TTL_MS };
    return policy;
  } catch (error) {
    console.error(JSON.stringify({ level: "error", event: "policy_unavailable", error: String(error) }));
    // A policy a few minutes old is still the operator's published word; nothing at all is not.
    if (cached) return cached.policy;
    throw new TesseraError("service_unavailable", "The policy service did not answer; retry later");
  }
}
