/** Rate limits through Workers Rate Limiting bindings, refused as `rate_limited` with `Retry-After`. */
import { TesseraError } from "@tessera/protocol";
import type { Context } from "hono";

/** The only periods a Workers Rate Limiting binding accepts (`simple.period` in wrangler.jsonc). */
export type RateLimitPeriod = 10 | 60;

/** The part of a Workers Rate Limiting binding (workerd's `RateLimit`) this module calls. */
export interface RateLimiter {
  limit(options: { key: string }): Promise<{ success: boolean }>;
}

export interface RateLimitOptions {
  /**
   * The binding's `simple.period`. A window never lasts longer, so it is the honest `Retry-After`: the
   * binding does not say when the current window ends. 60 unless told.
   */
  periodSeconds?: RateLimitPeriod;
  /** Runs before a refusal is thrown (to note a lockout); if it fails, that is logged and the 429 still goes. */
  onRefused?: () => Promise<void>;
}

/**
 * Counts one attempt under `key` and throws `rate_limited` (429, `Retry-After`) when the limiter says the
 * key is over its limit for the current window. Call it before any work the limit protects.
 */
export async function enforceRateLimit(
  c: Context,
  limiter: RateLimiter,
  key: string,
  what: string,
  options: RateLimitOptions = {},
): Promise<void> {
  const { success } = await limiter.limit({ key });
  if (success) return;
  const periodSeconds = options.periodSeconds ?? 60;
  if (options.onRefused) {
    try {
      await options.onRefused();
    } catch (error) {
      console.error(
        JSON.stringify({ level: "error", event: "rate_limit_notice_failed", error: String(error) }),
      );
    }
  }
  // Set before throwing: the app's error handler answers through the same context, keeping the header.
  c.header("Retry-After", String(periodSeconds));
  throw new TesseraError("rate_limited", `Too many ${what}; retry after ${periodSeconds} s`, {
    retryAfterSeconds: periodSeconds,
  });
}

/** The key for requests that carry no client address: tests, and calls over a service binding. */
export const UNKNOWN_CLIENT = "unknown";

/**
 * The client's address as Cloudflare's edge reports it, never a header the client could choose
 * (`X-Forwarded-For` is not read). Locally `wrangler dev` sets `CF-Connecting-IP` from the socket, so
 * the local stack counts 127.0.0.1 like any address. An IPv6 client usually holds a whole /64, so it
 * counts as that /64: otherwise one machine could step through addresses and never be limited.
 */
export function clientAddress(c: Context): string {
  const address = c.req.header("CF-Connecting-IP")?.trim();
  if (!address) return UNKNOWN_CLIENT;
  return address.includes(":") ? ipv6Prefix64(address) : address;
}

/** The first four groups of an IPv6 address as `a:b:c:d::/64`; an IPv4-mapped address is its IPv4 address. */
export function ipv6Prefix64(address: string): string {
  const bare = address
    .replace(/^\[|\]$/g, "")
    .split("%")[0]!
    .toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(bare);
  if (mapped) return mapped[1]!;
  const halves = bare.split("::");
  if (halves.length > 2) return bare;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const missing = halves.length === 2 ? 8 - head.length - tail.length : 0;
  const groups = [...head, ...Array<string>(Math.max(missing, 0)).fill("0"), ...tail];
  // Anything else (another embedded IPv4 form, a malformed value) is counted as it came.
  if (groups.length !== 8 || !groups.every((group) => /^[0-9a-f]{1,4}$/.test(group))) return bare;
  const prefix = groups.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, ""));
  return `${prefix.join(":")}::/64`;
}
