/** Rate limits through Workers Rate Limiting bindings, refused as `rate_limited` with `Retry-After`. */
import { TesseraError } from "@tessera/protocol";
import type { Context } from "hono";

/** Both limiters count per 60-second window (wrangler.jsonc), so a refused client waits at most that. */
const WINDOW_SECONDS = 60;

export async function enforceRateLimit(
  c: Context,
  limiter: RateLimit,
  key: string,
  what: string,
): Promise<void> {
  const { success } = await limiter.limit({ key });
  if (success) return;
  // Set before throwing: the app's error handler answers through the same context, keeping the header.
  c.header("Retry-After", String(WINDOW_SECONDS));
  throw new TesseraError("rate_limited", `Too many ${what}; retry after ${WINDOW_SECONDS} s`, {
    retryAfterSeconds: WINDOW_SECONDS,
  });
}

/** The client's address as Cloudflare's edge reports it (never a header the client could choose). */
export function clientAddress(c: Context): string {
  return c.req.header("CF-Connecting-IP") ?? "unknown";
}
