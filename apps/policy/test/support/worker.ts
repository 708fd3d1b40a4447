/** Calls the deployed entry point the way workerd routes a request, with credentials minted through the API. */
import { env, exports } from "cloudflare:workers";
import type { AuditEntryInput, CredentialSpec, PersonRole, Scope } from "@tessera/service-kit";

export const ORIGIN = "https://policy.test";
/** The console's origin (the kit's default CORS origin), which cookie-authenticated writes must come from. */
export const CONSOLE_ORIGIN = "http://localhost:8780";

export function call(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(`${ORIGIN}${path}`, init));
}

export const bootstrap = { Authorization: `Bearer ${env.BOOTSTRAP_ADMIN_TOKEN}` };

export function json(method: string, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method, headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body) };
}

export async function bodyOf<T = Record<string, unknown>>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

/** Asserts nothing; returns the problem's code and errors for the test to check. */
export async function problemOf(response: Response) {
  const body = (await response.json()) as {
    code: string;
    detail?: string;
    errors?: { path: string; message: string; rule?: string }[];
  };
  return { status: response.status, contentType: response.headers.get("Content-Type"), ...body };
}

/** An admin bearer token with `role`, made by the bootstrap admin. */
export async function tokenFor(
  role: PersonRole,
): Promise<{ headers: { Authorization: string }; id: string }> {
  const response = await call("/v1/admin-tokens", json("POST", { name: `test ${role}`, role }, bootstrap));
  if (response.status !== 201) throw new Error(`minting a ${role} token failed: ${response.status}`);
  const { id, secret } = await bodyOf<{ id: string; secret: string }>(response);
  return { id, headers: { Authorization: `Bearer ${secret}` } };
}

/** A service API key with `scopes`, made by the bootstrap admin. */
export async function keyWith(
  ...scopes: Scope[]
): Promise<{ headers: { Authorization: string }; id: string; secret: string }> {
  const response = await call("/v1/api-keys", json("POST", { name: "test key", scopes }, bootstrap));
  if (response.status !== 201) throw new Error(`minting a key failed: ${response.status}`);
  const { id, secret } = await bodyOf<{ id: string; secret: string }>(response);
  return { id, secret, headers: { Authorization: `Bearer ${secret}` } };
}

export async function credentialFor(spec: CredentialSpec): Promise<Record<string, string>> {
  return spec.kind === "user" ? (await tokenFor(spec.role)).headers : (await keyWith(...spec.scopes)).headers;
}

type RecordedEntry = AuditEntryInput & { seq: number };

/** What the stub AuditService recorded (test/stubs/audit-service.mjs). */
export async function auditEntries(
  filter: Partial<Pick<AuditEntryInput, "action" | "target" | "requestId">> = {},
): Promise<RecordedEntry[]> {
  const stub = env.AUDIT as unknown as { list(): Promise<RecordedEntry[]> };
  const entries = await stub.list();
  return entries.filter(
    (entry) =>
      (filter.action === undefined || entry.action === filter.action) &&
      (filter.target === undefined || entry.target === filter.target) &&
      (filter.requestId === undefined || entry.requestId === filter.requestId),
  );
}
