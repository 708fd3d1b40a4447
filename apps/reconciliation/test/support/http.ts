/** Requests to the Worker as deployed (its own `fetch`), signed the way terminals and the console sign them. */
import { env, exports } from "cloudflare:workers";
import { accessTokenHash, createDpopProof, type ReconcileResult } from "@tessera/protocol";
import { type CredentialSpec, seedCredential } from "@tessera/service-kit";
import type { TerminalSetup } from "./scheme.ts";

export const ORIGIN = "https://reconciliation.tessera.test";

export function call(request: Request): Promise<Response> {
  return exports.default.fetch(request);
}

/** Headers of a terminal request: its grant and a fresh DPoP proof for this method and URL. */
export async function terminalHeaders(
  setup: TerminalSetup,
  method: string,
  url: string,
  grant = setup.grant.token,
) {
  const proof = await createDpopProof({
    privateKey: setup.device.privateKey,
    publicJwk: setup.device.publicJwk,
    htm: method,
    htu: url,
    ath: await accessTokenHash(grant),
  });
  return { Authorization: `DPoP ${grant}`, DPoP: proof };
}

export interface UploadOptions {
  key?: string;
  grants?: string[];
  /** Send this text as the body instead of `{ events, grants }`. */
  rawBody?: string;
}

export async function uploadRequest(
  setup: TerminalSetup,
  events: readonly unknown[],
  options: UploadOptions = {},
) {
  const url = `${ORIGIN}/v1/reconciliation/batches`;
  return new Request(url, {
    method: "POST",
    headers: {
      ...(await terminalHeaders(setup, "POST", url)),
      "Idempotency-Key": options.key ?? crypto.randomUUID(),
      "Content-Type": "application/json",
    },
    body:
      options.rawBody ?? JSON.stringify({ events, ...(options.grants ? { grants: options.grants } : {}) }),
  });
}

export async function upload(setup: TerminalSetup, events: readonly unknown[], options: UploadOptions = {}) {
  return call(await uploadRequest(setup, events, options));
}

/** Uploads and insists on a 200, returning the per-event results. */
export async function uploadOk(
  setup: TerminalSetup,
  events: readonly unknown[],
  options: UploadOptions = {},
): Promise<ReconcileResult> {
  const response = await upload(setup, events, options);
  const body = await response.json();
  if (response.status !== 200) throw new Error(`upload answered ${response.status}: ${JSON.stringify(body)}`);
  return body as ReconcileResult;
}

const credentials = new Map<string, Promise<Record<string, string>>>();

/** Bearer headers for a person or API key, minted into AUTH_KV as the policy Worker would. */
export function credentialHeaders(spec: CredentialSpec): Promise<Record<string, string>> {
  const key = JSON.stringify(spec);
  let headers = credentials.get(key);
  if (!headers) {
    headers = seedCredential(env.AUTH_KV, spec).then((seeded) => seeded.headers);
    credentials.set(key, headers);
  }
  return headers;
}

export const operator = () => credentialHeaders({ kind: "user", role: "operator" });
export const auditor = () => credentialHeaders({ kind: "user", role: "auditor" });

export async function getJson<T = unknown>(path: string, headers?: Record<string, string>): Promise<T> {
  const response = await call(new Request(`${ORIGIN}${path}`, { headers: headers ?? (await auditor()) }));
  const body = await response.json();
  if (response.status !== 200)
    throw new Error(`GET ${path} answered ${response.status}: ${JSON.stringify(body)}`);
  return body as T;
}

export async function postJson(path: string, body: unknown, headers: Record<string, string>) {
  return call(
    new Request(`${ORIGIN}${path}`, {
      method: "POST",
      headers: { ...headers, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    }),
  );
}

/** A station asks for a top-up authorisation, as it does before writing the card. */
export async function authoriseTopup(
  station: TerminalSetup,
  cardId: string,
  amount: number,
): Promise<string> {
  const url = `${ORIGIN}/v1/topups/authorisations`;
  const response = await call(
    new Request(url, {
      method: "POST",
      headers: { ...(await terminalHeaders(station, "POST", url)), "Content-Type": "application/json" },
      body: JSON.stringify({ cardId, amount }),
    }),
  );
  const body = (await response.json()) as { authorisationId?: string };
  if (response.status !== 201 || !body.authorisationId)
    throw new Error(`top-up authorisation answered ${response.status}: ${JSON.stringify(body)}`);
  return body.authorisationId;
}

/** A station asks `POST /v1/authorisations` (top-up, pay-out or restore); the raw answer. */
export async function askAuthorisation(station: TerminalSetup, body: unknown): Promise<Response> {
  const url = `${ORIGIN}/v1/authorisations`;
  return call(
    new Request(url, {
      method: "POST",
      headers: { ...(await terminalHeaders(station, "POST", url)), "Content-Type": "application/json" },
      body: JSON.stringify(body),
    }),
  );
}
