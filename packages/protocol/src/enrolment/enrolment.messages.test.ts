import { describe, expect, it } from "vitest";
import { generateSigningKeyPair, publicKeyToJwk } from "../crypto/ed25519.ts";
import {
  EnrolmentCodeRequest,
  EnrolmentCodeResponse,
  TerminalEnrolmentRequest,
  TerminalEnrolmentResponse,
} from "./messages.ts";

describe("enrolment messages", () => {
  it("accept a code request from the console", () => {
    const request = { role: "pos", name: "Canteen till 2", locationId: "canteen", expiresInSeconds: 900 };
    expect(EnrolmentCodeRequest.parse(request)).toEqual(request);
  });

  it("refuse an unknown role, a blank name, and codes that would live longer than a day", () => {
    const base = { role: "pos", name: "Till", locationId: "canteen" };
    expect(EnrolmentCodeRequest.safeParse({ ...base, role: "admin" }).success).toBe(false);
    expect(EnrolmentCodeRequest.safeParse({ ...base, name: "   " }).success).toBe(false);
    expect(EnrolmentCodeRequest.safeParse({ ...base, expiresInSeconds: 2 * 86_400 }).success).toBe(false);
  });

  it("accept a code response only with a well-formed code", () => {
    const response = {
      code: "7K3QD-M9XWA",
      expiresAt: "2026-01-05T10:15:00.000Z",
      qr: "tessera:enrol:7K3QD-M9XWA@https://grants.tessera.example",
    };
    expect(EnrolmentCodeResponse.safeParse(response).success).toBe(true);
    expect(EnrolmentCodeResponse.safeParse({ ...response, code: "7k3qd-m9xwa" }).success).toBe(false);
  });

  it("accept a terminal's public device key, and refuse one that carries its private half", async () => {
    const jwk = await publicKeyToJwk((await generateSigningKeyPair()).publicKey);
    const request = { code: "7k3qd m9xwa", publicKey: jwk, softwareVersion: "1.4.0" };
    expect(TerminalEnrolmentRequest.parse(request)).toEqual(request);
    expect(TerminalEnrolmentRequest.safeParse({ ...request, publicKey: { ...jwk, d: jwk.x } }).success).toBe(
      false,
    );
    expect(
      TerminalEnrolmentRequest.safeParse({ ...request, publicKey: { ...jwk, crv: "X25519" } }).success,
    ).toBe(false);
  });

  it("accept the enrolment response with the largest terminal number a certificate holds (24 bits)", () => {
    const response = {
      terminalId: "term_01HZX3",
      terminalNumber: 0xff_ffff,
      role: "gate",
      locationId: "entrance",
      name: "North gate",
    };
    expect(TerminalEnrolmentResponse.safeParse(response).success).toBe(true);
    expect(TerminalEnrolmentResponse.safeParse({ ...response, terminalNumber: 0x100_0000 }).success).toBe(
      false,
    );
    expect(TerminalEnrolmentResponse.safeParse({ ...response, terminalNumber: 0x1_0000_0000 }).success).toBe(
      false,
    );
  });
});
