import { DEFAULT_POLICY } from "@tessera/protocol";
import { describe, expect, it } from "vitest";
import { catalogPriceFields, checkDraft, draftOf, readPath, writePath } from "./documents.ts";

describe("console drafts", () => {
  it("accepts the default policy and reports a broken rule by its stable id", () => {
    const good = checkDraft("policy", JSON.stringify(DEFAULT_POLICY));
    expect(good).toMatchObject({ ok: true, issues: [] });
    const broken = writePath(
      DEFAULT_POLICY,
      "grant.refreshMarginSeconds",
      DEFAULT_POLICY.grant.lifetimeSeconds + 1,
    );
    const checked = checkDraft("policy", JSON.stringify(broken));
    expect(checked.ok).toBe(true);
    expect(checked.issues.map((issue) => issue.rule)).toContain("grant.refresh_margin_below_lifetime");
  });

  it("names the field the schema refuses, and refuses text that is not JSON", () => {
    const negative = checkDraft("policy", JSON.stringify(writePath(DEFAULT_POLICY, "balanceCap", -1)));
    expect(negative).toMatchObject({
      ok: false,
      issues: [expect.objectContaining({ path: "balanceCap", rule: "schema" })],
    });
    expect(checkDraft("policy", "{").ok).toBe(false);
  });

  it("checks catalog prices against the policy's POS limit", () => {
    const catalog = {
      currency: DEFAULT_POLICY.currency,
      locations: [{ id: "bar", name: "Bar", products: [{ id: "tea", name: "Tea", price: 10_000_000 }] }],
    };
    const checked = checkDraft("catalog", JSON.stringify(catalog), DEFAULT_POLICY);
    expect(checked.issues.length).toBeGreaterThan(0);
    expect(catalogPriceFields(catalog)).toEqual([
      { path: "locations.0.products.0.price", location: "Bar", product: "Tea" },
    ]);
  });

  it("reads and writes dotted paths without touching the original", () => {
    const original = { a: { b: [1, { c: 2 }] } };
    const changed = writePath(original, "a.b.1.c", 3);
    expect(readPath(changed, "a.b.1.c")).toBe(3);
    expect(readPath(original, "a.b.1.c")).toBe(2);
    expect(Array.isArray(readPath(changed, "a.b"))).toBe(true);
    expect(draftOf({ version: 2, publishedAt: "x", balanceCap: 1 })).toEqual({ balanceCap: 1 });
  });
});
