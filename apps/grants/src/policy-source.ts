/**
 * The current policy, fetched from the policy Worker over its service binding (plain `GET /v1/policy`)
 * and kept per isolate for 30 s: a grant must carry a policy published moments ago, and a policy is
 * a few KiB. If the policy Worker cannot be reached, the last policy seen is used for up to an hour
 * (stale-if-error), so a policy outage does not stop grant issuance.
 */
import { PolicyDocument, TesseraError } from "@tessera/protocol";

const FRESH_MS = 30_000;
const STALE_IF_ERROR_MS = 3_600_000;

interface Held {
  fetchedAt: number;
  policy: PolicyDocument;
}

const held = new WeakMap<Fetcher, Held>();
const inflight = new WeakMap<Fetcher, Promise<PolicyDocument>>();

async function fetchPolicy(binding: Fetcher): Promise<PolicyDocument> {
  const response = await binding.fetch("https://policy.internal/v1/policy", {
    headers: { Accept: "application/json" },
  });
  if (!response.ok) throw new Error(`policy Worker answered ${response.status}`);
  const body: unknown = await response.json();
  // The policy Worker may wrap the document ({ policy, etag }); either shape carries the same document.
  const document =
    typeof body === "object" && body !== null && "policy" in body
      ? (body as { policy: unknown }).policy
      : body;
  return PolicyDocument.parse(document);
}

/** The current policy; throws `service_unavailable` when none has been seen within the last hour. */
export async function currentPolicy(binding: Fetcher): Promise<PolicyDocument> {
  const known = held.get(binding);
  if (known && Date.now() - known.fetchedAt < FRESH_MS) return known.policy;
  let pending = inflight.get(binding);
  if (!pending) {
    pending = fetchPolicy(binding);
    inflight.set(binding, pending);
    pending
      .then((policy) => held.set(binding, { fetchedAt: Date.now(), policy }))
      .catch(() => {})
      .finally(() => inflight.delete(binding));
  }
  try {
    return await pending;
  } catch (error) {
    if (known && Date.now() - known.fetchedAt < STALE_IF_ERROR_MS) {
      console.warn(JSON.stringify({ level: "warn", event: "policy_stale_if_error", error: String(error) }));
      return known.policy;
    }
    console.error(JSON.stringify({ level: "error", event: "policy_unavailable", error: String(error) }));
    throw new TesseraError(
      "service_unavailable",
      "The current policy could not be read from the policy service",
    );
  }
}

/** Drops the held policy, so the next call fetches it (tests change the stub's policy). */
export function forgetPolicy(binding: Fetcher): void {
  held.delete(binding);
}
