/** The policy Worker's bindings: their generated types and the check that runs before any route. */
import { bindingWith, type ServiceEnv } from "@tessera/service-kit";
import { z } from "zod";

export const PolicyBindings = z.object({
  DB: bindingWith<D1Database>("D1 database", ["prepare", "batch"]),
  POLICY_KV: bindingWith<KVNamespace>("KV namespace", ["get", "put", "delete"]),
  SERVICE_VERSION: z.string().min(1),
});

/** `Env` comes from worker-configuration.d.ts (`pnpm cf-typegen`), so it tracks wrangler.jsonc. */
export type PolicyEnv = ServiceEnv<Env>;
