/**
 * How this Worker keeps "no admin action without its audit entry" (ADR 0003): creations are written
 * inert first, audited, and undone if the audit log refuses; revocations are audited first and then done.
 */
import { TesseraError } from "@tessera/protocol";

/** Runs `record`; if it fails, runs `undo` and answers 503 saying nothing happened. */
export async function auditOrUndo(
  record: () => Promise<unknown>,
  undo: () => Promise<unknown>,
): Promise<void> {
  try {
    await record();
  } catch (error) {
    await undo();
    throw auditUnavailable(error);
  }
}

/** Runs `record` before an irreversible action; if the audit log refuses, the action is not taken. */
export async function auditFirst(record: () => Promise<unknown>): Promise<void> {
  try {
    await record();
  } catch (error) {
    throw auditUnavailable(error);
  }
}

function auditUnavailable(error: unknown): TesseraError {
  if (error instanceof TesseraError) return error;
  console.error(JSON.stringify({ level: "error", event: "audit_append_failed", error: String(error) }));
  return new TesseraError(
    "service_unavailable",
    "The audit log is unreachable, so nothing was changed; retry later",
  );
}
