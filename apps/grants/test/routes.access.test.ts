import { env, exports } from "cloudflare:workers";
import { seedCredential, walkRouteAccess } from "@tessera/service-kit";
import { describe, expect, it } from "vitest";
import { app } from "../src/index.ts";
import { call, problemOf } from "./helpers.ts";

const BENCH_ROUTES = [
  "/bench/floor",
  "/bench/terminals",
  "/bench/deny-list/seed",
  "/bench/deny-list/changes",
];

interface Operation {
  "x-tessera-access"?: unknown;
  "x-tessera-terminal"?: boolean;
  security?: Record<string, string[]>[];
}

async function openApi(): Promise<{ paths: Record<string, Record<string, Operation>> }> {
  return (await (await call("/openapi.json")).json()) as { paths: Record<string, Record<string, Operation>> };
}

describe("route table", () => {
  it("declares access on every route, and every non-public route refuses a missing or insufficient credential", async () => {
    const report = await walkRouteAccess({
      document: await openApi(),
      fetch: (request) => exports.default.fetch(request),
      credential: async (spec) => (await seedCredential(env.AUTH_KV, spec)).headers,
      routes: app.routes,
      undocumented: ["/openapi.json", "/docs", ...BENCH_ROUTES],
    });
    expect(report.failures).toEqual([]);
    const declared = report.routes
      .filter((route) => route.access !== undefined)
      .map((route) => `${route.method} ${route.path}`);
    expect(declared).toEqual(
      expect.arrayContaining([
        "POST /v1/enrolment-codes",
        "POST /v1/terminals",
        "GET /v1/terminals",
        "GET /v1/terminals/{id}",
        "POST /v1/terminals/{id}/revoke",
        "POST /v1/grants",
        "GET /v1/keys",
        "POST /v1/keys/rotate",
        "POST /v1/keys/{version}/activate",
        "GET /.well-known/jwks.json",
        "GET /.well-known/tessera-certificate-keys.json",
        "GET /v1/deny-list",
        "POST /v1/deny-list/entries",
        "DELETE /v1/deny-list/entries/{kind}/{id}",
        "POST /v1/validate",
      ]),
    );
  });

  it("documents the terminal alternative of mixed routes, and refuses a DPoP credential that does not verify", async () => {
    const document = await openApi();
    for (const [path, method] of [
      ["/v1/deny-list", "get"],
      ["/v1/validate", "post"],
    ] as const) {
      const operation = document.paths[path]![method]!;
      expect(operation["x-tessera-terminal"]).toBe(true);
      expect(operation.security).toContainEqual({ terminalGrant: [] });
      const response = await call(path, {
        method: method.toUpperCase(),
        headers: {
          Authorization: "DPoP not-a-grant",
          DPoP: "not-a-proof",
          "Content-Type": "application/json",
        },
        ...(method === "post" ? { body: "{}" } : {}),
      });
      expect(response.status).toBe(401);
      expect((await problemOf(response)).code).toBe("grant_invalid");
    }
  });

  it("serves no benchmark route unless BENCH_FLOOR is set", async () => {
    for (const path of BENCH_ROUTES) {
      const response = await call(path, { method: path === "/bench/floor" ? "GET" : "POST" });
      expect(response.status).toBe(404);
    }
  });
});
