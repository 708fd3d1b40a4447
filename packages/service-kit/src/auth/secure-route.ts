/**
 * `secureRoute`: a `createRoute` config that carries its access rule three ways at once: the check
 * middleware, the OpenAPI `security` requirement, and the `x-tessera-access` extension that the
 * route-table test walks. A route cannot be declared without saying who may call it.
 */
import { createRoute, type OpenAPIHono, type RouteConfig } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { problemResponses } from "../openapi.ts";
import { describeAccess, isPublic, isTerminalOnly, type RouteAccess, requireAccess } from "./access.ts";
import type { AuthMiddlewareEnv } from "./authenticate.ts";
import { ACCESS_ASSERTION_HEADER } from "./cloudflare-access.ts";
import { HOST_SESSION_COOKIE } from "./session-cookie.ts";

/** The OpenAPI security scheme names every Worker's document uses. */
export const SECURITY_SCHEMES = {
  bearer: "bearerToken",
  session: "sessionCookie",
  access: "cloudflareAccess",
  terminal: "terminalGrant",
} as const;

/** Registers the security schemes once on a Worker's app, so every `security` entry resolves. */
export function registerSecuritySchemes(app: Pick<OpenAPIHono, "openAPIRegistry">): void {
  const register = app.openAPIRegistry.registerComponent.bind(app.openAPIRegistry, "securitySchemes");
  register(SECURITY_SCHEMES.bearer, {
    type: "http",
    scheme: "bearer",
    description:
      "A service API key (`tsk_…`), an admin bearer token (`tsa_…`) or the bootstrap admin token. Scopes listed on an operation are the API-key scopes it accepts.",
  });
  register(SECURITY_SCHEMES.session, {
    type: "apiKey",
    in: "cookie",
    name: HOST_SESSION_COOKIE,
    description: "The console session set by passkey sign-in (Secure, HttpOnly, SameSite=Strict).",
  });
  register(SECURITY_SCHEMES.access, {
    type: "apiKey",
    in: "header",
    name: ACCESS_ASSERTION_HEADER,
    description: "Cloudflare Access assertion, when the deployment sets ACCESS_TEAM_DOMAIN and ACCESS_AUD.",
  });
  register(SECURITY_SCHEMES.terminal, {
    type: "http",
    scheme: "DPoP",
    description:
      "A session grant (`Authorization: DPoP <grant>`) with a `DPoP` proof signed by the device key.",
  });
}

/** The OpenAPI `security` requirement for an access rule; `[]` states "no credential" explicitly. */
export function securityFor(access: RouteAccess): Record<string, string[]>[] {
  if (isPublic(access)) return [];
  if (isTerminalOnly(access)) return [{ [SECURITY_SCHEMES.terminal]: [] }];
  const roles = "roles" in access ? (access.roles ?? []) : [];
  const scopes = "scopes" in access ? (access.scopes ?? []) : [];
  return [
    { [SECURITY_SCHEMES.bearer]: [...roles, ...scopes] },
    { [SECURITY_SCHEMES.session]: roles },
    { [SECURITY_SCHEMES.access]: roles },
  ];
}

/** The `x-tessera-access` value: the rule itself, normalised. */
export function accessExtension(access: RouteAccess): RouteAccess {
  if (isPublic(access) || isTerminalOnly(access)) return access;
  return {
    roles: "roles" in access ? (access.roles ?? []) : [],
    scopes: "scopes" in access ? (access.scopes ?? []) : [],
  } as RouteAccess;
}

type SecureRouteConfig = Omit<RouteConfig, "security" | "middleware"> & {
  access: RouteAccess;
  /** Extra middleware (e.g. terminal auth); it runs before the access check of a terminal route, after it otherwise. */
  middleware?: MiddlewareHandler[];
};

/**
 * Declares a route with its access rule. The check runs before request validation, so an
 * unauthenticated caller learns nothing about the route's input.
 */
export function secureRoute<const R extends SecureRouteConfig>(config: R) {
  const { access, middleware = [], ...route } = config;
  const check = requireAccess(access) as MiddlewareHandler<AuthMiddlewareEnv>;
  const chain = isPublic(access)
    ? middleware
    : isTerminalOnly(access)
      ? [...middleware, check]
      : [check, ...middleware];
  const description = [describeAccess(access), route.description].filter(Boolean).join("\n\n");
  return createRoute({
    ...(route as Omit<R, "access" | "middleware">),
    description,
    responses: { ...(isPublic(access) ? {} : problemResponses(401, 403)), ...route.responses },
    security: securityFor(access),
    "x-tessera-access": accessExtension(access),
    middleware: chain as [MiddlewareHandler<AuthMiddlewareEnv>],
  } as Omit<R, "access" | "middleware"> & {
    path: R["path"];
    middleware: [MiddlewareHandler<AuthMiddlewareEnv>];
  });
}
