/** The reconciliation Worker's bindings: their generated types and the check that runs before any route. */
import { type AuthEnv, bindingWith } from "@tessera/service-kit";
import { z } from "zod";

export const ReconciliationBindings = z.object({
  DB: bindingWith<D1Database>("D1 database", ["prepare", "batch"]),
  RECON_KV: bindingWith<KVNamespace>("KV namespace", ["get", "put", "delete"]),
  AUTH_KV: bindingWith<KVNamespace>("KV namespace", ["get"]),
  GRANTS: bindingWith<Env["GRANTS"]>("service binding to the grants GrantsService", ["fetch"]),
  POLICY: bindingWith<Fetcher>("service binding to the policy Worker", ["fetch"]),
  SERVICE_VERSION: z.string().min(1),
});

/** `Env` comes from worker-configuration.d.ts (`pnpm cf-typegen`), so it tracks wrangler.jsonc. */
export type ReconciliationEnv = AuthEnv<Env>;
