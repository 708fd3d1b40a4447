/** Helpers that let routes document their failures with the shared problem-document schema. */
// Importing zod-openapi first extends zod with `.openapi()`, which the component name below relies on.
import "@hono/zod-openapi";
import { ERROR_CODES, PROBLEM_CONTENT_TYPE, ProblemDocument, statusForCode } from "@tessera/protocol";

type ProblemStatus = 400 | 401 | 403 | 404 | 405 | 409 | 410 | 412 | 413 | 415 | 422 | 429 | 500 | 503;

/** Named once, so every problem response in the document is a `$ref` to one `Problem` component. */
export const ProblemSchema = ProblemDocument.openapi("Problem");

const problemContent = { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } };

/** The codes a client may see for a status, so the API reference lists them next to the response. */
function codesFor(status: number): string {
  return ERROR_CODES.filter((code) => statusForCode(code) === status)
    .map((code) => `\`${code}\``)
    .join(", ");
}

/**
 * `createRoute` response entries for the listed statuses, e.g. `...problemResponses(401, 403, 422)`.
 * Every route also gets 500, because any route can fail internally.
 */
export function problemResponses<S extends ProblemStatus>(...statuses: S[]) {
  const entries: Record<number, { description: string; content: typeof problemContent }> = {};
  for (const status of [...statuses, 500]) {
    entries[status] = {
      description: `Problem document; code is one of ${codesFor(status)}`,
      content: problemContent,
    };
  }
  return entries as Record<S | 500, { description: string; content: typeof problemContent }>;
}
