import { env, exports } from "cloudflare:workers";
import { describeWorkerContract } from "@tessera/service-kit/testing";
import worker from "../src/index.ts";
import { POLICY_SERVICE } from "../src/service.ts";

describeWorkerContract({
  ...POLICY_SERVICE,
  fetch: (request) => exports.default.fetch(request),
  fetchWithEnv: async (request, brokenEnv) => worker.fetch(request, brokenEnv),
  env,
  database: env.DB,
  cache: env.POLICY_KV,
  requiredBindings: ["DB", "POLICY_KV", "AUTH_KV", "AUDIT"],
});
