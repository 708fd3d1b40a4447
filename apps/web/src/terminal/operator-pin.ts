/**
 * The operator PIN that guards leaving kiosk mode, switching language and the operator menu. Chosen at
 * enrolment and kept in localStorage only as a salted PBKDF2-SHA-256 hash (WebCrypto), never in plain.
 * It keeps passers-by out of the operator menu; it is not a secret against someone who can read the
 * browser's storage, which is why it guards nothing that moves value.
 */
import { fromBase64Url, toBase64Url } from "@tessera/protocol";

export const OPERATOR_PIN_STORAGE_KEY = "tessera.terminal.operator-pin.v1";
/** OWASP's 2023 figure for PBKDF2-HMAC-SHA256; about 0.3 s on a cheap tablet, once per unlock. */
const ITERATIONS = 600_000;
export const PIN_PATTERN = /^\d{4,8}$/;

interface StoredPin {
  salt: string;
  iterations: number;
  hash: string;
}

async function derive(pin: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(pin), "PBKDF2", false, [
    "deriveBits",
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt: salt as BufferSource, iterations },
    key,
    256,
  );
  return new Uint8Array(bits);
}

function load(): StoredPin | undefined {
  try {
    const raw = localStorage.getItem(OPERATOR_PIN_STORAGE_KEY);
    return raw ? (JSON.parse(raw) as StoredPin) : undefined;
  } catch {
    return undefined;
  }
}

export function hasOperatorPin(): boolean {
  return load() !== undefined;
}

export async function setOperatorPin(pin: string): Promise<void> {
  if (!PIN_PATTERN.test(pin)) throw new RangeError("the operator PIN is 4 to 8 digits");
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await derive(pin, salt, ITERATIONS);
  const stored: StoredPin = { salt: toBase64Url(salt), iterations: ITERATIONS, hash: toBase64Url(hash) };
  localStorage.setItem(OPERATOR_PIN_STORAGE_KEY, JSON.stringify(stored));
}

/** True when `pin` matches; with no PIN set (enrolment not finished) nothing is guarded yet. */
export async function verifyOperatorPin(pin: string): Promise<boolean> {
  const stored = load();
  if (!stored) return true;
  const hash = await derive(pin, fromBase64Url(stored.salt), stored.iterations);
  const expected = fromBase64Url(stored.hash);
  // Constant-time over the whole length, so timing says nothing about how much of the PIN was right.
  let difference = hash.length ^ expected.length;
  for (let i = 0; i < hash.length; i++) difference |= hash[i]! ^ (expected[i] ?? 0);
  return difference === 0;
}
