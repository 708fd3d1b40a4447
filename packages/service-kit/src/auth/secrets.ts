/**
 * Credential secrets: 256-bit random strings with a prefix naming their kind, stored and looked up
 * only as SHA-256 hex digests, compared in constant time.
 */
import { equalBytes, sha256, toBase64Url, toHex, utf8 } from "@tessera/protocol";

/**
 * Prefixes make a leaked secret recognisable to secret scanners and to people:
 * `tsk_` service API key, `tsa_` admin bearer token, `tss_` console session, `tsi_` invitation.
 */
export const SECRET_PREFIXES = {
  apiKey: "tsk",
  adminToken: "tsa",
  session: "tss",
  invitation: "tsi",
} as const;
export type SecretKind = keyof typeof SECRET_PREFIXES;

const SECRET_BYTES = 32;

/** A fresh secret such as `tsk_3q2…` (43 base64url characters after the prefix). */
export function generateSecret(kind: SecretKind): string {
  const bytes = crypto.getRandomValues(new Uint8Array(SECRET_BYTES));
  return `${SECRET_PREFIXES[kind]}_${toBase64Url(bytes)}`;
}

/** SHA-256 of the whole secret, prefix included, as lowercase hex: the only form ever stored. */
export async function hashSecret(secret: string): Promise<string> {
  return toHex(await sha256(utf8.encode(secret)));
}

/** Compares two strings in time that depends only on their lengths (hash digests have a fixed one). */
export function constantTimeEqual(a: string, b: string): boolean {
  return equalBytes(utf8.encode(a), utf8.encode(b));
}

/** The first characters of a secret, safe to show in listings so people can tell keys apart. */
export function secretHint(secret: string): string {
  return `${secret.slice(0, 8)}…`;
}
