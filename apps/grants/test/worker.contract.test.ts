import { env, exports } from "cloudflare:workers";
import { describeWorkerContract } from "@tessera/service-kit/testing";
import worker from "../src/index.ts";
import { GRANTS_SERVICE } from "../src/service.ts";

describeWorkerContract({
  ...GRANTS_SERVICE,
  fetch: (request) => exports.default.fetch(request),
  fetchWithEnv: async (request, brokenEnv) => worker.fetch(request, brokenEnv),
  env,
  database: env.DB,
  cache: env.GRANTS_KV,
  requiredBindings: [
    "DB",
    "GRANTS_KV",
    "AUTH_KV",
    "AUDIT",
    "POLICY",
    "GRANT_RATE_LIMITER",
    "ENROL_RATE_LIMITER",
    "KEY_ENCRYPTION_KEY",
  ],
});
