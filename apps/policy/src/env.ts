/** The policy Worker's bindings: their generated types and the check that runs before any route. */
import { type AuthEnv, bindingWith } from "@tessera/service-kit";
import { z } from "zod";

export const PolicyBindings = z.object({
  DB: bindingWith<D1Database>("D1 database", ["prepare", "batch"]),
  POLICY_KV: bindingWith<KVNamespace>("KV namespace", ["get", "put", "delete"]),
  AUTH_KV: bindingWith<KVNamespace>("KV namespace", ["get", "put", "delete"]),
  AUDIT: bindingWith<Fetcher>("service binding", ["fetch"]),
  FLEET: bindingWith<Fetcher>("service binding to the reconciliation FleetService", ["fetch"]),
  PASSKEY_CLIENT_RATE_LIMITER: bindingWith<RateLimit>("rate limiter", ["limit"]),
  PASSKEY_INVITATION_RATE_LIMITER: bindingWith<RateLimit>("rate limiter", ["limit"]),
  BEARER_FAILURE_RATE_LIMITER: bindingWith<RateLimit>("rate limiter", ["limit"]),
  LOCKOUT_NOTICE_RATE_LIMITER: bindingWith<RateLimit>("rate limiter", ["limit"]),
  SERVICE_VERSION: z.string().min(1),
  WEBAUTHN_RP_ID: z.string().min(1),
  WEBAUTHN_RP_NAME: z.string().min(1),
  WEBAUTHN_ORIGINS: z.string().min(1),
});

/** Vars that are optional, so `wrangler types` cannot see them. */
interface OptionalVars {
  /** "1" mounts the benchmark's KV floor route; set only by `pnpm bench`. */
  BENCH_FLOOR?: string;
}

/** `Env` comes from worker-configuration.d.ts (`pnpm cf-typegen`), so it tracks wrangler.jsonc. */
export type PolicyEnv = AuthEnv<Env & OptionalVars>;
