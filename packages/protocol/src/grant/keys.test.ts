import { describe, expect, it } from "vitest";
import { generateSigningKeyPair, sign, verify } from "../crypto/ed25519.ts";
import { Jwks, jwksKeyFor, keysByVersion, kidForVersion, versionFromKid } from "./keys.ts";

describe("key ids", () => {
  it("name a version and a use, and read back to the version for the purposes the use allows", () => {
    expect(kidForVersion(3, "grant")).toBe("tessera-grant-3");
    expect(kidForVersion(3, "certificate")).toBe("tessera-cert-3");
    expect(kidForVersion(3, "dual")).toBe("tessera-3");
    for (const version of [1, 9, 10, 255]) {
      expect(versionFromKid(kidForVersion(version, "grant"), "grant")).toBe(version);
      expect(versionFromKid(kidForVersion(version, "certificate"), "certificate")).toBe(version);
      expect(versionFromKid(kidForVersion(version, "dual"), "grant")).toBe(version);
      expect(versionFromKid(kidForVersion(version, "dual"), "certificate")).toBe(version);
    }
  });

  it("refuse versions a card certificate cannot carry", () => {
    expect(() => kidForVersion(0, "grant")).toThrow();
    expect(() => kidForVersion(256, "certificate")).toThrow();
  });

  it.each(["tessera-0", "tessera-03", "tessera-256", "tessera-", "other-3", "tessera-3 ", "TESSERA-3"])(
    "do not read %j as one of ours",
    (kid) => {
      expect(versionFromKid(kid, "grant")).toBeUndefined();
      expect(versionFromKid(kid, "certificate")).toBeUndefined();
    },
  );
});

describe("Jwks", () => {
  it("accepts the published form of a signing key", async () => {
    const { publicKey } = await generateSigningKeyPair();
    const key = await jwksKeyFor(publicKey, 2, "grant");
    expect(key).toMatchObject({
      kty: "OKP",
      crv: "Ed25519",
      kid: "tessera-grant-2",
      alg: "EdDSA",
      use: "sig",
    });
    expect(Jwks.safeParse({ keys: [key] }).success).toBe(true);
  });

  it("reads a key whose id it does not know, so a set that gains a new kind of key still parses", async () => {
    const { publicKey } = await generateSigningKeyPair();
    const key = { ...(await jwksKeyFor(publicKey, 2, "grant")), kid: "tessera-something-new-2" };
    expect(Jwks.safeParse({ keys: [key] }).success).toBe(true);
    expect((await keysByVersion({ keys: [key] }, "grant")).size).toBe(0);
  });

  it("rejects a key set that leaks a private key", async () => {
    const { publicKey } = await generateSigningKeyPair();
    const key = await jwksKeyFor(publicKey, 2, "grant");
    expect(Jwks.safeParse({ keys: [{ ...key, d: key.x }] }).success).toBe(false);
  });
});

describe("keysByVersion", () => {
  it("imports each key that may do the job under its version and skips ids that are not ours", async () => {
    const [one, four] = await Promise.all([generateSigningKeyPair(), generateSigningKeyPair()]);
    const foreign = { ...(await jwksKeyFor(one.publicKey, 1, "certificate")), kid: "someone-else-1" };
    const keys = await keysByVersion(
      {
        keys: [
          await jwksKeyFor(one.publicKey, 1, "dual"),
          await jwksKeyFor(four.publicKey, 4, "certificate"),
          foreign,
        ],
      },
      "certificate",
    );
    expect([...keys.keys()]).toEqual([1, 4]);
    const message = new TextEncoder().encode("certificate bytes");
    const signature = await sign(four.privateKey, message);
    expect(await verify(keys.get(4)!, signature, message)).toBe(true);
    expect(await verify(keys.get(1)!, signature, message)).toBe(false);
  });
});
