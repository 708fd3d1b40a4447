/**
 * Wire messages of terminal enrolment: the console asks for a one-time code, and the terminal redeems
 * it with the public half of the device key it generated (the private half never leaves the device).
 */
import { z } from "zod";
import { Role } from "../domain/operation.ts";
import { Ed25519PublicJwk } from "../grant/keys.ts";
import { LocationId } from "../policy/catalog.ts";
import { EnrolmentCode } from "./code.ts";

const TerminalName = z.string().trim().min(1).max(80);

export const ENROLMENT_CODE_DEFAULT_SECONDS = 15 * 60;

export const EnrolmentCodeRequest = z.looseObject({
  role: Role,
  name: TerminalName,
  locationId: LocationId,
  /** A code is a bearer secret until used, so it lives minutes to a day, never longer. */
  expiresInSeconds: z
    .int()
    .min(60)
    .max(24 * 3600)
    .optional(),
});
export type EnrolmentCodeRequest = z.infer<typeof EnrolmentCodeRequest>;

export const EnrolmentCodeResponse = z.looseObject({
  code: EnrolmentCode,
  expiresAt: z.iso.datetime(),
  /** `tessera:enrol:<code>@<grants base url>`, see enrolmentQrPayload. */
  qr: z.string().startsWith("tessera:enrol:"),
});
export type EnrolmentCodeResponse = z.infer<typeof EnrolmentCodeResponse>;

export const TerminalEnrolmentRequest = z.looseObject({
  /** As typed: the service normalises it with normaliseEnrolmentCode. */
  code: z.string().min(1).max(64),
  publicKey: Ed25519PublicJwk,
  softwareVersion: z.string().min(1).max(64).optional(),
});
export type TerminalEnrolmentRequest = z.infer<typeof TerminalEnrolmentRequest>;

export const TerminalEnrolmentResponse = z.looseObject({
  terminalId: z.string().min(1).max(128),
  /** The number written on cards (32 bits). */
  // 24 bits: the width of the terminal number in card certificates.
  terminalNumber: z.int().min(1).max(0xff_ffff),
  role: Role,
  locationId: LocationId,
  name: TerminalName,
});
export type TerminalEnrolmentResponse = z.infer<typeof TerminalEnrolmentResponse>;
