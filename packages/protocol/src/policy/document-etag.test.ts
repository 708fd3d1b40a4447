import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY } from "./default.ts";
import { documentEtag } from "./etag.ts";

describe("documentEtag", () => {
  it("is a quoted, strong tag of 22 base64url characters", async () => {
    expect(await documentEtag(DEFAULT_POLICY)).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
  });

  it("hashes the canonical JSON, so another implementation can reproduce it", async () => {
    // Vector: base64url(SHA-256('{"a":[2,1],"b":{"c":"é"}}')) cut to 22 characters, computed with node:crypto.
    expect(await documentEtag({ b: { c: "é" }, a: [2, 1] })).toBe('"C8UZlSb-hyyEbEwI73gFLn"');
  });

  it("ignores key order but not values", async () => {
    const tag = await documentEtag({ version: 1, balanceCap: 100 });
    expect(await documentEtag({ balanceCap: 100, version: 1 })).toBe(tag);
    expect(await documentEtag({ version: 1, balanceCap: 101 })).not.toBe(tag);
  });
});
