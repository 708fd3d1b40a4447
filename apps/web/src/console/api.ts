// The console's HTTP client for the three Workers: one credential (bootstrap/admin bearer token or the
// passkey session cookie), problem+json errors as typed exceptions, and streamed downloads with progress.
import { config, type WorkerName } from "../config/index.ts";

/** How the console proves who is calling. The session cookie is HttpOnly, so it is only ever "sent along". */
export type Credential = { kind: "token"; token: string } | { kind: "session" };

/** An RFC 9457 problem document as the Workers answer it. */
export interface Problem {
  status: number;
  code: string;
  title?: string;
  detail?: string;
  errors?: { path?: string; rule?: string; message: string }[];
}

export class ProblemError extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail ?? problem.title ?? problem.code);
    this.name = "ProblemError";
    this.problem = problem;
  }
  get status(): number {
    return this.problem.status;
  }
  get code(): string {
    return this.problem.code;
  }
}

export interface RequestOptions {
  method?: "GET" | "POST" | "PUT" | "DELETE";
  body?: unknown;
  query?: Readonly<Record<string, string | number | undefined>>;
  headers?: Readonly<Record<string, string>>;
  signal?: AbortSignal;
}

export type WorkerUrlMap = Readonly<Record<WorkerName, string>>;

export function buildUrl(base: string, path: string, query?: RequestOptions["query"]): string {
  const url = new URL(`${base}/v1${path}`);
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== "") url.searchParams.set(name, String(value));
  }
  return url.href;
}

/** Reads a failed response as a problem; a body that is not one still yields a stable code. */
export async function problemOf(response: Response): Promise<Problem> {
  try {
    const body = (await response.json()) as Partial<Problem>;
    if (typeof body.code === "string") return { ...body, status: response.status, code: body.code };
  } catch {
    // Not JSON: fall through to the generic problem below.
  }
  return { status: response.status, code: `http_${response.status}`, detail: response.statusText };
}

export class ConsoleApi {
  readonly urls: WorkerUrlMap;
  readonly credential: Credential;

  constructor(credential: Credential, urls: WorkerUrlMap = config.workers) {
    this.credential = credential;
    this.urls = urls;
  }

  private init(options: RequestOptions): RequestInit {
    const headers: Record<string, string> = { Accept: "application/json", ...options.headers };
    if (this.credential.kind === "token") headers.Authorization = `Bearer ${this.credential.token}`;
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    return {
      method: options.method ?? "GET",
      headers,
      // The session cookie lives on the Workers' host; a bearer token needs no cookie at all.
      credentials: this.credential.kind === "session" ? "include" : "omit",
      cache: "no-store",
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    };
  }

  async raw(worker: WorkerName, path: string, options: RequestOptions = {}): Promise<Response> {
    const response = await fetch(buildUrl(this.urls[worker], path, options.query), this.init(options));
    if (!response.ok) throw new ProblemError(await problemOf(response));
    return response;
  }

  async json<T>(worker: WorkerName, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.raw(worker, path, options);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  get<T>(worker: WorkerName, path: string, query?: RequestOptions["query"], signal?: AbortSignal) {
    return this.json<T>(worker, path, { query, ...(signal ? { signal } : {}) });
  }

  post<T>(worker: WorkerName, path: string, body: unknown = {}) {
    return this.json<T>(worker, path, { method: "POST", body });
  }

  put<T>(worker: WorkerName, path: string, body: unknown) {
    return this.json<T>(worker, path, { method: "PUT", body });
  }

  delete<T>(worker: WorkerName, path: string, query?: RequestOptions["query"]) {
    return this.json<T>(worker, path, { method: "DELETE", query });
  }

  /**
   * Downloads a streamed body, reporting bytes as they arrive; aborting `signal` stops the transfer and
   * rejects with an AbortError, so a cancelled export leaves no half file behind.
   */
  async download(
    worker: WorkerName,
    path: string,
    query: RequestOptions["query"],
    onProgress: (bytes: number) => void,
    signal: AbortSignal,
  ): Promise<Blob> {
    const response = await this.raw(worker, path, { query, signal, headers: { Accept: "*/*" } });
    return readWithProgress(response, onProgress, response.headers.get("Content-Type") ?? "");
  }
}

export async function readWithProgress(
  response: Response,
  onProgress: (bytes: number) => void,
  type: string,
): Promise<Blob> {
  const reader = response.body?.getReader();
  if (!reader) return new Blob([await response.arrayBuffer()], { type });
  const parts: Uint8Array<ArrayBuffer>[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value as Uint8Array<ArrayBuffer>);
    bytes += value.byteLength;
    onProgress(bytes);
  }
  return new Blob(parts, { type });
}

/** Hands a blob to the browser as a file download. */
export function saveBlob(blob: Blob, fileName: string): void {
  const href = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = href;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked on the next task: the click has started the download by then.
  setTimeout(() => URL.revokeObjectURL(href), 0);
}
