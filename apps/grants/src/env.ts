/** The grants Worker's bindings: their generated types and the check that runs before any route. */
import { type AuthEnv, bindingWith } from "@tessera/service-kit";
import { z } from "zod";

/** Base64 of exactly 32 bytes (44 characters with one `=`): an AES-256 key. */
const KeyEncryptionKey = z
  .string()
  .regex(/^[A-Za-z0-9+/]{43}=$/, "expected base64 of 32 random bytes (see .dev.vars.example)");

export const GrantsBindings = z.object({
  DB: bindingWith<D1Database>("D1 database", ["prepare", "batch"]),
  GRANTS_KV: bindingWith<KVNamespace>("KV namespace", ["get", "put", "delete"]),
  AUTH_KV: bindingWith<KVNamespace>("KV namespace", ["get"]),
  AUDIT: bindingWith<Env["AUDIT"]>("service binding to the reconciliation AuditService", ["fetch"]),
  POLICY: bindingWith<Fetcher>("service binding to the policy Worker", ["fetch"]),
  FLEET: bindingWith<Env["FLEET"]>("service binding to the reconciliation FleetService", ["fetch"]),
  GRANT_RATE_LIMITER: bindingWith<RateLimit>("rate limiter", ["limit"]),
  ENROL_RATE_LIMITER: bindingWith<RateLimit>("rate limiter", ["limit"]),
  KEY_ENCRYPTION_KEY: KeyEncryptionKey,
  SERVICE_VERSION: z.string().min(1),
});

/** `Env` comes from worker-configuration.d.ts (`pnpm cf-typegen`), so it tracks wrangler.jsonc. */
export type GrantsEnv = AuthEnv<Env & { BENCH_FLOOR?: string }>;
