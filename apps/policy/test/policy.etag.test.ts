import { env } from "cloudflare:workers";
import { documentEtag, PolicyDocument, sha256, toBase64Url, utf8 } from "@tessera/protocol";
import { describe, expect, it } from "vitest";
import { call } from "./support/worker.ts";

describe("GET /v1/policy caching", () => {
  it("serves the current policy with a strong ETag of exactly the bytes served", async () => {
    const response = await call("/v1/policy");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toContain("application/json");
    const etag = response.headers.get("ETag")!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    const text = await response.text();
    expect(etag).toBe(await documentEtag(PolicyDocument.parse(JSON.parse(text))));
    // The body is canonical JSON, so the ETag is its SHA-256 too.
    expect(etag).toBe(`"${toBase64Url(await sha256(utf8.encode(text))).slice(0, 22)}"`);
  });

  it("lets browsers, the service worker and the edge cache it, revalidating in the background", async () => {
    const cacheControl = (await call("/v1/policy")).headers.get("Cache-Control")!;
    expect(cacheControl).toContain("public");
    expect(cacheControl).toMatch(/max-age=\d+/);
    expect(cacheControl).toMatch(/stale-while-revalidate=\d+/);
  });

  it("answers If-None-Match with 304 and no body while unchanged", async () => {
    const etag = (await call("/v1/policy")).headers.get("ETag")!;
    const response = await call("/v1/policy", { headers: { "If-None-Match": etag } });
    expect(response.status).toBe(304);
    expect(response.headers.get("ETag")).toBe(etag);
    expect(response.headers.get("Cache-Control")).toContain("stale-while-revalidate");
    expect(await response.text()).toBe("");
    // A list that includes it, and a weak form of it, match too (RFC 9110 weak comparison).
    expect((await call("/v1/policy", { headers: { "If-None-Match": `"other", W/${etag}` } })).status).toBe(
      304,
    );
  });

  it("answers 200 with the document for a stale or foreign ETag", async () => {
    const response = await call("/v1/policy", { headers: { "If-None-Match": '"AAAAAAAAAAAAAAAAAAAAAA"' } });
    expect(response.status).toBe(200);
    expect(PolicyDocument.safeParse(await response.json()).success).toBe(true);
  });

  it("serves published versions as immutable for a year, with 304 on revalidation", async () => {
    const response = await call("/v1/policy/versions/1");
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
    const etag = response.headers.get("ETag")!;
    expect((await call("/v1/policy/versions/1", { headers: { "If-None-Match": etag } })).status).toBe(304);
  });

  it("answers an unpublished version with policy_version_not_found and a bad one with validation_failed", async () => {
    const missing = await call("/v1/policy/versions/999999");
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { code: string }).code).toBe("policy_version_not_found");
    const bad = await call("/v1/policy/versions/zero");
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { code: string }).code).toBe("validation_failed");
  });

  it("falls back to D1 on a KV miss and repairs KV", async () => {
    const before = await call("/v1/policy");
    const etag = before.headers.get("ETag")!;
    const body = await before.text();
    await env.POLICY_KV.delete("policy:current");
    expect(await env.POLICY_KV.get("policy:current")).toBeNull();

    const repaired = await call("/v1/policy");
    expect(repaired.status).toBe(200);
    expect(repaired.headers.get("ETag")).toBe(etag);
    expect(await repaired.text()).toBe(body);

    const version = PolicyDocument.parse(JSON.parse(body)).version;
    expect(await env.POLICY_KV.get("policy:current")).toBe(`${etag} ${version}\n${body}`);
  });

  it("rebuilds a KV entry it cannot read instead of serving it", async () => {
    const good = await call("/v1/policy");
    const etag = good.headers.get("ETag")!;
    await env.POLICY_KV.put("policy:current", "{}");
    const response = await call("/v1/policy");
    expect(response.headers.get("ETag")).toBe(etag);
    expect(PolicyDocument.safeParse(await response.json()).success).toBe(true);
  });

  it("serves the catalog the same way", async () => {
    const response = await call("/v1/catalog");
    expect(response.status).toBe(200);
    const etag = response.headers.get("ETag")!;
    expect(response.headers.get("Cache-Control")).toContain("stale-while-revalidate");
    expect((await call("/v1/catalog", { headers: { "If-None-Match": etag } })).status).toBe(304);
  });
});
