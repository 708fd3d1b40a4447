/**
 * The route table as deployed: every documented route declares its access, every non-public one refuses a
 * missing credential (401) and a credential without its role or scope (403), and nothing is served that the
 * OpenAPI document (and so this walk) does not cover.
 */
import { env } from "cloudflare:workers";
import { seedCredential, walkRouteAccess } from "@tessera/service-kit";
import { describe, expect, it } from "vitest";
import { app } from "../src/index.ts";
import {
  BENCH_FLOOR_ACCEPTED_PATH,
  BENCH_FLOOR_BATCH_PATH,
  BENCH_FLOOR_EVENTS_PATH,
  BENCH_FLOOR_SEED_PATH,
} from "../src/routes/bench/floor.ts";
import { call, ORIGIN } from "./support/http.ts";

const FLOORS = [
  BENCH_FLOOR_BATCH_PATH,
  BENCH_FLOOR_ACCEPTED_PATH,
  BENCH_FLOOR_SEED_PATH,
  BENCH_FLOOR_EVENTS_PATH,
];

describe("route access", () => {
  it("walks the route table of the deployed Worker", async () => {
    const document = (await (await call(new Request(`${ORIGIN}/openapi.json`))).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        "/v1/reconciliation/batches",
        "/v1/cards/{cardId}",
        "/v1/audit/verify",
        "/v1/reports",
      ]),
    );
    const report = await walkRouteAccess({
      document,
      fetch: call,
      credential: async (spec) => (await seedCredential(env.AUTH_KV, spec)).headers,
      routes: app.routes,
      undocumented: ["/openapi.json", "/docs", ...FLOORS],
      origin: ORIGIN,
    });
    expect(report.failures).toEqual([]);
    expect(report.routes.filter((r) => r.access && !("public" in r.access)).length).toBeGreaterThanOrEqual(
      15,
    );
  });

  it("keeps the benchmark floors closed unless BENCH_FLOOR is 1", async () => {
    for (const path of FLOORS) {
      const response = await call(
        new Request(`${ORIGIN}${path}`, { method: "POST", body: '{"events":[],"from":0,"count":1000}' }),
      );
      expect(response.status, path).toBe(404);
    }
  });
});
