/**
 * Ed25519 through WebCrypto, the same calls in workerd, Node and the browser. Device private keys are
 * generated non-extractable: the terminal can sign with them but no code, ours included, can read them.
 */
import { concatBytes, toBase64Url, utf8 } from "../encoding/bytes.ts";

export const ED25519 = { name: "Ed25519" } as const;
export const PUBLIC_KEY_BYTES = 32;
export const SIGNATURE_BYTES = 64;

export interface Ed25519Jwk {
  kty: "OKP";
  crv: "Ed25519";
  x: string;
}

/** A fresh key pair whose private half can sign but never be exported. */
export async function generateSigningKeyPair(extractable = false): Promise<CryptoKeyPair> {
  return (await crypto.subtle.generateKey(ED25519, extractable, ["sign", "verify"])) as CryptoKeyPair;
}

export async function exportPublicKeyRaw(key: CryptoKey): Promise<Uint8Array> {
  return new Uint8Array((await crypto.subtle.exportKey("raw", key)) as ArrayBuffer);
}

export async function importPublicKeyRaw(raw: Uint8Array): Promise<CryptoKey> {
  if (raw.length !== PUBLIC_KEY_BYTES) throw new TypeError("an Ed25519 public key is 32 bytes");
  return crypto.subtle.importKey("raw", raw as Uint8Array<ArrayBuffer>, ED25519, true, ["verify"]);
}

export async function publicKeyToJwk(key: CryptoKey): Promise<Ed25519Jwk> {
  return { kty: "OKP", crv: "Ed25519", x: toBase64Url(await exportPublicKeyRaw(key)) };
}

export async function sign(privateKey: CryptoKey, message: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign(ED25519, privateKey, message as Uint8Array<ArrayBuffer>));
}

/** Verifies a signature; any malformed input is simply "not valid", never an exception. */
export async function verify(
  publicKey: CryptoKey,
  signature: Uint8Array,
  message: Uint8Array,
): Promise<boolean> {
  if (signature.length !== SIGNATURE_BYTES) return false;
  try {
    return await crypto.subtle.verify(
      ED25519,
      publicKey,
      signature as Uint8Array<ArrayBuffer>,
      message as Uint8Array<ArrayBuffer>,
    );
  } catch {
    return false;
  }
}

export async function sha256(...parts: Uint8Array[]): Promise<Uint8Array> {
  const data = parts.length === 1 ? parts[0]! : concatBytes(...parts);
  return new Uint8Array(await crypto.subtle.digest("SHA-256", data as Uint8Array<ArrayBuffer>));
}

/** RFC 7638 JWK thumbprint of an Ed25519 public key, as used by DPoP's `cnf.jkt`. */
export async function jwkThumbprint(jwk: Ed25519Jwk): Promise<string> {
  const canonical = `{"crv":"${jwk.crv}","kty":"${jwk.kty}","x":"${jwk.x}"}`;
  return toBase64Url(await sha256(utf8.encode(canonical)));
}
