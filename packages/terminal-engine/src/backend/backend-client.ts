/**
 * HTTP to the three Workers through an injectable `fetch`: DPoP proofs made with the device key, the grant
 * as `Authorization: DPoP`, RFC 9457 problems turned into typed errors, and every answer (or silence)
 * reported as connectivity.
 */
import { accessTokenHash, createDpopProof, type Ed25519Jwk, type ProblemDocument } from "@tessera/protocol";
import { type Clock, epochSeconds } from "../clock.ts";

export interface Endpoints {
  grants: string;
  policy: string;
  reconciliation: string;
}
export type Service = keyof Endpoints;

export type Connectivity = "checking" | "online" | "offline" | "unreachable";

/** The device key that signs DPoP proofs, and the grant when the request carries one. */
export interface RequestCredentials {
  privateKey: CryptoKey;
  publicJwk: Ed25519Jwk;
  grant?: string;
}

/** The backend answered with an error; `code` is the problem's stable code (or `http_<status>`). */
export class BackendError extends Error {
  readonly status: number;
  readonly code: string;
  readonly problem: Partial<ProblemDocument> | undefined;
  /** How long the server asked clients to wait (Retry-After on 429 and 503). */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    status: number,
    code: string,
    detail: string,
    problem?: Partial<ProblemDocument>,
    retryAfterSeconds?: number,
  ) {
    super(detail);
    this.name = "BackendError";
    this.status = status;
    this.code = code;
    this.problem = problem;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** No answer: the device is offline, the Worker is down, or the request timed out. */
export class BackendUnreachableError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message);
    this.name = "BackendUnreachableError";
    this.cause = cause;
  }
}

export interface BackendClientOptions {
  fetch: typeof fetch;
  endpoints: Endpoints;
  clock: Clock;
  /** Whether the device believes it has a network (navigator.onLine in a browser). */
  isOnline: () => boolean;
  onConnectivity: (connectivity: Connectivity) => void;
  timeoutMs: number;
}

export interface SendOptions {
  credentials?: RequestCredentials;
  /** Send a DPoP proof (with `ath` when a grant is sent too). */
  proof?: boolean;
  body?: unknown;
  query?: Record<string, string>;
  headers?: Record<string, string>;
}

/** Gateways answering for a Worker that is down: the backend is unreachable, not refusing. */
const UNREACHABLE_STATUSES = new Set([502, 503, 504]);

export class BackendClient {
  readonly #options: BackendClientOptions;

  constructor(options: BackendClientOptions) {
    this.#options = options;
  }

  url(service: Service, path: string): string {
    return `${this.#options.endpoints[service].replace(/\/+$/, "")}${path}`;
  }

  /** Sends a request; resolves with 2xx and 304 responses, throws BackendError or BackendUnreachableError. */
  async send(service: Service, method: string, path: string, options: SendOptions = {}): Promise<Response> {
    const url = this.url(service, path);
    const headers: Record<string, string> = { accept: "application/json", ...options.headers };
    if (options.body !== undefined) headers["content-type"] = "application/json";
    const credentials = options.credentials;
    if (credentials && options.proof) {
      headers.dpop = await createDpopProof({
        privateKey: credentials.privateKey,
        publicJwk: credentials.publicJwk,
        htm: method,
        htu: url,
        iat: epochSeconds(this.#options.clock),
        ...(credentials.grant ? { ath: await accessTokenHash(credentials.grant) } : {}),
      });
    }
    if (credentials?.grant) headers.authorization = `DPoP ${credentials.grant}`;
    const target = options.query ? `${url}?${new URLSearchParams(options.query)}` : url;

    let response: Response;
    try {
      response = await this.#options.fetch(target, {
        method,
        headers,
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
        signal: AbortSignal.timeout(this.#options.timeoutMs),
      });
    } catch (error) {
      this.#options.onConnectivity(this.#options.isOnline() ? "unreachable" : "offline");
      throw new BackendUnreachableError(`${method} ${path}: no answer from the ${service} service`, error);
    }
    if (UNREACHABLE_STATUSES.has(response.status)) {
      this.#options.onConnectivity("unreachable");
      throw await problemError(response, `${method} ${path}`);
    }
    this.#options.onConnectivity("online");
    if (response.ok || response.status === 304) return response;
    throw await problemError(response, `${method} ${path}`);
  }

  /** Sends and parses a JSON answer. */
  async json(service: Service, method: string, path: string, options: SendOptions = {}): Promise<unknown> {
    const response = await this.send(service, method, path, options);
    return response.json();
  }
}

async function problemError(response: Response, what: string): Promise<BackendError> {
  let problem: Partial<ProblemDocument> | undefined;
  try {
    const body: unknown = await response.json();
    // Read loosely: a newer service may send a code this build does not list yet, and it is still the code.
    if (typeof body === "object" && body !== null) problem = body as Partial<ProblemDocument>;
  } catch {
    // Not JSON: a proxy's error page. The status says enough.
  }
  const code = typeof problem?.code === "string" ? problem.code : `http_${response.status}`;
  const detail = typeof problem?.detail === "string" ? problem.detail : response.statusText;
  return new BackendError(
    response.status,
    code,
    `${what}: ${response.status} ${detail}`,
    problem,
    retryAfter(response.headers.get("retry-after")),
  );
}

/** Retry-After in delay-seconds; the HTTP-date form is not worth a clock comparison here. */
function retryAfter(header: string | null): number | undefined {
  if (header === null || !/^\d{1,7}$/.test(header.trim())) return undefined;
  return Number(header.trim());
}
