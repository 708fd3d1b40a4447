/** One identity model for every Tessera Worker (ADR 0003): principals, roles and scopes, credentials, access, audit. */
export * from "./access.ts";
export * from "./audit.ts";
export * from "./authenticate.ts";
export * from "./cloudflare-access.ts";
export * from "./credential-cache.ts";
export * from "./credential-seed.ts";
export * from "./principal.ts";
export * from "./roles.ts";
export * from "./route-walk.ts";
export * from "./secrets.ts";
export * from "./secure-route.ts";
export * from "./session-cookie.ts";
