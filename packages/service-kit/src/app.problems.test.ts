import { createRoute, z } from "@hono/zod-openapi";
import { PROBLEM_CONTENT_TYPE, ProblemDocument, TesseraError } from "@tessera/protocol";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createServiceApp, type ServiceEnv } from "./app.ts";
import { bindingWith } from "./bindings.ts";
import { problemResponses } from "./openapi.ts";

interface StoreBindings {
  STORE: { get(key: string): Promise<string | null> };
}
type TestEnv = ServiceEnv<StoreBindings>;

const env: StoreBindings = { STORE: { get: async () => null } };

const createTopUp = createRoute({
  method: "post",
  path: "/v1/top-ups",
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.object({ cardId: z.string().min(1), amount: z.number().int().positive() }),
        },
      },
    },
  },
  responses: {
    201: {
      description: "Accepted",
      content: { "application/json": { schema: z.object({ ok: z.boolean() }) } },
    },
    ...problemResponses(400, 413, 422),
  },
});

function buildApp() {
  const app = createServiceApp<TestEnv>({
    service: "test",
    version: "9.9.9",
    maxBodyBytes: 1024,
    bindings: z.object({ STORE: bindingWith("KV", ["get"]) }),
  });
  app.openapi(createTopUp, (c) => c.json({ ok: true }, 201));
  app.get("/v1/terminals/revoked", () => {
    throw new TesseraError("terminal_revoked", "terminal T-7 was revoked at 09:00");
  });
  app.get("/v1/crash", () => {
    throw new Error("D1_ERROR: no such column: secret_hash at offset 42");
  });
  return app;
}

async function problemOf(response: Response) {
  expect(response.headers.get("Content-Type")).toBe(PROBLEM_CONTENT_TYPE);
  return ProblemDocument.parse(await response.json());
}

function postJson(body: string, headers: Record<string, string> = {}) {
  return { method: "POST", body, headers: { "Content-Type": "application/json", ...headers } };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("problem documents for every failure", () => {
  it("accepts a valid request", async () => {
    const response = await buildApp().request("/v1/top-ups", postJson('{"cardId":"c1","amount":500}'), env);
    expect(response.status).toBe(201);
  });

  it("answers invalid fields with validation_failed and one error per field", async () => {
    const response = await buildApp().request("/v1/top-ups", postJson('{"cardId":"","amount":-5}'), env);
    expect(response.status).toBe(422);
    const problem = await problemOf(response);
    expect(problem.code).toBe("validation_failed");
    expect(problem.instance).toBe("/v1/top-ups");
    expect(problem.errors?.map((error) => error.path).sort()).toEqual(["amount", "cardId"]);
  });

  it("answers unparseable JSON with malformed_request 400", async () => {
    const response = await buildApp().request("/v1/top-ups", postJson('{"cardId": "c1", '), env);
    expect(response.status).toBe(400);
    expect((await problemOf(response)).code).toBe("malformed_request");
  });

  it("answers an oversized body with payload_too_large 413 before the handler runs", async () => {
    const body = JSON.stringify({ cardId: "c".repeat(2000), amount: 1 });
    const response = await buildApp().request("/v1/top-ups", postJson(body), env);
    expect(response.status).toBe(413);
    const problem = await problemOf(response);
    expect(problem.code).toBe("payload_too_large");
    expect(problem.detail).toContain("1024 bytes");
  });

  it("limits streamed bodies that declare no length too", async () => {
    const chunk = new TextEncoder().encode("x".repeat(700));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(chunk);
        controller.enqueue(chunk);
        controller.close();
      },
    });
    const request = new Request("http://worker.test/v1/top-ups", {
      method: "POST",
      body: stream,
      headers: { "Content-Type": "application/json" },
      duplex: "half",
    } as RequestInit);
    const response = await buildApp().request(request, undefined, env);
    expect(response.status).toBe(413);
    expect((await problemOf(response)).code).toBe("payload_too_large");
  });

  it("renders a thrown TesseraError with its own status, code and detail", async () => {
    const response = await buildApp().request("/v1/terminals/revoked", {}, env);
    expect(response.status).toBe(403);
    const problem = await problemOf(response);
    expect(problem).toMatchObject({
      type: "urn:tessera:problem:terminal_revoked",
      code: "terminal_revoked",
      detail: "terminal T-7 was revoked at 09:00",
    });
  });

  it("answers an unknown route with not_found 404", async () => {
    const response = await buildApp().request("/v1/nothing-here", {}, env);
    expect(response.status).toBe(404);
    expect((await problemOf(response)).code).toBe("not_found");
  });

  it("hides internal errors from the client but logs them with the request id", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await buildApp().request(
      "/v1/crash",
      { headers: { "X-Request-Id": "req-crash-1" } },
      env,
    );
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain("secret_hash");
    expect(text).not.toContain("D1_ERROR");
    const problem = ProblemDocument.parse(JSON.parse(text));
    expect(problem).toMatchObject({ code: "internal_error", requestId: "req-crash-1" });
    const line = String(logged.mock.calls[0]?.[0]);
    expect(line).toContain("req-crash-1");
    expect(line).toContain("no such column: secret_hash");
  });

  it("refuses every request with service_unavailable 503 when a binding is missing", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await buildApp().request("/healthz", {}, {});
    expect(response.status).toBe(503);
    const problem = await problemOf(response);
    expect(problem.code).toBe("service_unavailable");
    expect(problem.detail).toContain("STORE");
  });
});
