/** Enrolment codes as stored: only the SHA-256 of the normalised code, so a database read yields no usable code. */
import { sha256, toHex, utf8 } from "@tessera/protocol";

export async function hashEnrolmentCode(normalisedCode: string): Promise<string> {
  return toHex(await sha256(utf8.encode(`tessera-enrolment-code:${normalisedCode}`)));
}
