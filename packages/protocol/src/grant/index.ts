/** Session grants (signed JWTs bound to a device key), their signing keys, and DPoP proofs. */
export * from "./claims.ts";
export * from "./dpop.ts";
export * from "./keys.ts";
export * from "./session-grant.ts";
