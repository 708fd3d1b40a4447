/**
 * The route-table walk each Worker's access test runs against its deployed `fetch`: every documented
 * route declares its access, every non-public route answers 401 without a credential and 403 to a
 * credential that lacks its role or scope. It returns findings instead of asserting, so any test
 * runner can use it and a failure lists every offending route at once.
 */
import { isPublic, isTerminalOnly, type RouteAccess } from "./access.ts";
import { PERSON_ROLES, type PersonRole, roleCovers, SCOPES, type Scope, weakestRole } from "./roles.ts";

/** A credential the walk asks the test to mint: a person with a role, or an API key with scopes. */
export type CredentialSpec = { kind: "user"; role: PersonRole } | { kind: "service"; scopes: Scope[] };

export interface RouteAccessWalkOptions {
  /** The Worker's OpenAPI document, as served at /openapi.json. */
  document: { paths?: Record<string, Record<string, unknown>> };
  /** The deployed entry point (`exports.default.fetch`), never a test-built app. */
  fetch(request: Request): Promise<Response>;
  /** Headers carrying a live credential for `spec`, e.g. `{ Authorization: "Bearer tsk_…" }`. */
  credential(spec: CredentialSpec): Promise<Record<string, string>>;
  /** Hono's route table (`app.routes`); every route in it must be documented or listed in `undocumented`. */
  routes?: readonly { method: string; path: string }[];
  /** Documented paths that may omit `x-tessera-access` (the kit's /healthz and /v1/meta are public). */
  undeclared?: readonly string[];
  /** Routes served outside the OpenAPI document (the document itself and its reference page). */
  undocumented?: readonly string[];
  origin?: string;
}

export interface WalkedRoute {
  method: string;
  path: string;
  access: RouteAccess | undefined;
  /** Status without any credential. */
  anonymous?: number;
  /** Status for each credential that lacks the route's role or scope. */
  lacking: { spec: CredentialSpec; status: number }[];
}

export interface RouteAccessReport {
  routes: WalkedRoute[];
  /** One line per broken promise; empty when the route table is sound. */
  failures: string[];
}

const HTTP_METHODS = ["get", "put", "post", "delete", "patch", "head", "options"];
const DEFAULT_UNDECLARED = ["/healthz", "/v1/meta"];
const DEFAULT_UNDOCUMENTED = ["/openapi.json", "/docs"];

/** Credentials one notch short of what `access` requires: the strongest ones that must still be refused. */
export function lackingCredentials(access: RouteAccess): CredentialSpec[] {
  if (isPublic(access)) return [];
  if (isTerminalOnly(access))
    return [
      { kind: "user", role: "admin" },
      { kind: "service", scopes: [...SCOPES] },
    ];
  const roles = "roles" in access ? (access.roles ?? []) : [];
  const scopes = "scopes" in access ? (access.scopes ?? []) : [];
  const bar = weakestRole(roles);
  const people = PERSON_ROLES.filter(
    (role) => role !== "admin" && (bar === undefined || !roleCovers(role, bar)),
  );
  const otherScopes = SCOPES.filter((scope) => !scopes.includes(scope));
  return [
    ...people.map((role): CredentialSpec => ({ kind: "user", role })),
    // A route open to every scope has no lacking key: a key always carries at least one scope.
    ...(otherScopes.length > 0 ? [{ kind: "service", scopes: otherScopes } as const] : []),
  ];
}

function concretePath(path: string): string {
  return path.replace(/\{[^}]+\}/g, "1");
}

function openApiPath(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
}

async function problemCode(response: Response): Promise<string | undefined> {
  try {
    const body = (await response.json()) as { code?: unknown };
    return typeof body.code === "string" ? body.code : undefined;
  } catch {
    return undefined;
  }
}

export async function walkRouteAccess(options: RouteAccessWalkOptions): Promise<RouteAccessReport> {
  const origin = options.origin ?? "https://tessera.test";
  const undeclared = new Set(options.undeclared ?? DEFAULT_UNDECLARED);
  const undocumented = new Set(options.undocumented ?? DEFAULT_UNDOCUMENTED);
  const failures: string[] = [];
  const routes: WalkedRoute[] = [];
  const documented = new Set<string>();

  const send = (method: string, path: string, headers: Record<string, string>) => {
    const hasBody = !["GET", "HEAD", "DELETE", "OPTIONS"].includes(method);
    return options.fetch(
      new Request(`${origin}${concretePath(path)}`, {
        method,
        headers: hasBody ? { "Content-Type": "application/json", ...headers } : headers,
        body: hasBody ? "{}" : undefined,
      }),
    );
  };

  for (const [path, item] of Object.entries(options.document.paths ?? {})) {
    for (const [method, operation] of Object.entries(item)) {
      if (!HTTP_METHODS.includes(method)) continue;
      const verb = method.toUpperCase();
      const label = `${verb} ${path}`;
      documented.add(label);
      const access = (operation as { "x-tessera-access"?: RouteAccess })["x-tessera-access"];
      const walked: WalkedRoute = { method: verb, path, access, lacking: [] };
      routes.push(walked);
      if (!access) {
        if (!undeclared.has(path)) failures.push(`${label} does not declare x-tessera-access`);
        continue;
      }
      if (isPublic(access)) continue;

      const anonymous = await send(verb, path, {});
      walked.anonymous = anonymous.status;
      const anonymousCode = await problemCode(anonymous);
      if (anonymous.status !== 401)
        failures.push(
          `${label} answered ${anonymous.status} (${anonymousCode}) without a credential, not 401`,
        );

      for (const spec of lackingCredentials(access)) {
        const response = await send(verb, path, await options.credential(spec));
        walked.lacking.push({ spec, status: response.status });
        const code = await problemCode(response);
        // A terminal route may refuse a non-terminal credential as unauthenticated: it is no grant at all.
        const refused = isTerminalOnly(access) ? [401, 403] : [403];
        if (!refused.includes(response.status))
          failures.push(`${label} answered ${response.status} (${code}) to ${JSON.stringify(spec)}, not 403`);
      }
    }
  }

  for (const route of options.routes ?? []) {
    if (route.method === "ALL") continue; // middleware
    const label = `${route.method} ${openApiPath(route.path)}`;
    if (!documented.has(label) && !undocumented.has(route.path))
      failures.push(`${label} is served but missing from the OpenAPI document, so its access is unchecked`);
  }
  return { routes, failures };
}
