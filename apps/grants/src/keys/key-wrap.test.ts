import { ED25519, sign, toBase64Url, utf8, verify } from "@tessera/protocol";
import { describe, expect, it } from "vitest";
import { createWrappedSigningKey, keyEncryptionKey, unwrapSigningKey } from "./key-wrap.ts";

const secret = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));

async function publicKeyOf(x: string): Promise<CryptoKey> {
  return crypto.subtle.importKey("jwk", { kty: "OKP", crv: "Ed25519", x }, ED25519, true, ["verify"]);
}

/** A key wrapped the way versions made before the split were: the version alone as additional data. */
async function legacyWrapped(version: number, kekSecret: string) {
  const kek = await keyEncryptionKey(kekSecret);
  const pair = (await crypto.subtle.generateKey(ED25519, true, ["sign", "verify"])) as CryptoKeyPair;
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
  return { kek, wrapped: toBase64Url(sealed), publicKey: pair.publicKey };
}

describe("signing keys at rest", () => {
  it("unwrap into a non-extractable key that signs for the stored public key", async () => {
    const kek = await keyEncryptionKey(secret());
    for (const purpose of ["grant", "certificate"] as const) {
      const stored = await createWrappedSigningKey(4, purpose, kek);
      const privateKey = await unwrapSigningKey(4, purpose, stored.wrapped, kek);
      expect(privateKey.extractable).toBe(false);
      const message = new TextEncoder().encode("certificate bytes");
      expect(
        await verify(await publicKeyOf(stored.publicKeyX), await sign(privateKey, message), message),
      ).toBe(true);
      expect(stored.kekFingerprint).toBe(kek.fingerprint);
    }
  });

  it("cannot be unwrapped with another key-encryption key, or as another version", async () => {
    const kek = await keyEncryptionKey(secret());
    const stored = await createWrappedSigningKey(4, "grant", kek);
    const other = await keyEncryptionKey(secret());
    expect(other.fingerprint).not.toBe(kek.fingerprint);
    await expect(unwrapSigningKey(4, "grant", stored.wrapped, other)).rejects.toThrow();
    const again = await keyEncryptionKey(secret());
    const mine = await createWrappedSigningKey(5, "grant", again);
    await expect(unwrapSigningKey(4, "grant", mine.wrapped, again)).rejects.toThrow();
  });

  it("cannot be unwrapped for another use: a grant key never turns into a certificate key", async () => {
    const kek = await keyEncryptionKey(secret());
    const grant = await createWrappedSigningKey(6, "grant", kek);
    const certificate = await createWrappedSigningKey(6, "certificate", kek);
    await expect(unwrapSigningKey(6, "certificate", grant.wrapped, kek)).rejects.toThrow();
    await expect(unwrapSigningKey(6, "grant", certificate.wrapped, kek)).rejects.toThrow();
    await expect(unwrapSigningKey(6, "dual", grant.wrapped, kek)).rejects.toThrow();
    expect(grant.publicKeyX).not.toBe(certificate.publicKeyX);
  });

  it("still unwraps a legacy dual-purpose key, only as dual-purpose", async () => {
    const legacy = await legacyWrapped(3, secret());
    const privateKey = await unwrapSigningKey(3, "dual", legacy.wrapped, legacy.kek);
    const message = new TextEncoder().encode("grant or certificate");
    expect(await verify(legacy.publicKey, await sign(privateKey, message), message)).toBe(true);
    await expect(unwrapSigningKey(3, "grant", legacy.wrapped, legacy.kek)).rejects.toThrow();
    await expect(unwrapSigningKey(3, "certificate", legacy.wrapped, legacy.kek)).rejects.toThrow();
  });

  it("use a fresh IV for every key", async () => {
    const kek = await keyEncryptionKey(secret());
    const a = await createWrappedSigningKey(1, "grant", kek);
    const b = await createWrappedSigningKey(1, "grant", kek);
    expect(a.wrapped.slice(0, 16)).not.toBe(b.wrapped.slice(0, 16));
  });
});
