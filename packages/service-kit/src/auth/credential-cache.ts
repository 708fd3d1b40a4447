/**
 * AUTH_KV as a named cache: the read path every Worker uses to turn a presented secret into a
 * principal. The policy Worker is its only writer (ADR 0003).
 */
import {
  type AccessIdentityRecord,
  AccessIdentityRecord as AccessIdentitySchema,
  CredentialRecord,
} from "./principal.ts";

/** The slice of a KV namespace this module uses; a real `KVNamespace` satisfies it. */
export interface AuthKv {
  get(key: string, options: { type: "text"; cacheTtl?: number }): Promise<string | null>;
  put(key: string, value: string, options?: { expiration?: number; expirationTtl?: number }): Promise<void>;
  delete(key: string): Promise<void>;
}

/**
 * 30 s is KV's smallest edge cache: a credential check is then usually answered from the colo's cache,
 * and a revocation (a KV delete) is seen everywhere within KV's ≤ 60 s propagation plus this TTL.
 */
export const CREDENTIAL_CACHE_TTL_SECONDS = 30;

const credentialKey = (hash: string) => `cred:${hash}`;
const accessKey = (email: string) => `access:${email.trim().toLowerCase()}`;

/** KV refuses absolute expirations less than 60 s away. */
const MIN_KV_EXPIRATION_SECONDS = 60;

function expirationOf(expiresAt: string | null): { expiration?: number } {
  if (expiresAt === null) return {};
  const seconds = Math.floor(Date.parse(expiresAt) / 1000);
  return { expiration: Math.max(seconds, Math.floor(Date.now() / 1000) + MIN_KV_EXPIRATION_SECONDS) };
}

export function credentialCache(kv: AuthKv) {
  return {
    /** The record for a secret's hash, or null when none is live; a corrupt record counts as none. */
    async get(hash: string): Promise<CredentialRecord | null> {
      const raw = await kv.get(credentialKey(hash), { type: "text", cacheTtl: CREDENTIAL_CACHE_TTL_SECONDS });
      if (raw === null) return null;
      const parsed = CredentialRecord.safeParse(safeJson(raw));
      if (!parsed.success) {
        console.error(JSON.stringify({ level: "error", event: "credential_record_invalid" }));
        return null;
      }
      return parsed.data;
    },
    /** Mirrors a live credential; KV drops it by itself once it expires. */
    async put(hash: string, record: CredentialRecord): Promise<void> {
      await kv.put(
        credentialKey(hash),
        JSON.stringify(CredentialRecord.parse(record)),
        expirationOf(record.expiresAt),
      );
    },
    async delete(hash: string): Promise<void> {
      await kv.delete(credentialKey(hash));
    },
    async getAccessIdentity(email: string): Promise<AccessIdentityRecord | null> {
      const raw = await kv.get(accessKey(email), { type: "text", cacheTtl: CREDENTIAL_CACHE_TTL_SECONDS });
      if (raw === null) return null;
      const parsed = AccessIdentitySchema.safeParse(safeJson(raw));
      return parsed.success ? parsed.data : null;
    },
    async putAccessIdentity(email: string, record: AccessIdentityRecord): Promise<void> {
      await kv.put(accessKey(email), JSON.stringify(AccessIdentitySchema.parse(record)));
    },
    async deleteAccessIdentity(email: string): Promise<void> {
      await kv.delete(accessKey(email));
    },
  };
}
export type CredentialCache = ReturnType<typeof credentialCache>;

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
