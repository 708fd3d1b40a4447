/** Shared steps of the grants Worker's tests: credentials, devices, enrolment, grants and DPoP requests. */
import { env, exports } from "cloudflare:workers";
import {
  accessTokenHash,
  createDpopProof,
  type Ed25519Jwk,
  generateSigningKeyPair,
  jwkThumbprint,
  PROBLEM_CONTENT_TYPE,
  ProblemDocument,
  publicKeyToJwk,
} from "@tessera/protocol";
import { type AuditEntryInput, type CredentialSpec, seedCredential } from "@tessera/service-kit";
import { expect } from "vitest";

export const BASE = "https://grants.tessera.test";

/** Sends a request through the Worker's deployed entry point. */
export function call(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(`${BASE}${path}`, init));
}

export function json(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "Content-Type": "application/json", ...headers },
  };
}

export async function problemOf(response: Response): Promise<ProblemDocument> {
  expect(response.headers.get("Content-Type")).toBe(PROBLEM_CONTENT_TYPE);
  return ProblemDocument.parse(await response.json());
}

/** Headers with a live credential for a person of `role` or a service with `scopes`. */
export async function credential(spec: CredentialSpec): Promise<Record<string, string>> {
  return (await seedCredential(env.AUTH_KV, spec)).headers;
}

export const operator = () => credential({ kind: "user", role: "operator" });
export const admin = () => credential({ kind: "user", role: "admin" });
export const auditor = () => credential({ kind: "user", role: "auditor" });

/** A random address, so tests do not share the per-address enrolment rate limit. */
export function randomAddress(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(4));
  return `10.${bytes[0]}.${bytes[1]}.${bytes[2]}`;
}

export interface Device {
  privateKey: CryptoKey;
  publicJwk: Ed25519Jwk;
  jkt: string;
}

/** A terminal's device key pair, generated non-extractable as a real terminal does. */
export async function newDevice(): Promise<Device> {
  const pair = await generateSigningKeyPair(false);
  const publicJwk = await publicKeyToJwk(pair.publicKey);
  return { privateKey: pair.privateKey, publicJwk, jkt: await jwkThumbprint(publicJwk) };
}

export async function createCode(
  body: { role?: string; name?: string; locationId?: string; expiresInSeconds?: number } = {},
): Promise<{ code: string; id: string; expiresAt: string; qr: string }> {
  const response = await call(
    "/v1/enrolment-codes",
    json({ role: "pos", name: "Canteen till", locationId: "canteen", ...body }, await operator()),
  );
  expect(response.status).toBe(201);
  return (await response.json()) as { code: string; id: string; expiresAt: string; qr: string };
}

export function enrolWith(code: string, device: Device, address = randomAddress()): Promise<Response> {
  return call(
    "/v1/terminals",
    json({ code, publicKey: device.publicJwk, softwareVersion: "test" }, { "CF-Connecting-IP": address }),
  );
}

export interface EnrolledTerminal {
  device: Device;
  terminalId: string;
  terminalNumber: number;
}

export async function enrolTerminal(body: Parameters<typeof createCode>[0] = {}): Promise<EnrolledTerminal> {
  const { code } = await createCode(body);
  const device = await newDevice();
  const response = await enrolWith(code, device);
  expect(response.status).toBe(201);
  const enrolled = (await response.json()) as { terminalId: string; terminalNumber: number };
  return { device, ...enrolled };
}

export async function proof(
  device: Device,
  method: string,
  path: string,
  options: { grant?: string; iat?: number; jti?: string } = {},
): Promise<string> {
  return createDpopProof({
    privateKey: device.privateKey,
    publicJwk: device.publicJwk,
    htm: method,
    htu: `${BASE}${path}`,
    ...(options.iat === undefined ? {} : { iat: options.iat }),
    ...(options.jti === undefined ? {} : { jti: options.jti }),
    ...(options.grant === undefined ? {} : { ath: await accessTokenHash(options.grant) }),
  });
}

export interface GrantAnswer {
  grant: string;
  certificate: string;
  terminalId: string;
  terminalNumber: number;
  grantSeq: number;
  keyVersion: number;
  policyVersion: number;
  denyListVersion: number;
  jwks: { keys: { kid: string; x: string }[] };
  certificateKeys: { keys: { kid: string; x: string }[] };
  issuedAt: string;
  expiresAt: string;
  refreshAt: string;
}

export async function requestGrant(terminal: EnrolledTerminal, dpop?: string): Promise<Response> {
  return call(
    "/v1/grants",
    json(
      { terminalId: terminal.terminalId },
      { DPoP: dpop ?? (await proof(terminal.device, "POST", "/v1/grants")) },
    ),
  );
}

export async function fetchGrant(terminal: EnrolledTerminal): Promise<GrantAnswer> {
  const response = await requestGrant(terminal);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as GrantAnswer;
}

/** A request made by a terminal inside its grant: `Authorization: DPoP <grant>` plus a fresh proof. */
export async function asTerminal(
  terminal: EnrolledTerminal,
  grant: string,
  method: string,
  path: string,
  init: RequestInit = {},
): Promise<Response> {
  const dpop = await proof(terminal.device, method, path.split("?")[0]!, { grant });
  return call(path, {
    ...init,
    method,
    headers: { ...(init.headers as Record<string, string>), Authorization: `DPoP ${grant}`, DPoP: dpop },
  });
}

interface AuditStub {
  entries(): Promise<AuditEntryInput[]>;
}

/** What the grants Worker appended to the (stub) audit log. */
export async function auditEntries(): Promise<AuditEntryInput[]> {
  return (env.AUDIT as unknown as AuditStub).entries();
}
