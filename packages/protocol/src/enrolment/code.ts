/**
 * One-time enrolment codes: 10 Crockford base32 characters (50 bits) shown as "XXXXX-XXXXX" — short
 * enough to type on a kiosk, too many to guess within a code's lifetime under the service's rate limits.
 */
import { z } from "zod";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const CODE_CHARS = 10;
const GROUP = 5;

export const EnrolmentCode = z
  .string()
  .regex(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/, 'a code such as "7K3QD-M9XWA"');
export type EnrolmentCode = z.infer<typeof EnrolmentCode>;

function grouped(chars: string): string {
  return `${chars.slice(0, GROUP)}-${chars.slice(GROUP)}`;
}

export function generateEnrolmentCode(): EnrolmentCode {
  // 256 is a multiple of 32, so taking 5 bits of each random byte is unbiased.
  const random = crypto.getRandomValues(new Uint8Array(CODE_CHARS));
  let chars = "";
  for (const byte of random) chars += CROCKFORD[byte & 31];
  return grouped(chars);
}

/**
 * The canonical form of a code as someone typed or read it: case, spaces and dashes ignored, and the
 * look-alikes Crockford allows (I and L for 1, O for 0) mapped. Undefined when it cannot be a code.
 */
export function normaliseEnrolmentCode(input: string): EnrolmentCode | undefined {
  const chars = input
    .toUpperCase()
    .replace(/[\s\-\u2010-\u2015]/g, "") // typed or pasted dashes of any width
    .replace(/[IL]/g, "1")
    .replace(/O/g, "0");
  if (chars.length !== CODE_CHARS || [...chars].some((char) => !CROCKFORD.includes(char))) return undefined;
  return grouped(chars);
}

const QR_PREFIX = "tessera:enrol:";

/** What the console's QR code holds: the code and where to redeem it. */
export function enrolmentQrPayload(code: EnrolmentCode, grantsBaseUrl: string): string {
  return `${QR_PREFIX}${code}@${grantsBaseUrl}`;
}

/** Reads a scanned enrolment QR payload; undefined when it is not one. */
export function parseEnrolmentQr(
  payload: string,
): { code: EnrolmentCode; grantsBaseUrl: string } | undefined {
  if (!payload.startsWith(QR_PREFIX)) return undefined;
  const rest = payload.slice(QR_PREFIX.length);
  const at = rest.indexOf("@");
  if (at < 0) return undefined;
  const code = normaliseEnrolmentCode(rest.slice(0, at));
  const grantsBaseUrl = rest.slice(at + 1);
  if (code === undefined || !URL.canParse(grantsBaseUrl)) return undefined;
  const protocol = new URL(grantsBaseUrl).protocol;
  if (protocol !== "https:" && protocol !== "http:") return undefined;
  return { code, grantsBaseUrl };
}
