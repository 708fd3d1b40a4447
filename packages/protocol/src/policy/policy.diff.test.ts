import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY } from "./default.ts";
import { diffPolicies } from "./diff.ts";
import type { PolicyDraft } from "./document.ts";

function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([key, item]) => [key, reverseKeys(item)]),
  );
}

describe("diffPolicies", () => {
  it("finds nothing between equal policies, whatever their key order", () => {
    expect(diffPolicies(DEFAULT_POLICY, structuredClone(DEFAULT_POLICY))).toEqual([]);
    expect(diffPolicies(DEFAULT_POLICY, reverseKeys(DEFAULT_POLICY) as PolicyDraft)).toEqual([]);
  });

  it("lists every changed leaf by dotted path, sorted", () => {
    const after = structuredClone(DEFAULT_POLICY);
    after.roles.pos.offline.perTransaction = 2_500;
    after.balanceCap = 30_000;
    after.currency.code = "CHF";
    expect(diffPolicies(DEFAULT_POLICY, after)).toEqual([
      { path: "balanceCap", before: 50_000, after: 30_000 },
      { path: "currency.code", before: "EUR", after: "CHF" },
      { path: "roles.pos.offline.perTransaction", before: 5_000, after: 2_500 },
    ]);
  });

  it("compares arrays as whole values", () => {
    const after = structuredClone(DEFAULT_POLICY);
    after.roles.pos.operations = ["debit"];
    after.layouts.readable = [1];
    expect(diffPolicies(DEFAULT_POLICY, after)).toEqual([
      { path: "roles.pos.operations", before: ["debit", "refund", "block"], after: ["debit"] },
    ]);
  });

  it("reports fields that were added or removed", () => {
    const after = { ...structuredClone(DEFAULT_POLICY), surcharge: { percent: 2 } };
    expect(diffPolicies(DEFAULT_POLICY, after)).toEqual([
      { path: "surcharge", before: undefined, after: { percent: 2 } },
    ]);
    expect(diffPolicies(after, DEFAULT_POLICY)).toEqual([
      { path: "surcharge", before: { percent: 2 }, after: undefined },
    ]);
  });
});
