import { DEFAULT_POLICY, PolicyDocument, type PolicyDraft } from "@tessera/protocol";
import { describe, expect, it } from "vitest";
import { auditEntries, bodyOf, bootstrap, call, json, problemOf, tokenFor } from "./support/worker.ts";

interface Current {
  document: PolicyDocument;
  etag: string;
}

async function current(): Promise<Current> {
  const response = await call("/v1/policy");
  expect(response.status).toBe(200);
  return { document: PolicyDocument.parse(await response.json()), etag: response.headers.get("ETag")! };
}

function contentOf(document: PolicyDocument): PolicyDraft {
  const { version: _version, publishedAt: _publishedAt, ...content } = document;
  return content;
}

/** A policy that differs from the current one in the POS per-transaction limit. */
async function changedPolicy(perTransaction: number): Promise<PolicyDraft> {
  const content = structuredClone(contentOf((await current()).document));
  content.roles.pos.offline.perTransaction = perTransaction;
  return content;
}

async function createDraft(document: unknown, headers: Record<string, string>, note?: string) {
  const response = await call("/v1/policy/drafts", json("POST", { document, note }, headers));
  expect(response.status).toBe(201);
  return bodyOf<{ id: string; issues: unknown[]; basedOn: number }>(response);
}

describe("policy drafts, diff and publish", () => {
  it("publishes a draft as the next immutable version and serves it as current", async () => {
    const admin = await tokenFor("admin");
    const before = await current();
    const draft = await createDraft(await changedPolicy(4_321), admin.headers, "lower POS limit");
    expect(draft.issues).toEqual([]);
    expect(draft.basedOn).toBe(before.document.version);

    const diff = await call(`/v1/policy/drafts/${draft.id}/diff`, { headers: admin.headers });
    expect(await diff.json()).toEqual({
      against: before.document.version,
      changes: [
        {
          path: "roles.pos.offline.perTransaction",
          before: before.document.roles.pos.offline.perTransaction,
          after: 4_321,
        },
      ],
    });

    const published = await call(`/v1/policy/drafts/${draft.id}/publish`, json("POST", {}, admin.headers));
    expect(published.status).toBe(201);
    const result = await bodyOf<{ version: number; etag: string; changes: unknown[]; note: string }>(
      published,
    );
    expect(result.version).toBe(before.document.version + 1);
    expect(result.note).toBe("lower POS limit");
    expect(published.headers.get("Location")).toBe(`/v1/policy/versions/${result.version}`);

    const after = await current();
    expect(after.document.version).toBe(result.version);
    expect(after.document.roles.pos.offline.perTransaction).toBe(4_321);
    expect(after.etag).toBe(result.etag);
    expect(after.etag).not.toBe(before.etag);

    // The old version is still served, unchanged.
    const old = await call(`/v1/policy/versions/${before.document.version}`);
    expect(old.headers.get("ETag")).toBe(before.etag);
    expect(PolicyDocument.parse(await old.json())).toEqual(before.document);
  });

  it("audits publishing with who, when and the diff", async () => {
    const admin = await tokenFor("admin");
    const draft = await createDraft(await changedPolicy(4_444), admin.headers);
    const startedAt = Date.now();
    const response = await call(
      `/v1/policy/drafts/${draft.id}/publish`,
      json("POST", { note: "audit check" }, { ...admin.headers, "X-Request-Id": `publish-${draft.id}` }),
    );
    const { version } = await bodyOf<{ version: number }>(response);
    const entries = await auditEntries({ action: "policy.publish", requestId: `publish-${draft.id}` });
    expect(entries).toHaveLength(1);
    const entry = entries[0];
    expect(entry).toMatchObject({
      service: "policy",
      actor: { kind: "user", name: "test admin (admin token)" },
      requestId: `publish-${draft.id}`,
      detail: {
        version,
        previousVersion: version - 1,
        note: "audit check",
        changes: [expect.objectContaining({ path: "roles.pos.offline.perTransaction", after: 4_444 })],
      },
    });
    expect(Date.parse(entry!.at)).toBeGreaterThanOrEqual(startedAt - 1000);
  });

  it("refuses to publish a draft that breaks a rule, and changes nothing", async () => {
    const admin = await tokenFor("admin");
    const content = await changedPolicy(4_000);
    content.grant.refreshMarginSeconds = content.grant.lifetimeSeconds;
    const draft = await createDraft(content, admin.headers);
    expect(draft.issues).toEqual([expect.objectContaining({ rule: "grant.refresh_margin_below_lifetime" })]);
    const before = await current();
    const response = await call(`/v1/policy/drafts/${draft.id}/publish`, json("POST", {}, admin.headers));
    const problem = await problemOf(response);
    expect(problem).toMatchObject({
      status: 422,
      contentType: "application/problem+json",
      code: "policy_invalid",
    });
    expect(problem.errors).toEqual([
      expect.objectContaining({
        path: "grant.refreshMarginSeconds",
        rule: "grant.refresh_margin_below_lifetime",
      }),
    ]);
    expect((await current()).etag).toBe(before.etag);
  });

  it("refuses a publish based on a version that is no longer current", async () => {
    const admin = await tokenFor("admin");
    const before = await current();
    const first = await createDraft(await changedPolicy(3_111), admin.headers);
    const second = await createDraft(await changedPolicy(3_222), admin.headers);
    const base = before.document.version;
    expect(
      (
        await call(
          `/v1/policy/drafts/${first.id}/publish`,
          json("POST", { baseVersion: base }, admin.headers),
        )
      ).status,
    ).toBe(201);
    const stale = await call(
      `/v1/policy/drafts/${second.id}/publish`,
      json("POST", { baseVersion: base }, admin.headers),
    );
    expect((await problemOf(stale)).code).toBe("conflict");
    expect((await current()).document.roles.pos.offline.perTransaction).toBe(3_111);
  });

  it("refuses to publish the same draft twice or a draft identical to the current policy", async () => {
    const admin = await tokenFor("admin");
    const draft = await createDraft(await changedPolicy(3_333), admin.headers);
    expect(
      (await call(`/v1/policy/drafts/${draft.id}/publish`, json("POST", {}, admin.headers))).status,
    ).toBe(201);
    const again = await call(`/v1/policy/drafts/${draft.id}/publish`, json("POST", {}, admin.headers));
    expect((await problemOf(again)).code).toBe("conflict");
    const same = await createDraft(contentOf((await current()).document), admin.headers);
    const identical = await call(`/v1/policy/drafts/${same.id}/publish`, json("POST", {}, admin.headers));
    expect((await problemOf(identical)).code).toBe("conflict");
  });

  it("edits and discards drafts, and lists only unpublished ones", async () => {
    const admin = await tokenFor("admin");
    const draft = await createDraft(await changedPolicy(2_000), admin.headers);
    const edited = await call(
      `/v1/policy/drafts/${draft.id}`,
      json("PUT", { document: await changedPolicy(2_500) }, admin.headers),
    );
    expect(edited.status).toBe(200);
    const read = await bodyOf<{ document: PolicyDraft }>(
      await call(`/v1/policy/drafts/${draft.id}`, { headers: admin.headers }),
    );
    expect(read.document.roles.pos.offline.perTransaction).toBe(2_500);
    const listed = await bodyOf<{ drafts: { id: string }[] }>(
      await call("/v1/policy/drafts", { headers: admin.headers }),
    );
    expect(listed.drafts.map((d) => d.id)).toContain(draft.id);
    expect(
      (await call(`/v1/policy/drafts/${draft.id}`, { method: "DELETE", headers: admin.headers })).status,
    ).toBe(204);
    expect((await call(`/v1/policy/drafts/${draft.id}`, { headers: admin.headers })).status).toBe(404);
    expect(await auditEntries({ target: `policy_draft:${draft.id}` })).toHaveLength(3);
  });

  it("keeps a history newest first and rolls back by publishing old content as a new version", async () => {
    const admin = await tokenFor("admin");
    const target = (await current()).document;
    const draft = await createDraft(await changedPolicy(1_234), admin.headers);
    await call(`/v1/policy/drafts/${draft.id}/publish`, json("POST", {}, admin.headers));

    const requestId = `rollback-${draft.id}`;
    const rolledBack = await call(
      "/v1/policy/rollback",
      json("POST", { version: target.version }, { ...admin.headers, "X-Request-Id": requestId }),
    );
    expect(rolledBack.status).toBe(201);
    const result = await bodyOf<{ version: number; restoredFrom: number; changes: unknown[] }>(rolledBack);
    expect(result.restoredFrom).toBe(target.version);
    expect(result.version).toBe(target.version + 2);
    expect(result.changes).toEqual([
      expect.objectContaining({
        path: "roles.pos.offline.perTransaction",
        after: target.roles.pos.offline.perTransaction,
      }),
    ]);

    const now = (await current()).document;
    expect(contentOf(now)).toEqual(contentOf(target));
    expect(now.version).toBe(result.version);

    const history = await bodyOf<{
      versions: { version: number; restoredFrom: number | null; publishedBy: { kind: string } }[];
    }>(await call("/v1/policy/versions", { headers: admin.headers }));
    const versions = history.versions.map((v) => v.version);
    expect(versions.slice(0, 3)).toEqual([result.version, result.version - 1, target.version]);
    expect(versions.at(-1)).toBe(1);
    expect(history.versions[0]).toMatchObject({
      restoredFrom: target.version,
      publishedBy: { kind: "user" },
    });
    expect(
      await auditEntries({ action: "policy.rollback", target: `policy:${result.version}`, requestId }),
    ).toHaveLength(1);
  });

  it("validates a document and shows its diff without saving anything", async () => {
    const auditor = await tokenFor("auditor");
    const before = await current();
    const response = await call(
      "/v1/policy/validate",
      json("POST", { document: await changedPolicy(999) }, auditor.headers),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      valid: true,
      against: before.document.version,
      changes: [expect.objectContaining({ path: "roles.pos.offline.perTransaction", after: 999 })],
    });
    expect((await current()).etag).toBe(before.etag);
  });

  it("undoes a publish whose audit entry cannot be written", async () => {
    const before = await current();
    const draft = await createDraft(await changedPolicy(4_999), bootstrap);
    const response = await call(
      `/v1/policy/drafts/${draft.id}/publish`,
      json("POST", { note: "audit-outage-test" }, bootstrap),
    );
    expect((await problemOf(response)).code).toBe("service_unavailable");
    expect((await current()).etag).toBe(before.etag);
    expect((await call(`/v1/policy/versions/${before.document.version + 1}`)).status).toBe(404);
  });

  it("serves DEFAULT_POLICY as version 1 of a fresh deployment", async () => {
    const response = await call("/v1/policy/versions/1");
    expect(response.status).toBe(200);
    expect(contentOf(PolicyDocument.parse(await response.json()))).toEqual(DEFAULT_POLICY);
  });
});
