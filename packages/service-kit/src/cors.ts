/** Which browser origins may call a Worker: the web app's, from the `ALLOWED_ORIGINS` var. */
import { cors } from "hono/cors";

// `npm run dev` serves the web app here; a deploy sets ALLOWED_ORIGINS to the Pages origin(s) instead.
export const DEFAULT_ALLOWED_ORIGINS = ["http://127.0.0.1:8780", "http://localhost:8780"];

export function allowedOrigins(configured: string | undefined): string[] {
  const origins = (configured ?? "")
    .split(",")
    .map((origin) => origin.trim())
    .filter(Boolean);
  return origins.length > 0 ? origins : DEFAULT_ALLOWED_ORIGINS;
}

export function webAppCors() {
  return cors({
    origin: (origin, c) => (allowedOrigins(c.env?.ALLOWED_ORIGINS).includes(origin) ? origin : null),
    allowMethods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
    // Terminals send proof-of-possession and idempotency headers; conditional GETs keep policy cheap.
    allowHeaders: [
      "Authorization",
      "Content-Type",
      "DPoP",
      "Idempotency-Key",
      "If-None-Match",
      "X-Request-Id",
    ],
    exposeHeaders: ["ETag", "Location", "Retry-After", "X-Request-Id"],
    maxAge: 600,
    // The console's session cookie must reach the Workers. Safe only because `origin` is an explicit allow
    // list, never "*"; the cookie itself is SameSite=Strict, so other sites still cannot send it.
    credentials: true,
  });
}
