/** Work that may finish after the response (audit copies of terminal actions, cache rebuilds). */
import type { Context } from "hono";

/** Hands `work` to `waitUntil`; where there is no execution context (a bare `fetch(request, env)`), awaits it. */
export function inBackground(c: Context): (work: Promise<unknown>) => void {
  return (work) => {
    try {
      c.executionCtx.waitUntil(work);
    } catch {
      void work;
    }
  };
}

/** Appends an audit entry without letting its failure fail the request; the failure is logged. */
export function auditInBackground(c: Context, action: string, append: () => Promise<unknown>): void {
  inBackground(c)(
    append().catch((error: unknown) =>
      console.error(
        JSON.stringify({ level: "error", event: "audit_append_failed", action, error: String(error) }),
      ),
    ),
  );
}
