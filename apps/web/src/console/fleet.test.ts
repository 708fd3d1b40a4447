import { DEFAULT_POLICY } from "@tessera/protocol";
import { describe, expect, it } from "vitest";
import { NO_OVERRIDE, overrideFields, policyChangeNeeds } from "./fleet.ts";

const withLayouts = (readable: number[], write: number) => ({
  ...DEFAULT_POLICY,
  layouts: { readable, write },
});

describe("what a policy draft asks of the fleet", () => {
  it("is what the policy Worker asks: a new write layout, or the layouts left after one is dropped", () => {
    expect(policyChangeNeeds(withLayouts([1], 1), withLayouts([1, 2], 2))).toEqual([
      "reads_layout:2",
      "writes_layout:2",
    ]);
    expect(policyChangeNeeds(withLayouts([1, 2], 2), withLayouts([2], 2))).toEqual(["reads_layout:2"]);
  });

  it("is nothing for any other change, or for a document without layouts", () => {
    expect(policyChangeNeeds(withLayouts([1], 1), { ...withLayouts([1, 2], 1), balanceCap: 1 })).toEqual([]);
    expect(policyChangeNeeds(withLayouts([1], 1), null)).toEqual([]);
    expect(policyChangeNeeds({ locations: [] }, withLayouts([2], 2))).toEqual([]);
  });
});

describe("an admin's override", () => {
  it("is sent only when chosen with a reason", () => {
    expect(overrideFields(NO_OVERRIDE)).toEqual({});
    expect(overrideFields({ override: true, reason: "  " })).toEqual({});
    expect(overrideFields({ override: false, reason: "why" })).toEqual({});
    expect(overrideFields({ override: true, reason: " trm_7 is in the stores " })).toEqual({
      override: true,
      reason: "trm_7 is in the stores",
    });
  });
});
