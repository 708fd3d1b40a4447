/**
 * Signing keys at rest: each Ed25519 private key is stored in D1 only wrapped with AES-256-GCM under the
 * key-encryption key (the `KEY_ENCRYPTION_KEY` Wrangler secret), and unwrapped straight into a
 * non-extractable CryptoKey at use, so no code path ever holds the private key's bytes after creation.
 * The additional data binds each wrapped key to its version and its use (ADR 0004).
 */
import {
  ED25519,
  fromBase64Url,
  type KeyPurpose,
  type KeyUse,
  sha256,
  toBase64Url,
  toHex,
  utf8,
} from "@tessera/protocol";

const IV_BYTES = 12;
const AES_GCM = "AES-GCM";

export interface KeyEncryptionKey {
  key: CryptoKey;
  /** 16 hex characters of SHA-256 over the KEK: names it in D1 without revealing anything usable. */
  fingerprint: string;
}

export interface WrappedSigningKey {
  publicKeyX: string;
  wrapped: string;
  kekFingerprint: string;
}

// One imported KEK per isolate and secret value: importing is cheap, but not free on every request.
let cachedKek: { secret: string; kek: Promise<KeyEncryptionKey> } | undefined;

function base64ToBytes(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
}

/** Imports the secret (already checked to be base64 of 32 bytes by the bindings schema). */
export function keyEncryptionKey(secret: string): Promise<KeyEncryptionKey> {
  if (cachedKek?.secret !== secret) {
    const raw = base64ToBytes(secret) as Uint8Array<ArrayBuffer>;
    const kek = (async () => ({
      key: await crypto.subtle.importKey("raw", raw, AES_GCM, false, ["wrapKey", "unwrapKey"]),
      fingerprint: toHex(await sha256(utf8.encode("tessera-kek-fingerprint"), raw)).slice(0, 16),
    }))();
    cachedKek = { secret, kek };
  }
  return cachedKek.kek;
}

/**
 * The additional data that binds a wrapped key to its version and use, so neither rows nor a row's two keys
 * can be swapped: a grant key put in the certificate column does not unwrap as a certificate key. A legacy
 * dual-purpose key (made before keys were split) was wrapped with the version alone, and still unwraps so.
 */
function aadFor(version: number, use: KeyUse): Uint8Array<ArrayBuffer> {
  const suffix = use === "dual" ? "" : `:${use}`;
  return utf8.encode(`tessera-signing-key:v${version}${suffix}`) as Uint8Array<ArrayBuffer>;
}

/**
 * Makes a fresh key pair for `version`'s `purpose` and returns its public half and its wrapped private half.
 * Dual-purpose keys are never made any more; only those made before the split are still unwrapped.
 */
export async function createWrappedSigningKey(
  version: number,
  purpose: KeyPurpose,
  kek: KeyEncryptionKey,
): Promise<WrappedSigningKey> {
  // Extractable only so it can be wrapped here; the pair is dropped when this function returns.
  const pair = (await crypto.subtle.generateKey(ED25519, true, ["sign", "verify"])) as CryptoKeyPair;
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const wrapped = new Uint8Array(
    (await crypto.subtle.wrapKey("pkcs8", pair.privateKey, kek.key, {
      name: AES_GCM,
      iv,
      additionalData: aadFor(version, purpose),
    })) as ArrayBuffer,
  );
  const publicRaw = new Uint8Array((await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer);
  const sealed = new Uint8Array(IV_BYTES + wrapped.length);
  sealed.set(iv, 0);
  sealed.set(wrapped, IV_BYTES);
  return {
    publicKeyX: toBase64Url(publicRaw),
    wrapped: toBase64Url(sealed),
    kekFingerprint: kek.fingerprint,
  };
}

/**
 * Unwraps a stored key into a non-extractable signing key; throws when the KEK, the row or the use is wrong
 * (a key wrapped as one use never unwraps as another).
 */
export async function unwrapSigningKey(
  version: number,
  use: KeyUse,
  wrapped: string,
  kek: KeyEncryptionKey,
): Promise<CryptoKey> {
  const sealed = fromBase64Url(wrapped);
  return crypto.subtle.unwrapKey(
    "pkcs8",
    sealed.slice(IV_BYTES) as Uint8Array<ArrayBuffer>,
    kek.key,
    {
      name: AES_GCM,
      iv: sealed.slice(0, IV_BYTES) as Uint8Array<ArrayBuffer>,
      additionalData: aadFor(version, use),
    },
    ED25519,
    false,
    ["sign"],
  );
}
