/**
 * The compact terminal certificate every card slot carries: the backend vouches for one terminal's device
 * key, its allowed operations and its validity window, so any reader can check a write fully offline with
 * only the backend's public certificate keys. Each key version has a certificate key of its own, apart from
 * the key that signs session grants (ADR 0004); the version byte names it.
 *
 *   off size field
 *     0    3 terminal number (uint24: 16.7 million terminals per scheme)
 *     3    2 scope: allowed operations as a bit mask (bit n-1 for operation code n)
 *     5    3 validFrom in whole hours since the epoch (uint24: certificates start on the hour)
 *     8    2 validity in hours (uint16)
 *    10    1 backend key version (uint8): the certificate key of that version, or a legacy version's one key
 *    11   32 the terminal's Ed25519 device public key
 *    43   64 backend Ed25519 signature over tag("tessera.cert.v1") | bytes [0, 43)
 */

import { PUBLIC_KEY_BYTES, SIGNATURE_BYTES, sign, verify } from "../crypto/ed25519.ts";
import { maskToOperations, type Operation, operationsToMask } from "../domain/operation.ts";
import { concatBytes, tag } from "../encoding/bytes.ts";
import type { TerminalCertificate } from "./state.ts";

export const CERTIFICATE_BYTES = 107;
const SIGNED_BYTES = 43;
export const MAX_TERMINAL_NUMBER = 0xffffff;
const CERT_TAG = tag("tessera.cert.v1");

export interface CertificateFields {
  terminalNumber: number;
  operations: readonly Operation[];
  validFrom: number;
  validHours: number;
  keyVersion: number;
  publicKey: Uint8Array;
}

function encodeSignedPart(fields: CertificateFields): Uint8Array {
  const { terminalNumber, validFrom, validHours, keyVersion, publicKey } = fields;
  if (!Number.isInteger(terminalNumber) || terminalNumber < 1 || terminalNumber > MAX_TERMINAL_NUMBER) {
    throw new RangeError(`terminal number must be 1..${MAX_TERMINAL_NUMBER}`);
  }
  if (
    !Number.isInteger(validFrom) ||
    validFrom < 0 ||
    validFrom % 3600 !== 0 ||
    validFrom / 3600 > 0xffffff
  ) {
    throw new RangeError("validFrom must be a whole hour within 24 bits of hours");
  }
  if (!Number.isInteger(validHours) || validHours < 1 || validHours > 0xffff)
    throw new RangeError("validHours must be 1..65535");
  if (!Number.isInteger(keyVersion) || keyVersion < 1 || keyVersion > 0xff)
    throw new RangeError("key version must be 1..255");
  if (publicKey.length !== PUBLIC_KEY_BYTES) throw new RangeError("public key must be 32 bytes");
  const out = new Uint8Array(SIGNED_BYTES);
  const view = new DataView(out.buffer);
  out[0] = terminalNumber >>> 16;
  view.setUint16(1, terminalNumber & 0xffff);
  view.setUint16(3, operationsToMask(fields.operations));
  const hours = validFrom / 3600;
  out[5] = hours >>> 16;
  view.setUint16(6, hours & 0xffff);
  view.setUint16(8, validHours);
  out[10] = keyVersion;
  out.set(publicKey, 11);
  return out;
}

/**
 * Issues a certificate (backend side) with the certificate key of `fields.keyVersion`, never that version's
 * grant key: readers verify it with the certificate key alone. The key never leaves the grants Worker.
 */
export async function issueCertificate(
  fields: CertificateFields,
  backendKey: CryptoKey,
): Promise<Uint8Array> {
  const signed = encodeSignedPart(fields);
  const signature = await sign(backendKey, concatBytes(CERT_TAG, signed));
  return concatBytes(signed, signature);
}

/** Parses certificate bytes; structural only (the signature is checked by verifyCertificate). */
export function decodeCertificate(bytes: Uint8Array): TerminalCertificate {
  if (bytes.length !== CERTIFICATE_BYTES)
    throw new RangeError(`certificate must be ${CERTIFICATE_BYTES} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const scopeMask = view.getUint16(3);
  const validFrom = ((bytes[5]! << 16) | view.getUint16(6)) * 3600;
  const validHours = view.getUint16(8);
  return {
    terminalNumber: (bytes[0]! << 16) | view.getUint16(1),
    scopeMask,
    operations: maskToOperations(scopeMask),
    validFrom,
    validHours,
    validUntil: validFrom + validHours * 3600,
    keyVersion: bytes[10]!,
    publicKey: bytes.slice(11, 11 + PUBLIC_KEY_BYTES),
    signature: bytes.slice(SIGNED_BYTES, SIGNED_BYTES + SIGNATURE_BYTES),
    bytes: bytes.slice(),
  };
}

/** Checks the backend signature with the certificate key of the version the certificate names. */
export async function verifyCertificate(cert: TerminalCertificate, backendKey: CryptoKey): Promise<boolean> {
  return verify(backendKey, cert.signature, concatBytes(CERT_TAG, cert.bytes.subarray(0, SIGNED_BYTES)));
}
