/** Errors the engine raises on purpose, each with a stable code the UI can put into words. */

export const ENGINE_ERROR_CODES = [
  "not_enrolled",
  "already_enrolled",
  "no_grant",
  "grant_rejected",
  "deny_list_behind",
  "storage_shared",
  "closed",
] as const;
export type EngineErrorCode = (typeof ENGINE_ERROR_CODES)[number];

export class EngineError extends Error {
  readonly code: EngineErrorCode;

  constructor(code: EngineErrorCode, message: string) {
    super(message);
    this.name = "EngineError";
    this.code = code;
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
