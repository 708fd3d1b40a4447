/** The one error the NDEF and TLV codec throws, with a machine-readable reason so callers never parse wording. */

export const NDEF_ERROR_REASONS = [
  "empty_message",
  "truncated",
  "chunked_record",
  "message_begin",
  "message_end",
  "trailing_bytes",
  "invalid_tnf",
  "invalid_record",
  "too_large",
] as const;

export type NdefErrorReason = (typeof NDEF_ERROR_REASONS)[number];

export class NdefError extends Error {
  readonly reason: NdefErrorReason;
  /** Byte offset in the input where decoding stopped; absent for encoder errors. */
  readonly offset: number | undefined;

  constructor(reason: NdefErrorReason, message: string, offset?: number) {
    super(offset === undefined ? message : `${message} (at byte ${offset})`);
    this.name = "NdefError";
    this.reason = reason;
    this.offset = offset;
  }
}
