/**
 * Typed failures of deny-list handling. They are plain errors, not `TesseraError`s: a terminal
 * catches them to fall back to a fresh snapshot, and on a server they mean our own stored data is
 * bad, which the error handler must report as an internal error rather than blame the caller.
 */

/** Binary or chunked deny-list input that is not exactly what the format allows. */
export class DenyListFormatError extends Error {
  /** Byte offset in the binary input where decoding stopped, when the input was binary. */
  readonly offset: number | undefined;

  constructor(message: string, offset?: number) {
    super(offset === undefined ? message : `${message} (at byte ${offset})`);
    this.name = "DenyListFormatError";
    this.offset = offset;
  }
}

/** A delta that does not start at the list's version: the holder must fetch a snapshot instead. */
export class DenyListVersionError extends Error {
  readonly expected: number;
  readonly actual: number;

  constructor(expected: number, actual: number, message?: string) {
    super(message ?? `deny-list delta starts at version ${actual}, the list is at version ${expected}`);
    this.name = "DenyListVersionError";
    this.expected = expected;
    this.actual = actual;
  }
}
