/**
 * The console session cookie: `Secure; HttpOnly; SameSite=Strict`, carrying only the session secret.
 * With no shared cookie domain it is a `__Host-` cookie (bound to exactly one host); when the Workers
 * sit on sibling hostnames, `AUTH_COOKIE_DOMAIN` names their parent and the cookie becomes `__Secure-`.
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";

const COOKIE_NAME = "tessera_session";
export const HOST_SESSION_COOKIE = `__Host-${COOKIE_NAME}`;
export const DOMAIN_SESSION_COOKIE = `__Secure-${COOKIE_NAME}`;

/** Sessions are short: a working shift. Re-signing in with a passkey takes one touch. */
export const SESSION_LIFETIME_SECONDS = 8 * 3600;

interface CookieBindings {
  AUTH_COOKIE_DOMAIN?: string;
}

function cookieDomain(c: Context): string | undefined {
  const domain = (c.env as CookieBindings | undefined)?.AUTH_COOKIE_DOMAIN?.trim();
  return domain ? domain : undefined;
}

/** The session secret the browser sent, whichever of the two cookie names carries it. */
export function readSessionCookie(c: Context): string | undefined {
  return getCookie(c, HOST_SESSION_COOKIE) ?? getCookie(c, DOMAIN_SESSION_COOKIE);
}

export function setSessionCookie(c: Context, secret: string, maxAgeSeconds = SESSION_LIFETIME_SECONDS): void {
  const domain = cookieDomain(c);
  const options = {
    path: "/",
    secure: true,
    httpOnly: true,
    sameSite: "Strict",
    maxAge: maxAgeSeconds,
  } as const;
  // Hono adds the prefix itself and enforces its rules (Secure, Path=/, no Domain for __Host-).
  if (domain) setCookie(c, COOKIE_NAME, secret, { ...options, domain, prefix: "secure" });
  else setCookie(c, COOKIE_NAME, secret, { ...options, prefix: "host" });
}

export function clearSessionCookie(c: Context): void {
  const domain = cookieDomain(c);
  if (domain) deleteCookie(c, COOKIE_NAME, { path: "/", secure: true, domain, prefix: "secure" });
  else deleteCookie(c, COOKIE_NAME, { path: "/", secure: true, prefix: "host" });
}
