import { describe, expect, it } from "vitest";
import { ERROR_CODES, ERROR_TITLES, statusForCode } from "./codes.ts";
import { ProblemDocument, problemFor, TesseraError } from "./problem.ts";

describe("error codes", () => {
  it("maps every code to a 4xx or 5xx status and a title", () => {
    for (const code of ERROR_CODES) {
      const status = statusForCode(code);
      expect(status, code).toBeGreaterThanOrEqual(400);
      expect(status, code).toBeLessThan(600);
      expect(ERROR_TITLES[code], code).toBeTruthy();
    }
  });

  it("answers refusals that would leave the console without an admin as 409 Conflict", () => {
    expect(statusForCode("last_admin")).toBe(409);
  });

  it("answers a change the terminals cannot follow as 409, and an unanswered readiness question as 503", () => {
    expect(statusForCode("fleet_not_ready")).toBe(409);
    expect(statusForCode("fleet_readiness_unavailable")).toBe(503);
  });

  it("builds RFC 9457 documents that parse with the shared schema", () => {
    const doc = new TesseraError("enrolment_code_expired", "code 4F7K expired at 10:00").toProblem(
      "/v1/terminals",
    );
    expect(ProblemDocument.parse(doc)).toMatchObject({
      type: "urn:tessera:problem:enrolment_code_expired",
      status: 410,
      code: "enrolment_code_expired",
      detail: "code 4F7K expired at 10:00",
      instance: "/v1/terminals",
    });
  });

  it("keeps extension members such as retryAfter", () => {
    expect(problemFor("rate_limited", "slow down", { retryAfter: 30 })).toMatchObject({
      retryAfter: 30,
      status: 429,
    });
  });
});
