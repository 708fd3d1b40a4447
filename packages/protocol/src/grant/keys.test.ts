import { describe, expect, it } from "vitest";
import { generateSigningKeyPair, sign, verify } from "../crypto/ed25519.ts";
import { Jwks, jwksKeyFor, keysByVersion, kidForVersion, versionFromKid } from "./keys.ts";

describe("key ids", () => {
  it("name a version and read back to it", () => {
    expect(kidForVersion(3)).toBe("tessera-3");
    for (const version of [1, 9, 10, 255]) expect(versionFromKid(kidForVersion(version))).toBe(version);
  });

  it("refuse versions a card certificate cannot carry", () => {
    expect(() => kidForVersion(0)).toThrow();
    expect(() => kidForVersion(256)).toThrow();
  });

  it.each(["tessera-0", "tessera-03", "tessera-256", "tessera-", "other-3", "tessera-3 ", "TESSERA-3"])(
    "do not read %j as one of ours",
    (kid) => {
      expect(versionFromKid(kid)).toBeUndefined();
    },
  );
});

describe("Jwks", () => {
  it("accepts the published form of a signing key", async () => {
    const { publicKey } = await generateSigningKeyPair();
    const key = await jwksKeyFor(publicKey, 2);
    expect(key).toMatchObject({ kty: "OKP", crv: "Ed25519", kid: "tessera-2", alg: "EdDSA", use: "sig" });
    expect(Jwks.safeParse({ keys: [key] }).success).toBe(true);
  });

  it("rejects a key set that leaks a private key", async () => {
    const { publicKey } = await generateSigningKeyPair();
    const key = await jwksKeyFor(publicKey, 2);
    expect(Jwks.safeParse({ keys: [{ ...key, d: key.x }] }).success).toBe(false);
  });
});

describe("keysByVersion", () => {
  it("imports each of our keys under its version and skips ids that are not ours", async () => {
    const [one, four] = await Promise.all([generateSigningKeyPair(), generateSigningKeyPair()]);
    const foreign = { ...(await jwksKeyFor(one.publicKey, 1)), kid: "someone-else-1" };
    const keys = await keysByVersion({
      keys: [await jwksKeyFor(one.publicKey, 1), await jwksKeyFor(four.publicKey, 4), foreign],
    });
    expect([...keys.keys()]).toEqual([1, 4]);
    const message = new TextEncoder().encode("certificate bytes");
    const signature = await sign(four.privateKey, message);
    expect(await verify(keys.get(4)!, signature, message)).toBe(true);
    expect(await verify(keys.get(1)!, signature, message)).toBe(false);
  });
});
