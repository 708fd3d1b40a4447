import { exports } from "cloudflare:workers";
import { type CredentialSpec, walkRouteAccess } from "@tessera/service-kit";
import { describe, expect, it } from "vitest";
import { app } from "../src/index.ts";
import { call, credentialFor } from "./support/worker.ts";

/** Routes anyone may call: documents hold no secrets; passkey ceremonies carry their own proof. */
const PUBLIC_ROUTES = [
  "GET /v1/policy",
  "GET /v1/policy/versions/{version}",
  "GET /v1/catalog",
  "GET /v1/catalog/versions/{version}",
  "POST /v1/passkeys/registration-options",
  "POST /v1/passkeys",
  "POST /v1/sessions/options",
  "POST /v1/sessions",
].sort();

describe("the policy Worker's route table", () => {
  it("declares every route's access, and every non-public route refuses missing and lacking credentials", {
    timeout: 60_000,
  }, async () => {
    const document = (await (await call("/openapi.json")).json()) as Parameters<
      typeof walkRouteAccess
    >[0]["document"];
    const minted = new Map<string, Record<string, string>>();
    const report = await walkRouteAccess({
      document,
      fetch: (request) => exports.default.fetch(request),
      credential: async (spec: CredentialSpec) => {
        const key = JSON.stringify(spec);
        if (!minted.has(key)) minted.set(key, await credentialFor(spec));
        return minted.get(key)!;
      },
      routes: app.routes,
      // The benchmark floor is not part of the API; a test below shows it is off unless BENCH_FLOOR is set.
      undocumented: ["/openapi.json", "/docs", "/bench/floor"],
    });
    expect(report.failures).toEqual([]);

    const publicRoutes = report.routes
      .filter((route) => route.access && "public" in route.access)
      .map((route) => `${route.method} ${route.path}`)
      .sort();
    expect(publicRoutes).toEqual(PUBLIC_ROUTES);
    const guarded = report.routes.filter((route) => route.anonymous !== undefined);
    expect(guarded.length).toBeGreaterThanOrEqual(25);
    // Every guarded route met a credential it had to refuse, except /v1/me, which any credential may call.
    const refusedSomeone = guarded
      .filter((route) => route.lacking.length > 0)
      .map((route) => `${route.method} ${route.path}`);
    expect(
      guarded
        .map((route) => `${route.method} ${route.path}`)
        .filter((route) => !refusedSomeone.includes(route)),
    ).toEqual(["GET /v1/me"]);
  });

  it("states each route's access in its OpenAPI definition", async () => {
    const document = (await (await call("/openapi.json")).json()) as {
      paths: Record<string, Record<string, { security?: unknown[]; "x-tessera-access"?: unknown }>>;
    };
    const publish = document.paths["/v1/policy/drafts/{draftId}/publish"]?.post;
    expect(publish?.["x-tessera-access"]).toEqual({ roles: ["admin"], scopes: ["policy:write"] });
    expect(publish?.security).toContainEqual({ bearerToken: ["admin", "policy:write"] });
    expect(document.paths["/v1/policy"]?.get?.security).toEqual([]);
  });

  it("keeps the benchmark floor route off unless BENCH_FLOOR is 1", async () => {
    const response = await call("/bench/floor");
    expect(response.status).toBe(404);
  });
});
