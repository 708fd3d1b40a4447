import { createRoute, z } from "@hono/zod-openapi";
import { ProblemDocument } from "@tessera/protocol";
import { describe, expect, it } from "vitest";
import { createServiceApp, type ServiceEnv } from "./app.ts";
import { bindingWith } from "./bindings.ts";
import { problemResponses } from "./openapi.ts";

interface StoreBindings {
  STORE: { get(key: string): Promise<string | null> };
  ALLOWED_ORIGINS?: string;
  SERVICE_VERSION?: string;
}

const env: StoreBindings = { STORE: { get: async () => null } };

function buildApp() {
  return createServiceApp<ServiceEnv<StoreBindings>>({
    service: "test",
    version: "9.9.9",
    maxBodyBytes: 1024,
    bindings: z.object({ STORE: bindingWith("KV", ["get"]) }),
  });
}

describe("service basics", () => {
  it("answers /healthz with the service and its version", async () => {
    const response = await buildApp().request("/healthz", {}, env);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ service: "test", version: "9.9.9", status: "ok" });
  });

  it("reports a deploy-stamped SERVICE_VERSION on /healthz", async () => {
    const response = await buildApp().request("/healthz", {}, { ...env, SERVICE_VERSION: "9.9.9+abc123" });
    expect(await response.json()).toMatchObject({ version: "9.9.9+abc123" });
  });

  it("publishes an OpenAPI 3.1 document with a shared Problem component", async () => {
    const app = buildApp();
    const readCard = createRoute({
      method: "get",
      path: "/v1/cards/{cardId}",
      request: { params: z.object({ cardId: z.string() }) },
      responses: { 200: { description: "Card" }, ...problemResponses(401, 404) },
    });
    app.openapi(readCard, (c) => c.body(null, 200));
    const response = await app.request("/openapi.json", {}, env);
    const document = (await response.json()) as {
      openapi: string;
      info: { title: string; version: string };
      paths: Record<
        string,
        { get: { responses: Record<string, { content: Record<string, { schema: unknown }> }> } }
      >;
      components: { schemas: Record<string, unknown> };
    };
    expect(document.openapi).toBe("3.1.0");
    expect(document.info).toEqual({ title: "Tessera test API", version: "9.9.9" });
    expect(document.paths).toHaveProperty("/healthz");
    const problemRef = { $ref: "#/components/schemas/Problem" };
    const responses = document.paths["/v1/cards/{cardId}"]?.get.responses ?? {};
    expect(Object.keys(responses).sort()).toEqual(["200", "401", "404", "500"]);
    expect(responses["404"]?.content["application/problem+json"]?.schema).toEqual(problemRef);
    expect(document.components.schemas).toHaveProperty("Problem");
  });

  it("serves a human-readable API reference at /docs pointing at the document", async () => {
    const response = await buildApp().request("/docs", {}, env);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toContain("text/html");
    expect(await response.text()).toContain("/openapi.json");
  });
});

describe("request ids", () => {
  it("echoes a well-formed X-Request-Id", async () => {
    const response = await buildApp().request(
      "/healthz",
      { headers: { "X-Request-Id": "terminal-42_abc" } },
      env,
    );
    expect(response.headers.get("X-Request-Id")).toBe("terminal-42_abc");
  });

  it("replaces a malformed X-Request-Id with a fresh one and puts it in problems", async () => {
    const response = await buildApp().request(
      "/missing",
      { headers: { "X-Request-Id": "bad id <script>" } },
      env,
    );
    const id = response.headers.get("X-Request-Id");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(ProblemDocument.parse(await response.json()).requestId).toBe(id);
  });
});

describe("browser-facing headers", () => {
  it("sets the security headers on successes and problems alike", async () => {
    for (const path of ["/healthz", "/missing"]) {
      const response = await buildApp().request(path, {}, env);
      expect(response.headers.get("X-Content-Type-Options"), path).toBe("nosniff");
      expect(response.headers.get("Referrer-Policy"), path).toBe("no-referrer");
      expect(response.headers.get("Content-Security-Policy"), path).toContain("frame-ancestors 'none'");
    }
  });

  it("lets the web app's default dev origins call the API", async () => {
    const response = await buildApp().request(
      "/healthz",
      { headers: { Origin: "http://127.0.0.1:8780" } },
      env,
    );
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("http://127.0.0.1:8780");
  });

  it("gives no CORS grant to other origins", async () => {
    const response = await buildApp().request(
      "/healthz",
      { headers: { Origin: "https://evil.example" } },
      env,
    );
    expect(response.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });

  it("uses ALLOWED_ORIGINS instead of the defaults when set", async () => {
    const deployed = { ...env, ALLOWED_ORIGINS: "https://pos.example.org, https://console.example.org" };
    const preflight = await buildApp().request(
      "/v1/anything",
      {
        method: "OPTIONS",
        headers: {
          Origin: "https://console.example.org",
          "Access-Control-Request-Method": "POST",
          "Access-Control-Request-Headers": "content-type,dpop",
        },
      },
      deployed,
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("Access-Control-Allow-Origin")).toBe("https://console.example.org");
    expect(preflight.headers.get("Access-Control-Allow-Headers")).toContain("DPoP");
    const localhost = await buildApp().request(
      "/healthz",
      { headers: { Origin: "http://localhost:8780" } },
      deployed,
    );
    expect(localhost.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });
});
