/**
 * The stable, machine-readable error codes every Tessera service returns, each with exactly one HTTP
 * status. Clients branch on `code`, never on wording, so codes are only ever added, never renamed.
 */
import { z } from "zod";

export const ERROR_CODES = [
  "malformed_request",
  "validation_failed",
  "unsupported_media_type",
  "payload_too_large",
  "unauthenticated",
  "forbidden",
  "not_found",
  "method_not_allowed",
  "conflict",
  "precondition_failed",
  "rate_limited",
  "idempotency_conflict",
  "enrolment_code_invalid",
  "enrolment_code_expired",
  "enrolment_code_used",
  "dpop_invalid",
  "dpop_replayed",
  "grant_invalid",
  "grant_expired",
  "terminal_unknown",
  "terminal_suspended",
  "terminal_revoked",
  "policy_invalid",
  "policy_version_not_found",
  "catalog_invalid",
  "batch_too_large",
  "card_unknown",
  "card_invalid",
  "topup_not_authorised",
  "payout_not_authorised",
  "reissue_not_authorised",
  "key_rotation_invalid",
  "invitation_invalid",
  "webauthn_failed",
  "last_admin",
  "fleet_not_ready",
  "fleet_readiness_unavailable",
  "internal_error",
  "service_unavailable",
] as const;

export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

export function statusForCode(code: ErrorCode): number {
  switch (code) {
    case "malformed_request":
    case "enrolment_code_invalid":
    case "invitation_invalid":
      return 400;
    case "unauthenticated":
    case "dpop_invalid":
    case "dpop_replayed":
    case "grant_invalid":
    case "grant_expired":
    case "webauthn_failed":
      return 401;
    case "forbidden":
    case "terminal_suspended":
    case "terminal_revoked":
    case "topup_not_authorised":
    case "payout_not_authorised":
    case "reissue_not_authorised":
      return 403;
    case "not_found":
    case "terminal_unknown":
    case "policy_version_not_found":
    case "card_unknown":
      return 404;
    case "method_not_allowed":
      return 405;
    case "conflict":
    case "idempotency_conflict":
    case "enrolment_code_used":
    case "key_rotation_invalid":
    case "last_admin":
    case "fleet_not_ready":
      return 409;
    case "enrolment_code_expired":
      return 410;
    case "precondition_failed":
      return 412;
    case "payload_too_large":
    case "batch_too_large":
      return 413;
    case "unsupported_media_type":
      return 415;
    case "validation_failed":
    case "policy_invalid":
    case "catalog_invalid":
    case "card_invalid":
      return 422;
    case "rate_limited":
      return 429;
    case "internal_error":
      return 500;
    case "service_unavailable":
    case "fleet_readiness_unavailable":
      return 503;
    default: {
      const unreachable: never = code;
      throw new Error(`unmapped error code ${unreachable as string}`);
    }
  }
}

/** Short human titles; the `detail` of each problem says what exactly went wrong. */
export const ERROR_TITLES: Record<ErrorCode, string> = {
  malformed_request: "The request could not be parsed",
  validation_failed: "The request is not valid",
  unsupported_media_type: "Unsupported content type",
  payload_too_large: "The request body is too large",
  unauthenticated: "Authentication required",
  forbidden: "Not allowed for this credential",
  not_found: "Not found",
  method_not_allowed: "Method not allowed",
  conflict: "Conflicts with the current state",
  precondition_failed: "Precondition failed",
  rate_limited: "Too many requests",
  idempotency_conflict: "Idempotency key reused with a different request",
  enrolment_code_invalid: "Unknown enrolment code",
  enrolment_code_expired: "Enrolment code expired",
  enrolment_code_used: "Enrolment code already used",
  dpop_invalid: "Invalid proof of possession",
  dpop_replayed: "Proof of possession already used",
  grant_invalid: "Invalid session grant",
  grant_expired: "Session grant expired",
  terminal_unknown: "Unknown terminal",
  terminal_suspended: "Terminal suspended",
  terminal_revoked: "Terminal revoked",
  policy_invalid: "Policy document is not valid",
  policy_version_not_found: "No such policy version",
  catalog_invalid: "Catalog document is not valid",
  batch_too_large: "Too many events in one batch",
  card_unknown: "Unknown card",
  card_invalid: "Card image is not valid",
  topup_not_authorised: "Top-up not authorised",
  payout_not_authorised: "Pay-out not authorised",
  reissue_not_authorised: "Restore not authorised",
  key_rotation_invalid: "Key rotation not possible now",
  invitation_invalid: "Invitation not valid",
  webauthn_failed: "Passkey verification failed",
  last_admin: "The last active admin must stay an active admin",
  fleet_not_ready: "Terminals in the field cannot follow this change yet",
  fleet_readiness_unavailable: "Whether the terminals can follow this change is not known now",
  internal_error: "Internal error",
  service_unavailable: "Service unavailable",
};
