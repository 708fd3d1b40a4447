/** A signing-key version exactly as releases before ADR 0004 made it: one dual-purpose key. */
import { env } from "cloudflare:workers";
import { toBase64Url, utf8 } from "@tessera/protocol";
import { keyEncryptionKey } from "../src/keys/key-wrap.ts";

const HOUR = 3600;

/**
 * Inserts `version` as the active legacy key, wrapped with the version alone and without a certificate key,
 * published and activated 30 days ago; returns its public key (base64url).
 */
export async function insertLegacyKey(version = 1): Promise<string> {
  const kek = await keyEncryptionKey(env.KEY_ENCRYPTION_KEY);
  const pair = (await crypto.subtle.generateKey({ name: "Ed25519" }, true, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const wrapped = new Uint8Array(
    (await crypto.subtle.wrapKey("pkcs8", pair.privateKey, kek.key, {
      name: "AES-GCM",
      iv,
      additionalData: utf8.encode(`tessera-signing-key:v${version}`) as Uint8Array<ArrayBuffer>,
    })) as ArrayBuffer,
  );
  const sealed = new Uint8Array(12 + wrapped.length);
  sealed.set(iv, 0);
  sealed.set(wrapped, 12);
  const x = toBase64Url(
    new Uint8Array((await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer),
  );
  const at = Math.floor(Date.now() / 1000) - 30 * 24 * HOUR;
  await env.DB.prepare(
    `INSERT INTO signing_keys
       (version, public_key_x, wrapped_private_key, kek_fingerprint, status, created_by, published_at, activated_at)
     VALUES (?1, ?2, ?3, ?4, 'active', 'system:first-use', ?5, ?5)`,
  )
    .bind(version, x, toBase64Url(sealed), kek.fingerprint, at)
    .run();
  return x;
}
