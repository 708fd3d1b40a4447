/** RFC 9457 problem documents and the typed error that services throw to produce them. */
import { z } from "zod";
import { ERROR_TITLES, ErrorCode, statusForCode } from "./codes.ts";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** One field-level complaint inside a `validation_failed` (or similar) problem. */
export const ProblemFieldError = z.object({
  path: z.string().describe("JSON pointer-like dotted path of the offending field"),
  message: z.string(),
});
export type ProblemFieldError = z.infer<typeof ProblemFieldError>;

export const ProblemDocument = z.looseObject({
  type: z.string().describe("URI naming the problem type: `urn:tessera:problem:<code>`"),
  title: z.string(),
  status: z.number().int().min(400).max(599),
  detail: z.string().optional(),
  instance: z.string().optional(),
  code: ErrorCode,
  errors: z.array(ProblemFieldError).optional(),
  requestId: z.string().optional(),
});
export type ProblemDocument = z.infer<typeof ProblemDocument>;

/** Thrown by domain code and handlers; the service's single error handler turns it into a problem. */
export class TesseraError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly extra: Record<string, unknown>;

  constructor(code: ErrorCode, detail?: string, extra: Record<string, unknown> = {}) {
    super(detail ?? ERROR_TITLES[code]);
    this.name = "TesseraError";
    this.code = code;
    this.status = statusForCode(code);
    this.extra = extra;
  }

  toProblem(instance?: string, requestId?: string): ProblemDocument {
    return problemFor(this.code, this.message, { ...this.extra, instance, requestId });
  }
}

export function problemFor(
  code: ErrorCode,
  detail?: string,
  extra: Record<string, unknown> & { errors?: ProblemFieldError[] } = {},
): ProblemDocument {
  const doc: ProblemDocument = {
    type: `urn:tessera:problem:${code}`,
    title: ERROR_TITLES[code],
    status: statusForCode(code),
    code,
    ...(detail ? { detail } : {}),
  };
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) doc[key] = value;
  return doc;
}

/** Turns zod issues into the `errors` list of a problem document. */
export function fieldErrorsFromZod(error: z.ZodError): ProblemFieldError[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message }));
}
