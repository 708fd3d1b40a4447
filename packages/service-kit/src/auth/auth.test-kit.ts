/** Test doubles for the auth unit tests: an in-memory AUTH_KV and a small app with one route per access rule. */
import { z } from "@hono/zod-openapi";
import { createServiceApp, createServiceRouter } from "../app.ts";
import { bindingWith } from "../bindings.ts";
import { type AuditEntryInput, type AuditSink, auditTrail } from "./audit.ts";
import { type AuthEnv, type AuthenticateOptions, authenticate } from "./authenticate.ts";
import type { AuthKv } from "./credential-cache.ts";
import { registerSecuritySchemes, secureRoute } from "./secure-route.ts";

export class MemoryKv implements AuthKv {
  readonly values = new Map<string, string>();
  readonly reads: { key: string; cacheTtl?: number }[] = [];
  async get(key: string, options: { type: "text"; cacheTtl?: number }) {
    this.reads.push({ key, cacheTtl: options.cacheTtl });
    return this.values.get(key) ?? null;
  }
  async put(key: string, value: string) {
    this.values.set(key, value);
  }
  async delete(key: string) {
    this.values.delete(key);
  }
}

export class MemoryAuditSink implements AuditSink {
  readonly entries: AuditEntryInput[] = [];
  async append(entry: AuditEntryInput) {
    this.entries.push(entry);
    return { seq: this.entries.length };
  }
}

export const BOOTSTRAP = "bootstrap-admin-token-for-unit-tests-0123456789";

export interface TestBindings {
  AUTH_KV: AuthKv;
  BOOTSTRAP_ADMIN_TOKEN?: string;
  ACCESS_TEAM_DOMAIN?: string;
  ACCESS_AUD?: string;
  ALLOWED_ORIGINS?: string;
}
type TestEnv = AuthEnv<TestBindings>;

const Ok = z.object({ who: z.string() });
const ok = { 200: { description: "OK", content: { "application/json": { schema: Ok } } } };

export function buildAuthApp(sink: AuditSink, options: AuthenticateOptions = {}) {
  const app = createServiceApp<TestEnv>({
    service: "auth-test",
    version: "0.0.0",
    maxBodyBytes: 4096,
    bindings: z.object({ AUTH_KV: bindingWith("KV", ["get"]) }),
  });
  registerSecuritySchemes(app);
  app.use("/v1/*", authenticate(options));
  app.use("/v1/*", auditTrail({ service: "auth-test", sink: () => sink }));

  const things = createServiceRouter<TestEnv>()
    .openapi(secureRoute({ method: "get", path: "/things", access: { public: true }, responses: ok }), (c) =>
      c.json({ who: c.var.principal?.kind ?? "nobody" }, 200),
    )
    .openapi(
      secureRoute({
        method: "get",
        path: "/things/audit",
        access: { roles: ["auditor"], scopes: ["audit:read"] },
        responses: ok,
      }),
      (c) => c.json({ who: c.var.principal?.kind ?? "nobody" }, 200),
    )
    .openapi(
      secureRoute({
        method: "post",
        path: "/things",
        access: { roles: ["operator"] },
        request: {
          body: {
            required: true,
            content: { "application/json": { schema: z.object({ name: z.string() }) } },
          },
        },
        responses: ok,
      }),
      async (c) => {
        await c.var.audit("thing.create", `thing:${c.req.valid("json").name}`, {
          name: c.req.valid("json").name,
        });
        return c.json({ who: c.var.principal?.kind ?? "nobody" }, 200);
      },
    )
    .openapi(
      secureRoute({
        method: "delete",
        path: "/things/{id}",
        access: { roles: ["admin"] },
        responses: ok,
        request: { params: z.object({ id: z.string() }) },
      }),
      (c) => c.json({ who: c.var.principal?.kind ?? "nobody" }, 200),
    )
    .openapi(
      secureRoute({
        method: "post",
        path: "/things/validate",
        access: { scopes: ["grants:validate"] },
        responses: ok,
      }),
      (c) => c.json({ who: c.var.principal?.kind ?? "nobody" }, 200),
    );
  app.route("/v1", things);
  return app;
}
