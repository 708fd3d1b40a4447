import { CatalogDocument, type CatalogDraft, DEFAULT_CATALOG } from "@tessera/protocol";
import { describe, expect, it } from "vitest";
import { auditEntries, bodyOf, call, json, keyWith, problemOf, tokenFor } from "./support/worker.ts";

function catalog(edit: (draft: CatalogDraft) => void): CatalogDraft {
  const draft = structuredClone(DEFAULT_CATALOG);
  edit(draft);
  return draft;
}

describe("catalog lifecycle", () => {
  it("serves DEFAULT_CATALOG as version 1", async () => {
    const response = await call("/v1/catalog/versions/1");
    const { version, publishedAt: _at, ...content } = CatalogDocument.parse(await response.json());
    expect(version).toBe(1);
    expect(content).toEqual(DEFAULT_CATALOG);
  });

  it("publishes a new price list with a catalog:write key, audited, and serves it with a new ETag", async () => {
    const key = await keyWith("catalog:write");
    const before = await call("/v1/catalog");
    const beforeEtag = before.headers.get("ETag");
    const price = CatalogDocument.parse(await before.clone().json()).locations[0]!.products[0]!.price + 1;
    const created = await call(
      "/v1/catalog/drafts",
      json(
        "POST",
        {
          document: catalog((c) => {
            c.locations[0]!.products[0]!.price = price;
          }),
        },
        key.headers,
      ),
    );
    expect(created.status).toBe(201);
    const { id } = await bodyOf<{ id: string }>(created);
    const published = await call(
      `/v1/catalog/drafts/${id}/publish`,
      json("POST", {}, { ...key.headers, "X-Request-Id": `publish-${id}` }),
    );
    expect(published.status).toBe(201);
    const { version } = await bodyOf<{ version: number }>(published);

    const after = await call("/v1/catalog");
    expect(after.headers.get("ETag")).not.toBe(beforeEtag);
    expect(CatalogDocument.parse(await after.json()).locations[0]!.products[0]!.price).toBe(price);
    const entries = await auditEntries({ action: "catalog.publish", requestId: `publish-${id}` });
    expect(entries).toEqual([
      expect.objectContaining({
        target: `catalog:${version}`,
        actor: expect.objectContaining({ kind: "service", id: key.id }),
      }),
    ]);
  });

  it("refuses a price above what a POS terminal may charge under the current policy", async () => {
    const admin = await tokenFor("admin");
    const policy = (await (await call("/v1/policy")).json()) as {
      roles: { pos: { offline: { perTransaction: number } } };
    };
    const tooDear = catalog((c) => {
      c.locations[0]!.products[0]!.price = policy.roles.pos.offline.perTransaction + 1;
    });
    const problem = await problemOf(
      await call("/v1/catalog/validate", json("POST", { document: tooDear }, admin.headers)),
    );
    expect(problem).toMatchObject({ status: 422, code: "catalog_invalid" });
    expect(problem.errors).toEqual([
      expect.objectContaining({
        rule: "products.price_within_pos_limit",
        path: "locations.0.products.0.price",
      }),
    ]);
  });

  it("refuses duplicate ids and a catalog in another currency", async () => {
    const admin = await tokenFor("admin");
    const broken = catalog((c) => {
      c.locations[1]!.id = c.locations[0]!.id;
      c.currency = { code: "CHF", minorUnit: 2 };
    });
    const problem = await problemOf(
      await call("/v1/catalog/validate", json("POST", { document: broken }, admin.headers)),
    );
    expect(problem.code).toBe("catalog_invalid");
    expect(problem.errors?.map((error) => error.rule).sort()).toEqual([
      "currency.matches_policy",
      "locations.unique_ids",
    ]);
  });

  it("does not let a policy:write key change the catalog", async () => {
    const key = await keyWith("policy:write");
    const response = await call(
      "/v1/catalog/drafts",
      json("POST", { document: DEFAULT_CATALOG }, key.headers),
    );
    expect((await problemOf(response)).code).toBe("forbidden");
  });
});
