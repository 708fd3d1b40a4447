import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { MemoryRateLimiter } from "../rate-limit/rate-limit.test-kit.ts";
import { BOOTSTRAP, buildAuthApp, MemoryAuditSink, MemoryKv, type TestBindings } from "./auth.test-kit.ts";
import { CREDENTIAL_CACHE_TTL_SECONDS, credentialCache } from "./credential-cache.ts";
import { seedCredential } from "./credential-seed.ts";
import { walkRouteAccess } from "./route-walk.ts";

const ORIGIN = "https://tessera.test";

function setup(extra: Partial<TestBindings> = {}, options = {}) {
  const kv = new MemoryKv();
  const sink = new MemoryAuditSink();
  const app = buildAuthApp(sink, options);
  const env: TestBindings = { AUTH_KV: kv, BOOTSTRAP_ADMIN_TOKEN: BOOTSTRAP, ...extra };
  const call = (path: string, init: RequestInit = {}) => app.request(`${ORIGIN}${path}`, init, env);
  return { kv, sink, app, env, call };
}

const postThing = (headers: Record<string, string>) => ({
  method: "POST",
  headers: { "Content-Type": "application/json", ...headers },
  body: JSON.stringify({ name: "lamp" }),
});

async function codeOf(response: Response) {
  expect(response.headers.get("Content-Type")).toBe("application/problem+json");
  return ((await response.json()) as { code: string }).code;
}

describe("authenticate", () => {
  it("serves public routes without a credential, and with a bad one", async () => {
    const { call } = setup();
    expect(await (await call("/v1/things")).json()).toEqual({ who: "nobody" });
    const withJunk = await call("/v1/things", {
      headers: { Authorization: "Bearer tsk_not-a-real-key-at-all" },
    });
    expect(withJunk.status).toBe(200);
  });

  it("answers 401 unauthenticated without a credential, before validating the body", async () => {
    const { call } = setup();
    const response = await call("/v1/things", { method: "POST", body: "{not json" });
    expect(response.status).toBe(401);
    expect(await codeOf(response)).toBe("unauthenticated");
  });

  it("accepts the bootstrap admin token as an admin, and nothing shorter than 32 characters", async () => {
    const { call } = setup();
    const response = await call("/v1/things/x", {
      method: "DELETE",
      headers: { Authorization: `Bearer ${BOOTSTRAP}` },
    });
    expect(await response.json()).toEqual({ who: "bootstrap" });
    const weak = setup({ BOOTSTRAP_ADMIN_TOKEN: "short-token-0123456789" });
    const refused = await weak.call("/v1/things/x", {
      method: "DELETE",
      headers: { Authorization: "Bearer short-token-0123456789" },
    });
    expect(refused.status).toBe(401);
  });

  it("reads API keys from AUTH_KV by hash, with a 30 s edge cache", async () => {
    const { call, kv } = setup();
    const key = await seedCredential(kv, { kind: "service", scopes: ["audit:read"] });
    const response = await call("/v1/things/audit", { headers: key.headers });
    expect(await response.json()).toEqual({ who: "service" });
    expect(kv.reads).toContainEqual({ key: `cred:${key.hash}`, cacheTtl: CREDENTIAL_CACHE_TTL_SECONDS });
    expect([...kv.values.keys()].some((k) => k.includes(key.secret))).toBe(false);
  });

  it("answers 403 forbidden to a credential without the role or scope", async () => {
    const { call, kv } = setup();
    const auditor = await seedCredential(kv, { kind: "user", role: "auditor" });
    const response = await call("/v1/things", postThing(auditor.headers));
    expect(response.status).toBe(403);
    expect(await codeOf(response)).toBe("forbidden");
  });

  it("stops honouring a credential once its KV record is deleted (revocation)", async () => {
    const { call, kv } = setup();
    const operator = await seedCredential(kv, { kind: "user", role: "operator" });
    expect((await call("/v1/things", postThing(operator.headers))).status).toBe(200);
    await credentialCache(kv).delete(operator.hash);
    const response = await call("/v1/things", postThing(operator.headers));
    expect(response.status).toBe(401);
  });

  it("refuses an expired credential even while KV still holds it", async () => {
    const { call, kv } = setup();
    const stale = await seedCredential(
      kv,
      { kind: "user", role: "admin" },
      { expiresAt: "2020-01-01T00:00:00.000Z" },
    );
    const response = await call("/v1/things/x", { method: "DELETE", headers: stale.headers });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { detail: string }).detail).toContain("expired");
  });

  it("asks the confirm hook, so the source of truth can refuse a credential KV still mirrors", async () => {
    const { call, kv } = setup({}, { confirm: async () => false });
    const admin = await seedCredential(kv, { kind: "user", role: "admin" });
    expect((await call("/v1/things/x", { method: "DELETE", headers: admin.headers })).status).toBe(401);
  });

  it("accepts a session only from its cookie, and a token never from the cookie", async () => {
    const { call, kv } = setup();
    const session = await seedCredential(kv, { kind: "user", role: "auditor" }, { credential: "session" });
    const cookie = { Cookie: `__Host-tessera_session=${session.secret}` };
    expect(await (await call("/v1/things/audit", { headers: cookie })).json()).toEqual({ who: "user" });
    expect((await call("/v1/things/audit", { headers: session.headers })).status).toBe(401);
    const token = await seedCredential(kv, { kind: "user", role: "auditor" });
    expect(
      (await call("/v1/things/audit", { headers: { Cookie: `__Host-tessera_session=${token.secret}` } }))
        .status,
    ).toBe(401);
  });

  it("refuses cookie-authenticated changes from an origin other than the console's", async () => {
    const { call, kv } = setup({ ALLOWED_ORIGINS: "https://console.example.org" });
    const session = await seedCredential(kv, { kind: "user", role: "operator" }, { credential: "session" });
    const cookie = `__Host-tessera_session=${session.secret}`;
    const foreign = await call("/v1/things", postThing({ Cookie: cookie, Origin: "https://evil.example" }));
    expect(foreign.status).toBe(401);
    const missing = await call("/v1/things", postThing({ Cookie: cookie }));
    expect(missing.status).toBe(401);
    const console = await call(
      "/v1/things",
      postThing({ Cookie: cookie, Origin: "https://console.example.org" }),
    );
    expect(console.status).toBe(200);
  });

  it("audits actions with the acting principal", async () => {
    const { call, kv, sink } = setup();
    const operator = await seedCredential(kv, { kind: "user", role: "operator" });
    await call("/v1/things", postThing({ ...operator.headers, "X-Request-Id": "req-audit-1" }));
    expect(sink.entries).toEqual([
      expect.objectContaining({
        service: "auth-test",
        action: "thing.create",
        target: "thing:lamp",
        detail: { name: "lamp" },
        requestId: "req-audit-1",
        actor: expect.objectContaining({ kind: "user", name: "test operator" }),
      }),
    ]);
    expect(Date.parse(sink.entries[0]!.at)).not.toBeNaN();
  });
});

describe("failed bearer credentials", () => {
  const from = (address: string, headers: Record<string, string> = {}) => ({
    headers: { "CF-Connecting-IP": address, ...headers },
  });
  const wrong = { Authorization: "Bearer tsk_not-a-real-key-at-all" };

  function limited(max: number) {
    const limiter = new MemoryRateLimiter(max);
    const refusals: string[] = [];
    const context = setup(
      {},
      {
        bearerFailures: {
          limiter: () => limiter,
          periodSeconds: 60,
          onRefused: async (_c: unknown, client: string) => {
            refusals.push(client);
          },
        },
      },
    );
    return { ...context, limiter, refusals };
  }

  it("are answered 429 with Retry-After past the limit, on public routes too, per client address", async () => {
    const { call, refusals } = limited(3);
    for (let attempt = 0; attempt < 3; attempt++)
      expect((await call("/v1/things/audit", from("192.0.2.1", wrong))).status).toBe(401);
    const refused = await call("/v1/things/audit", from("192.0.2.1", wrong));
    expect(refused.status).toBe(429);
    expect(refused.headers.get("Retry-After")).toBe("60");
    expect(await codeOf(refused)).toBe("rate_limited");
    expect((await call("/v1/things", from("192.0.2.1", wrong))).status).toBe(429);
    expect(refusals).toEqual(["192.0.2.1", "192.0.2.1"]);
    // Another address, and the same one without a credential, are not held back.
    expect((await call("/v1/things/audit", from("192.0.2.2", wrong))).status).toBe(401);
    expect((await call("/v1/things", from("192.0.2.1"))).status).toBe(200);
  });

  it("never count or refuse a valid credential, and start again in the next window", async () => {
    const { call, kv, limiter } = limited(2);
    const auditor = await seedCredential(kv, { kind: "user", role: "auditor" });
    for (let attempt = 0; attempt < 5; attempt++)
      expect((await call("/v1/things/audit", from("192.0.2.3", auditor.headers))).status).toBe(200);
    for (let attempt = 0; attempt < 2; attempt++)
      expect((await call("/v1/things/audit", from("192.0.2.3", wrong))).status).toBe(401);
    expect((await call("/v1/things/audit", from("192.0.2.3", wrong))).status).toBe(429);
    expect((await call("/v1/things/audit", from("192.0.2.3", auditor.headers))).status).toBe(200);
    limiter.nextWindow();
    expect((await call("/v1/things/audit", from("192.0.2.3", wrong))).status).toBe(401);
  });
});

describe("Cloudflare Access assertions", () => {
  const TEAM = "https://tessera-team.cloudflareaccess.com";
  const AUD = "aud-tag-123";

  async function accessSetup() {
    const { publicKey, privateKey } = await generateKeyPair("RS256");
    const jwk = { ...(await exportJWK(publicKey)), kid: "k1", alg: "RS256" };
    const keys = createLocalJWKSet({ keys: [jwk] });
    const ctx = setup({ ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: AUD }, { accessKeys: keys });
    const assertion = (claims: Record<string, unknown>, audience = AUD, issuer = TEAM) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: "RS256", kid: "k1" })
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime("5m")
        .sign(privateKey);
    return { ...ctx, assertion };
  }

  it("signs in the person registered for the verified email", async () => {
    const { call, kv, assertion } = await accessSetup();
    await credentialCache(kv).putAccessIdentity("Ada@Example.org", {
      principal: { kind: "user", id: "person-ada", name: "Ada", role: "operator" },
    });
    const token = await assertion({ email: "ada@example.org" });
    const response = await call("/v1/things", postThing({ "Cf-Access-Jwt-Assertion": token }));
    expect(response.status).toBe(200);
  });

  it("refuses a wrong audience, a wrong issuer and an unknown person", async () => {
    const { call, kv, assertion } = await accessSetup();
    await credentialCache(kv).putAccessIdentity("ada@example.org", {
      principal: { kind: "user", id: "person-ada", name: "Ada", role: "operator" },
    });
    for (const token of [
      await assertion({ email: "ada@example.org" }, "other-aud"),
      await assertion({ email: "ada@example.org" }, AUD, "https://evil.cloudflareaccess.com"),
      await assertion({ email: "mallory@example.org" }),
    ]) {
      const response = await call("/v1/things/audit", { headers: { "Cf-Access-Jwt-Assertion": token } });
      expect(response.status).toBe(401);
    }
  });

  it("ignores the header when Access is not configured", async () => {
    const { call } = setup();
    const response = await call("/v1/things/audit", { headers: { "Cf-Access-Jwt-Assertion": "x.y.z" } });
    expect(response.status).toBe(401);
  });
});

describe("secureRoute in the OpenAPI document and the route walk", () => {
  it("documents each route's access as security and x-tessera-access", async () => {
    const { call } = setup();
    const document = (await (await call("/openapi.json")).json()) as {
      paths: Record<
        string,
        Record<string, { security?: unknown; "x-tessera-access"?: unknown; responses: object }>
      >;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(document.paths["/v1/things"]?.get?.["x-tessera-access"]).toEqual({ public: true });
    expect(document.paths["/v1/things"]?.get?.security).toEqual([]);
    expect(document.paths["/v1/things"]?.post?.["x-tessera-access"]).toEqual({
      roles: ["operator"],
      scopes: [],
    });
    expect(document.paths["/v1/things"]?.post?.responses).toHaveProperty("403");
    expect(document.paths["/v1/things/audit"]?.get?.security).toContainEqual({
      bearerToken: ["auditor", "audit:read"],
    });
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual([
      "bearerToken",
      "cloudflareAccess",
      "sessionCookie",
      "terminalGrant",
    ]);
  });

  it("passes the walk when every route is guarded", async () => {
    const { app, call, env, kv } = setup();
    const document = await (await call("/openapi.json")).json();
    const report = await walkRouteAccess({
      document: document as never,
      fetch: async (request) => app.request(request, undefined, env),
      credential: async (spec) => (await seedCredential(kv, spec)).headers,
      routes: app.routes,
    });
    expect(report.failures).toEqual([]);
    expect(report.routes.filter((route) => route.lacking.length > 0).length).toBe(4);
  });

  it("reports a route mounted without its access check", async () => {
    const { app, call, env, kv } = setup();
    app.get("/v1/leaky", (c) => c.json({ secret: true }));
    const document = await (await call("/openapi.json")).json();
    const report = await walkRouteAccess({
      document: document as never,
      fetch: async (request) => app.request(request, undefined, env),
      credential: async (spec) => (await seedCredential(kv, spec)).headers,
      routes: app.routes,
    });
    expect(report.failures).toEqual([expect.stringContaining("GET /v1/leaky is served but missing")]);
  });
});
