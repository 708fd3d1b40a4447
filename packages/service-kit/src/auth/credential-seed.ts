/**
 * Mints a live credential straight into AUTH_KV, as the policy Worker would, so Workers that never
 * issue credentials (grants, reconciliation) can test their access rules alone. Test use only.
 */
import { type AuthKv, credentialCache } from "./credential-cache.ts";
import type { CredentialKind, StoredPrincipal } from "./principal.ts";
import type { CredentialSpec } from "./route-walk.ts";
import { generateSecret, hashSecret } from "./secrets.ts";

export interface SeededCredential {
  secret: string;
  hash: string;
  headers: { Authorization: string };
}

/** Writes a `cred:` record for a fresh secret and returns the secret with ready-made bearer headers. */
export async function seedCredential(
  kv: AuthKv,
  spec: CredentialSpec,
  options: { expiresAt?: string | null; credential?: CredentialKind } = {},
): Promise<SeededCredential> {
  const credential = options.credential ?? (spec.kind === "service" ? "api_key" : "admin_token");
  const secret = generateSecret(
    credential === "api_key" ? "apiKey" : credential === "session" ? "session" : "adminToken",
  );
  const hash = await hashSecret(secret);
  const id = crypto.randomUUID();
  const principal: StoredPrincipal =
    spec.kind === "service"
      ? { kind: "service", id: `key_${id}`, name: "test key", scopes: spec.scopes }
      : { kind: "user", id: `person_${id}`, name: `test ${spec.role}`, role: spec.role };
  await credentialCache(kv).put(hash, {
    id,
    credential,
    principal,
    expiresAt:
      options.expiresAt === undefined ? new Date(Date.now() + 3600_000).toISOString() : options.expiresAt,
  });
  return { secret, hash, headers: { Authorization: `Bearer ${secret}` } };
}
