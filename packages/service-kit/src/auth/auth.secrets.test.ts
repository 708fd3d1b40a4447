import { describe, expect, it } from "vitest";
import { constantTimeEqual, generateSecret, hashSecret, secretHint } from "./secrets.ts";

describe("credential secrets", () => {
  it("are 256 random bits after a prefix naming their kind", () => {
    const key = generateSecret("apiKey");
    expect(key).toMatch(/^tsk_[A-Za-z0-9_-]{43}$/);
    expect(generateSecret("adminToken")).toMatch(/^tsa_/);
    expect(generateSecret("session")).toMatch(/^tss_/);
    expect(generateSecret("invitation")).toMatch(/^tsi_/);
    expect(new Set(Array.from({ length: 50 }, () => generateSecret("apiKey"))).size).toBe(50);
  });

  it("are stored as the SHA-256 hex of the whole secret", async () => {
    // Vector: sha256("abc") from FIPS 180-2.
    expect(await hashSecret("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("compare equal only when every character matches", () => {
    expect(constantTimeEqual("a1b2", "a1b2")).toBe(true);
    expect(constantTimeEqual("a1b2", "a1b3")).toBe(false);
    expect(constantTimeEqual("a1b2", "a1b")).toBe(false);
  });

  it("show only a short hint in listings", () => {
    expect(secretHint("tsk_abcdefghijklmnop")).toBe("tsk_abcd…");
  });
});
