import { describe, expect, it } from "vitest";
import { enrolmentCodeFrom } from "./enrolment-code.ts";

describe("the enrolment code field", () => {
  it("passes a typed code on as typed, trimmed", () => {
    expect(enrolmentCodeFrom("  7k3qd m9xwa ")).toBe("7k3qd m9xwa");
  });

  it("takes the code out of a pasted QR payload", () => {
    expect(enrolmentCodeFrom("tessera:enrol:7K3QD-M9XWA@https://grants.example.org")).toBe(
      enrolmentCodeFrom("tessera:enrol:7k3qdm9xwa@https://grants.example.org"),
    );
    expect(enrolmentCodeFrom("tessera:enrol:7K3QD-M9XWA@https://grants.example.org")).not.toContain("@");
  });
});
