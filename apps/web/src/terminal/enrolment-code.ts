// What the operator types or pastes at enrolment, turned into the one-time code the grants Worker expects.
import { parseEnrolmentQr } from "@tessera/protocol";

/** Accepts the code as typed (the Worker normalises case and dashes), or the console's whole QR payload. */
export function enrolmentCodeFrom(input: string): string {
  const trimmed = input.trim();
  return parseEnrolmentQr(trimmed)?.code ?? trimmed;
}
