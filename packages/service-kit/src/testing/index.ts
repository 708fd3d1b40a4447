/**
 * The contract every Tessera Worker must keep, as one vitest suite each Worker runs inside workerd
 * against its real entry point and bindings; one place to state it, three Workers held to it.
 */
import { PROBLEM_CONTENT_TYPE, ProblemDocument } from "@tessera/protocol";
import { afterEach, describe, expect, it, vi } from "vitest";

/** The slices of D1 and KV the contract touches; real bindings satisfy them. */
interface ContractDatabase {
  prepare(query: string): { bind(...values: unknown[]): { first(): Promise<unknown> } };
}
interface ContractCache {
  get(key: string): Promise<string | null>;
  put(key: string, value: string, options?: { expirationTtl?: number }): Promise<void>;
  delete(key: string): Promise<void>;
}

export interface WorkerContract {
  service: string;
  /** The package.json version; /healthz must report it unless a deploy stamps another. */
  version: string;
  maxBodyBytes: number;
  /** Sends a request through the deployed entry point, exactly as workerd routes it. */
  fetch(request: Request): Promise<Response>;
  /** Calls the entry point with another environment, to see how it treats a broken deploy. */
  fetchWithEnv(request: Request, env: object): Promise<Response>;
  env: object;
  database: ContractDatabase;
  cache: ContractCache;
  /** Bindings without which the Worker must refuse to serve. */
  requiredBindings: string[];
}

const ORIGIN = "https://tessera.test";

async function problemOf(response: Response): Promise<ProblemDocument> {
  expect(response.headers.get("Content-Type")).toBe(PROBLEM_CONTENT_TYPE);
  return ProblemDocument.parse(await response.json());
}

export function describeWorkerContract(worker: WorkerContract): void {
  const get = (path: string, headers: Record<string, string> = {}) =>
    worker.fetch(new Request(`${ORIGIN}${path}`, { headers }));

  describe(`${worker.service} Worker contract`, () => {
    afterEach(() => {
      vi.restoreAllMocks();
    });

    it("answers /healthz with its name and package version", async () => {
      const response = await get("/healthz");
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        service: worker.service,
        version: worker.version,
        status: "ok",
      });
    });

    it("publishes an OpenAPI 3.1 document of its routes", async () => {
      const response = await get("/openapi.json");
      expect(response.status).toBe(200);
      const document = (await response.json()) as {
        openapi: string;
        info: { version: string };
        paths: object;
      };
      expect(document.openapi).toBe("3.1.0");
      expect(document.info.version).toBe(worker.version);
      expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(["/healthz", "/v1/meta"]));
    });

    it("serves the API reference page at /docs", async () => {
      const response = await get("/docs");
      expect(response.status).toBe(200);
      expect(response.headers.get("Content-Type")).toContain("text/html");
      expect(await response.text()).toContain("/openapi.json");
    });

    it("answers an unknown route with a not_found problem carrying the request id", async () => {
      const response = await get("/v1/no-such-resource", { "X-Request-Id": "contract-404" });
      expect(response.status).toBe(404);
      expect(response.headers.get("X-Request-Id")).toBe("contract-404");
      expect(await problemOf(response)).toMatchObject({ code: "not_found", requestId: "contract-404" });
    });

    it("has its D1 migrations applied and reports them on /v1/meta", async () => {
      const owner = await worker.database
        .prepare("SELECT value FROM service_meta WHERE key = ?")
        .bind("owner")
        .first();
      expect(owner).toEqual({ value: worker.service });
      const response = await get("/v1/meta");
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        service: worker.service,
        version: worker.version,
        database: { owner: worker.service, migrations: expect.arrayContaining(["0001_init.sql"]) },
      });
    });

    it("round-trips a value through its KV binding", async () => {
      const key = `contract:${crypto.randomUUID()}`;
      await worker.cache.put(key, "stored", { expirationTtl: 60 });
      expect(await worker.cache.get(key)).toBe("stored");
      await worker.cache.delete(key);
      expect(await worker.cache.get(key)).toBeNull();
    });

    it("refuses a body over its limit with payload_too_large", async () => {
      const body = "x".repeat(worker.maxBodyBytes + 1);
      const response = await worker.fetch(new Request(`${ORIGIN}/v1/meta`, { method: "POST", body }));
      expect(response.status).toBe(413);
      expect((await problemOf(response)).code).toBe("payload_too_large");
    });

    it("sends security headers and lets only the web app's origin read responses", async () => {
      const allowed = await get("/healthz", { Origin: "http://127.0.0.1:8780" });
      expect(allowed.headers.get("Access-Control-Allow-Origin")).toBe("http://127.0.0.1:8780");
      expect(allowed.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(allowed.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
      const foreign = await get("/healthz", { Origin: "https://attacker.example" });
      expect(foreign.headers.get("Access-Control-Allow-Origin")).toBeNull();
    });

    for (const binding of worker.requiredBindings) {
      it(`refuses to serve with service_unavailable when ${binding} is not bound`, async () => {
        vi.spyOn(console, "error").mockImplementation(() => {});
        const broken = { ...worker.env, [binding]: undefined };
        const response = await worker.fetchWithEnv(new Request(`${ORIGIN}/healthz`), broken);
        expect(response.status).toBe(503);
        const problem = await problemOf(response);
        expect(problem.code).toBe("service_unavailable");
        expect(problem.detail).toContain(binding);
      });
    }
  });
}
