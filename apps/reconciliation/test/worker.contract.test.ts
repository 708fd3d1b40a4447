import { env, exports } from "cloudflare:workers";
import { describeWorkerContract } from "@tessera/service-kit/testing";
import worker from "../src/index.ts";
import { RECONCILIATION_SERVICE } from "../src/service.ts";

describeWorkerContract({
  ...RECONCILIATION_SERVICE,
  fetch: (request) => exports.default.fetch(request),
  fetchWithEnv: async (request, brokenEnv) => worker.fetch(request, brokenEnv),
  env,
  database: env.DB,
  cache: env.RECON_KV,
  requiredBindings: ["DB", "RECON_KV", "AUTH_KV", "GRANTS", "POLICY"],
});
