/** The one app factory every Tessera Worker starts from: errors, limits, headers, health and API docs. */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { Scalar } from "@scalar/hono-api-reference";
import { TesseraError } from "@tessera/protocol";
import { bodyLimit } from "hono/body-limit";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { requireBindings } from "./bindings.ts";
import { webAppCors } from "./cors.ts";
import { clientErrorFor, problemResponse } from "./problems.ts";
import { rejectInvalidInput } from "./validation.ts";

/** Vars every Worker understands; each Worker adds its own bindings on top. */
export interface ServiceBindings {
  /** Overrides the package version on /healthz, so a deploy can stamp its release id. */
  SERVICE_VERSION?: string;
  /** Comma-separated browser origins allowed by CORS. */
  ALLOWED_ORIGINS?: string;
}

export interface ServiceVariables {
  requestId: string;
}

export interface ServiceEnv<B extends object = object> {
  Bindings: B & ServiceBindings;
  Variables: ServiceVariables;
}

export interface ServiceAppOptions {
  /** Short service name: "policy", "grants", "reconciliation". */
  service: string;
  /** The Worker's package version. */
  version: string;
  /** Largest request body accepted; larger ones get a `payload_too_large` problem before any handler runs. */
  maxBodyBytes: number;
  /** Schema of the bindings the Worker cannot run without. */
  bindings: z.ZodType;
}

export const HealthStatus = z
  .object({
    service: z.string().openapi({ example: "policy" }),
    version: z.string().openapi({ example: "1.0.0" }),
    status: z.literal("ok"),
  })
  .openapi("HealthStatus");

const healthRoute = createRoute({
  method: "get",
  path: "/healthz",
  tags: ["Service"],
  summary: "Liveness: the Worker answers and its bindings are configured",
  responses: {
    200: { description: "The Worker is up", content: { "application/json": { schema: HealthStatus } } },
  },
});

/** A router for one resource; it carries the shared validation hook, which sub-apps do not inherit. */
export function createServiceRouter<E extends ServiceEnv>() {
  return new OpenAPIHono<E>({ defaultHook: rejectInvalidInput });
}

export function createServiceApp<E extends ServiceEnv>(options: ServiceAppOptions) {
  const { service, version, maxBodyBytes } = options;
  const app = createServiceRouter<E>();

  // Request id first, so every later failure, log line and problem document carries it.
  app.use("*", requestId({ headerName: "X-Request-Id", limitLength: 128 }));
  app.use(
    "*",
    secureHeaders({
      // An API is never framed; the docs page loads Scalar from its CDN, so only framing is restricted.
      contentSecurityPolicy: { frameAncestors: ["'none'"] },
      xFrameOptions: "DENY",
      referrerPolicy: "no-referrer",
    }),
  );
  app.use("*", webAppCors());
  app.use("*", requireBindings(options.bindings));
  app.use(
    "*",
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: () => {
        throw new TesseraError("payload_too_large", `Request bodies are limited to ${maxBodyBytes} bytes`);
      },
    }),
  );

  app.openapi(healthRoute, (c) =>
    c.json({ service, version: c.env.SERVICE_VERSION || version, status: "ok" as const }, 200),
  );
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: { title: `Tessera ${service} API`, version },
  });
  app.get("/docs", Scalar({ url: "/openapi.json", pageTitle: `Tessera ${service} API` }));

  app.notFound((c) =>
    problemResponse(c, new TesseraError("not_found", `No route for ${c.req.method} ${c.req.path}`)),
  );
  app.onError((error, c) => {
    const clientError = clientErrorFor(error);
    if (clientError) return problemResponse(c, clientError);
    // Internal faults are logged in full with the request id and answered with nothing but that id.
    console.error(
      JSON.stringify({
        level: "error",
        event: "unhandled_error",
        service,
        requestId: c.get("requestId"),
        method: c.req.method,
        path: c.req.path,
        error:
          error instanceof Error
            ? { name: error.name, message: error.message, stack: error.stack }
            : String(error),
      }),
    );
    return problemResponse(
      c,
      new TesseraError("internal_error", "Something went wrong; quote the request id"),
    );
  });

  return app;
}
