import { env } from "cloudflare:workers";
import { hashSecret } from "@tessera/service-kit";
import { describe, expect, it } from "vitest";
import {
  auditEntries,
  bodyOf,
  bootstrap,
  call,
  json,
  keyWith,
  problemOf,
  tokenFor,
} from "./support/worker.ts";

describe("service API keys", () => {
  it("shows the secret once, stores only its SHA-256, and lists the key without it", async () => {
    const admin = await tokenFor("admin");
    const response = await call(
      "/v1/api-keys",
      json("POST", { name: "ticketing", scopes: ["policy:read"] }, admin.headers),
    );
    expect(response.status).toBe(201);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const created = await bodyOf<{ id: string; secret: string; hint: string; scopes: string[] }>(response);
    expect(created.secret).toMatch(/^tsk_[A-Za-z0-9_-]{43}$/);
    expect(created.secret.startsWith(created.hint.slice(0, -1))).toBe(true);

    const row = await env.DB.prepare("SELECT * FROM credentials WHERE id = ?")
      .bind(created.id)
      .first<Record<string, unknown>>();
    expect(row?.secret_hash).toBe(await hashSecret(created.secret));
    expect(JSON.stringify(row)).not.toContain(created.secret);
    expect(await env.AUTH_KV.get(`cred:${await hashSecret(created.secret)}`)).not.toBeNull();

    const listing = await call("/v1/api-keys", { headers: admin.headers });
    const text = await listing.text();
    expect(text).toContain(created.id);
    expect(text).not.toContain(created.secret);
  });

  it("lets a key do what its scopes allow and nothing else", async () => {
    const key = await keyWith("policy:read");
    expect((await call("/v1/policy/versions", { headers: key.headers })).status).toBe(200);
    expect(await bodyOf(await call("/v1/me", { headers: key.headers }))).toMatchObject({
      kind: "service",
      scopes: ["policy:read"],
    });
    const draft = await call("/v1/policy/drafts", json("POST", { document: {} }, key.headers));
    expect((await problemOf(draft)).code).toBe("forbidden");
    expect((await problemOf(await call("/v1/api-keys", { headers: key.headers }))).code).toBe("forbidden");
  });

  it("revokes a key: refused at once, its AUTH_KV mirror deleted, audited", async () => {
    const admin = await tokenFor("admin");
    const key = await keyWith("policy:read");
    expect((await call("/v1/me", { headers: key.headers })).status).toBe(200);
    const revoked = await call(`/v1/api-keys/${key.id}`, { method: "DELETE", headers: admin.headers });
    expect(revoked.status).toBe(204);
    expect(await env.AUTH_KV.get(`cred:${await hashSecret(key.secret)}`)).toBeNull();
    expect((await problemOf(await call("/v1/me", { headers: key.headers }))).code).toBe("unauthenticated");
    expect(await auditEntries({ action: "api_key.revoke", target: `api_key:${key.id}` })).toHaveLength(1);
    expect(await auditEntries({ action: "api_key.create", target: `api_key:${key.id}` })).toHaveLength(1);
    const listed = await bodyOf<{ apiKeys: { id: string }[] }>(
      await call("/v1/api-keys", { headers: admin.headers }),
    );
    expect(listed.apiKeys.map((k) => k.id)).not.toContain(key.id);
    expect((await call(`/v1/api-keys/${key.id}`, { method: "DELETE", headers: admin.headers })).status).toBe(
      404,
    );
  });

  it("refuses a revoked key here even while KV still mirrors it (D1 is checked too)", async () => {
    const key = await keyWith("policy:read");
    const mirrored = await env.AUTH_KV.get(`cred:${await hashSecret(key.secret)}`);
    await env.DB.prepare("UPDATE credentials SET revoked_at = ? WHERE id = ?")
      .bind(new Date().toISOString(), key.id)
      .run();
    expect(await env.AUTH_KV.get(`cred:${await hashSecret(key.secret)}`)).toBe(mirrored);
    expect((await call("/v1/me", { headers: key.headers })).status).toBe(401);
  });

  it("does not create a key when its audit entry cannot be written", async () => {
    const response = await call(
      "/v1/api-keys",
      json("POST", { name: "audit-outage-test", scopes: ["cards:read"] }, bootstrap),
    );
    expect((await problemOf(response)).code).toBe("service_unavailable");
    const row = await env.DB.prepare("SELECT id FROM credentials WHERE name = 'audit-outage-test'").first();
    expect(row).toBeNull();
  });

  it("refuses bad input with validation_failed and creates nothing", async () => {
    const admin = await tokenFor("admin");
    const before = await env.DB.prepare("SELECT COUNT(*) AS n FROM credentials").first<{ n: number }>();
    for (const body of [
      { name: "x", scopes: [] },
      { name: "x", scopes: ["everything:all"] },
      { name: "", scopes: ["cards:read"] },
      { name: "x", scopes: ["cards:read"], expiresAt: "2001-01-01T00:00:00Z" },
    ]) {
      const problem = await problemOf(await call("/v1/api-keys", json("POST", body, admin.headers)));
      expect(problem.code, JSON.stringify(body)).toBe("validation_failed");
    }
    const after = await env.DB.prepare("SELECT COUNT(*) AS n FROM credentials").first<{ n: number }>();
    expect(after?.n).toBe(before?.n);
  });

  it("lets only admins manage keys", async () => {
    const operator = await tokenFor("operator");
    const response = await call(
      "/v1/api-keys",
      json("POST", { name: "x", scopes: ["cards:read"] }, operator.headers),
    );
    expect((await problemOf(response)).code).toBe("forbidden");
  });
});

describe("admin bearer tokens and the bootstrap admin", () => {
  it("acts with the role it was made with", async () => {
    const auditor = await tokenFor("auditor");
    expect(await bodyOf(await call("/v1/me", { headers: auditor.headers }))).toMatchObject({
      kind: "user",
      role: "auditor",
      via: "token",
    });
    expect((await call("/v1/policy/versions", { headers: auditor.headers })).status).toBe(200);
    expect((await call("/v1/policy/rollback", json("POST", { version: 1 }, auditor.headers))).status).toBe(
      403,
    );
  });

  it("is revocable, and audited on creation and revocation", async () => {
    const admin = await tokenFor("admin");
    const victim = await tokenFor("operator");
    expect(
      (await call(`/v1/admin-tokens/${victim.id}`, { method: "DELETE", headers: admin.headers })).status,
    ).toBe(204);
    expect((await call("/v1/me", { headers: victim.headers })).status).toBe(401);
    expect(await auditEntries({ target: `admin_token:${victim.id}` })).toEqual([
      expect.objectContaining({
        action: "admin_token.create",
        actor: expect.objectContaining({ kind: "bootstrap" }),
      }),
      expect.objectContaining({
        action: "admin_token.revoke",
        actor: expect.objectContaining({ kind: "user" }),
      }),
    ]);
  });

  it("knows the bootstrap admin from its deployment secret only", async () => {
    expect(await bodyOf(await call("/v1/me", { headers: bootstrap }))).toMatchObject({
      kind: "bootstrap",
      role: "admin",
    });
    const wrong = await call("/v1/me", { headers: { Authorization: `${bootstrap.Authorization}x` } });
    expect((await problemOf(wrong)).code).toBe("unauthenticated");
  });
});
