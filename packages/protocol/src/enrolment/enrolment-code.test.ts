import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  EnrolmentCode,
  enrolmentQrPayload,
  generateEnrolmentCode,
  normaliseEnrolmentCode,
  parseEnrolmentQr,
} from "./code.ts";

describe("generateEnrolmentCode", () => {
  it("makes codes of two groups of five Crockford characters", () => {
    for (let i = 0; i < 200; i++) {
      const code = generateEnrolmentCode();
      expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
      expect(EnrolmentCode.safeParse(code).success).toBe(true);
    }
  });

  it("does not repeat itself", () => {
    const codes = new Set(Array.from({ length: 2_000 }, generateEnrolmentCode));
    expect(codes.size).toBe(2_000);
  });

  it("uses the whole alphabet", () => {
    const seen = new Set(Array.from({ length: 500 }, generateEnrolmentCode).join("").replace(/-/g, ""));
    expect(seen.size).toBe(32);
  });
});

describe("normaliseEnrolmentCode", () => {
  it.each([
    ["7k3qd-m9xwa", "7K3QD-M9XWA"],
    [" 7K3QD M9XWA ", "7K3QD-M9XWA"],
    ["7K3QDM9XWA", "7K3QD-M9XWA"],
    ["7K3-QD-M9X-WA", "7K3QD-M9XWA"],
    ["7K3QD\u2013M9XWA", "7K3QD-M9XWA"],
    ["IL0Oi-lo1OA", "11001-1010A"],
  ])("reads %j as %j", (input, expected) => {
    expect(normaliseEnrolmentCode(input)).toBe(expected);
  });

  it.each(["", "7K3QD-M9XW", "7K3QD-M9XWAB", "7K3QD-M9XWU", "7K3QD_M9XWA", "7K3QD-M9XW!"])(
    "rejects %j",
    (input) => {
      expect(normaliseEnrolmentCode(input)).toBeUndefined();
    },
  );

  it("leaves every generated code unchanged, however it is retyped", () => {
    fc.assert(
      fc.property(fc.constant(null).map(generateEnrolmentCode), fc.boolean(), (code, lower) => {
        const typed = lower ? code.toLowerCase().replace("-", " ") : code;
        expect(normaliseEnrolmentCode(typed)).toBe(code);
      }),
    );
  });
});

describe("enrolment QR payload", () => {
  it("carries the code and the grants service URL", () => {
    const payload = enrolmentQrPayload("7K3QD-M9XWA", "https://grants.tessera.example");
    expect(payload).toBe("tessera:enrol:7K3QD-M9XWA@https://grants.tessera.example");
    expect(parseEnrolmentQr(payload)).toEqual({
      code: "7K3QD-M9XWA",
      grantsBaseUrl: "https://grants.tessera.example",
    });
  });

  it.each([
    "https://grants.tessera.example",
    "tessera:enrol:7K3QD-M9XWA",
    "tessera:enrol:NOT-A-CODE@https://grants.tessera.example",
    "tessera:enrol:7K3QD-M9XWA@javascript:alert(1)",
    "tessera:enrol:7K3QD-M9XWA@not a url",
  ])("refuses %j", (payload) => {
    expect(parseEnrolmentQr(payload)).toBeUndefined();
  });
});
