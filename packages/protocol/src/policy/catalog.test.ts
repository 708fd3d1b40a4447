import { describe, expect, it } from "vitest";
import { CatalogDocument, type CatalogDraft, DEFAULT_CATALOG, validateCatalog } from "./catalog.ts";
import { DEFAULT_POLICY } from "./default.ts";

function catalog(edit: (draft: CatalogDraft) => void): CatalogDraft {
  const draft = structuredClone(DEFAULT_CATALOG);
  edit(draft);
  return draft;
}

describe("CatalogDocument", () => {
  it("accepts the demo catalog with a version, with or without a publication time", () => {
    expect(CatalogDocument.safeParse({ ...DEFAULT_CATALOG, version: 1 }).success).toBe(true);
    expect(
      CatalogDocument.safeParse({ ...DEFAULT_CATALOG, version: 2, publishedAt: "2026-02-01T08:00:00Z" })
        .success,
    ).toBe(true);
  });

  it("rejects fractional or negative prices and ids with spaces", () => {
    expect(
      CatalogDocument.safeParse({
        ...catalog((c) => {
          c.locations[0]!.products[0]!.price = 6.5;
        }),
        version: 1,
      }).success,
    ).toBe(false);
    expect(
      CatalogDocument.safeParse({
        ...catalog((c) => {
          c.locations[0]!.products[0]!.price = -1;
        }),
        version: 1,
      }).success,
    ).toBe(false);
    expect(
      CatalogDocument.safeParse({
        ...catalog((c) => {
          c.locations[0]!.id = "main hall";
        }),
        version: 1,
      }).success,
    ).toBe(false);
  });
});

describe("validateCatalog", () => {
  it("accepts the demo catalog under the default policy", () => {
    expect(validateCatalog(DEFAULT_CATALOG, DEFAULT_POLICY)).toEqual([]);
  });

  it("reports a location id used twice", () => {
    const issues = validateCatalog(
      catalog((c) => {
        c.locations[1]!.id = c.locations[0]!.id;
      }),
    );
    expect(issues).toEqual([
      expect.objectContaining({ rule: "locations.unique_ids", path: "locations.1.id" }),
    ]);
  });

  it("reports a product id used twice within a location, but allows it across locations", () => {
    const duplicated = catalog((c) => {
      c.locations[0]!.products[1]!.id = c.locations[0]!.products[0]!.id;
    });
    expect(validateCatalog(duplicated).map((issue) => issue.rule)).toEqual(["products.unique_ids"]);
    const acrossLocations = catalog((c) => {
      c.locations[1]!.products[0]!.id = c.locations[0]!.products[0]!.id;
    });
    expect(validateCatalog(acrossLocations)).toEqual([]);
  });

  it("reports a price the card history cannot record", () => {
    const issues = validateCatalog(
      catalog((c) => {
        c.locations[0]!.products[0]!.price = 16_777_216;
      }),
    );
    expect(issues.map((issue) => issue.rule)).toEqual(["products.price_fits_card"]);
  });

  it("reports a price above what a POS terminal may charge under the policy", () => {
    const pricey = catalog((c) => {
      c.locations[0]!.products[0]!.price = DEFAULT_POLICY.roles.pos.offline.perTransaction + 1;
    });
    expect(validateCatalog(pricey)).toEqual([]);
    expect(validateCatalog(pricey, DEFAULT_POLICY)).toEqual([
      expect.objectContaining({
        rule: "products.price_within_pos_limit",
        path: "locations.0.products.0.price",
      }),
    ]);
  });

  it("reports a catalog priced in another currency than the policy", () => {
    const francs = catalog((c) => {
      c.currency = { code: "CHF", minorUnit: 2 };
    });
    expect(validateCatalog(francs, DEFAULT_POLICY).map((issue) => issue.rule)).toEqual([
      "currency.matches_policy",
    ]);
  });
});
