/** Turns anything a request can throw into one RFC 9457 problem response with a stable code. */
import { type ErrorCode, PROBLEM_CONTENT_TYPE, TesseraError } from "@tessera/protocol";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

// Hono and its validators raise HTTPException for protocol-level failures (unparseable JSON, oversized
// bodies); each status maps to the code a client would branch on for it. Unlisted statuses are bugs.
const CODE_FOR_HTTP_STATUS: Partial<Record<number, ErrorCode>> = {
  400: "malformed_request",
  401: "unauthenticated",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  413: "payload_too_large",
  415: "unsupported_media_type",
  429: "rate_limited",
};

/** The client-facing error a failure stands for, or undefined when it is an internal fault. */
export function clientErrorFor(error: unknown): TesseraError | undefined {
  if (error instanceof TesseraError) return error;
  if (error instanceof HTTPException) {
    const code = CODE_FOR_HTTP_STATUS[error.status];
    // Hono's own messages ("Malformed JSON in request body") are safe to show; they name no internals.
    if (code) return new TesseraError(code, error.message || undefined);
  }
  return undefined;
}

export function problemResponse(c: Context, error: TesseraError): Response {
  const requestId: string | undefined = c.get("requestId");
  const problem = error.toProblem(c.req.path, requestId);
  return c.body(JSON.stringify(problem), error.status as ContentfulStatusCode, {
    "Content-Type": PROBLEM_CONTENT_TYPE,
  });
}
