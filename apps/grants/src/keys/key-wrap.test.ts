import { sign, verify } from "@tessera/protocol";
import { describe, expect, it } from "vitest";
import { createWrappedSigningKey, keyEncryptionKey, unwrapSigningKey } from "./key-wrap.ts";

const secret = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));

describe("signing keys at rest", () => {
  it("unwrap into a non-extractable key that signs for the stored public key", async () => {
    const kek = await keyEncryptionKey(secret());
    const stored = await createWrappedSigningKey(4, kek);
    const privateKey = await unwrapSigningKey(4, stored.wrapped, kek);
    expect(privateKey.extractable).toBe(false);
    const message = new TextEncoder().encode("certificate bytes");
    const publicKey = await crypto.subtle.importKey(
      "jwk",
      { kty: "OKP", crv: "Ed25519", x: stored.publicKeyX },
      { name: "Ed25519" },
      true,
      ["verify"],
    );
    expect(await verify(publicKey, await sign(privateKey, message), message)).toBe(true);
    expect(stored.kekFingerprint).toBe(kek.fingerprint);
  });

  it("cannot be unwrapped with another key-encryption key, or as another version", async () => {
    const kek = await keyEncryptionKey(secret());
    const stored = await createWrappedSigningKey(4, kek);
    const other = await keyEncryptionKey(secret());
    expect(other.fingerprint).not.toBe(kek.fingerprint);
    await expect(unwrapSigningKey(4, stored.wrapped, other)).rejects.toThrow();
    const again = await keyEncryptionKey(secret());
    const mine = await createWrappedSigningKey(5, again);
    await expect(unwrapSigningKey(4, mine.wrapped, again)).rejects.toThrow();
  });

  it("use a fresh IV for every key", async () => {
    const kek = await keyEncryptionKey(secret());
    const a = await createWrappedSigningKey(1, kek);
    const b = await createWrappedSigningKey(1, kek);
    expect(a.wrapped.slice(0, 16)).not.toBe(b.wrapped.slice(0, 16));
  });
});
