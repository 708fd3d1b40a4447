/** Session grant + DPoP proof authentication of terminals, shared by every Worker a terminal calls. */
export * from "./jti-store.ts";
export * from "./terminal-auth.ts";
