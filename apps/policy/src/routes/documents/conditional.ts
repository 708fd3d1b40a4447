/** HTTP caching of published documents: strong ETags, If-None-Match and Cache-Control (RFC 9110/9111). */

/**
 * The current version: browsers, the terminal's service worker and the edge may reuse it for a minute,
 * then serve it stale for up to a day while revalidating (a 304 costs one KV read), and keep serving
 * it for a week if the backend is down: policy changes rarely and terminals must work offline.
 */
export const CURRENT_CACHE_CONTROL =
  "public, max-age=60, stale-while-revalidate=86400, stale-if-error=604800";

/** A published version never changes. */
export const VERSION_CACHE_CONTROL = "public, max-age=31536000, immutable";

/**
 * Whether `If-None-Match` matches `etag`. RFC 9110 §13.1.2 uses weak comparison here, so a `W/`
 * prefix a proxy may have added still matches; `*` matches any current representation.
 */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const opaque = etag.replace(/^W\//, "");
  return header.split(",").some((candidate) => {
    const tag = candidate.trim();
    return tag === "*" || tag.replace(/^W\//, "") === opaque;
  });
}
