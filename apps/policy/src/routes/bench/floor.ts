/**
 * `GET /bench/floor`: the benchmark's floor, one KV read returned as is with no logic, behind the same
 * middleware as every route. It answers only when the var BENCH_FLOOR is "1" (`pnpm bench` sets it;
 * no deployment does), and stays out of the OpenAPI document because it is not part of the API.
 */
import { TesseraError } from "@tessera/protocol";
import { createServiceRouter } from "@tessera/service-kit";
import { currentKey } from "../../cache/document-cache.ts";
import type { PolicyEnv } from "../../env.ts";

export const BENCH_FLOOR_PATH = "/bench/floor";

export const benchRoutes = createServiceRouter<PolicyEnv>().get(BENCH_FLOOR_PATH, async (c) => {
  if (c.env.BENCH_FLOOR !== "1") throw new TesseraError("not_found", `No route for GET ${BENCH_FLOOR_PATH}`);
  return c.body((await c.env.POLICY_KV.get(currentKey("policy"))) ?? "null", 200, {
    "Content-Type": "application/json",
  });
});
