import { describe, expect, it } from "vitest";
import { can, hasRole } from "./roles.ts";

describe("console roles", () => {
  it("lets each role do what the roles below it may, and nothing above", () => {
    expect(hasRole("admin", "operator")).toBe(true);
    expect(hasRole("operator", "auditor")).toBe(true);
    expect(hasRole("operator", "admin")).toBe(false);
    expect(hasRole("auditor", "operator")).toBe(false);
    expect(hasRole(null, "auditor")).toBe(false);
  });

  it("keeps auditors read-only and policy, keys and people with admins", () => {
    for (const action of ["terminals.enrol", "cards.block", "flags.resolve", "denyList.change"] as const) {
      expect(can("auditor", action)).toBe(false);
      expect(can("operator", action)).toBe(true);
    }
    for (const action of ["policy.edit", "catalog.edit", "keys.rotate", "people.invite"] as const) {
      expect(can("operator", action)).toBe(false);
      expect(can("admin", action)).toBe(true);
    }
  });
});
