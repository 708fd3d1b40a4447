import { describe, expect, it } from "vitest";
import { invitationFromHash, invitationLink } from "./invitation.ts";

describe("invitation links", () => {
  it("carries the token in the fragment and reads it back", () => {
    const link = invitationLink("https://console.example.org", "tsi_a+b/c=");
    expect(new URL(link).pathname).toBe("/console/join");
    expect(new URL(link).search).toBe("");
    expect(invitationFromHash(new URL(link).hash)).toBe("tsi_a+b/c=");
  });

  it("finds nothing in an empty or unrelated fragment", () => {
    expect(invitationFromHash("")).toBeNull();
    expect(invitationFromHash("#invitation=")).toBeNull();
    expect(invitationFromHash("#other=1")).toBeNull();
  });
});
