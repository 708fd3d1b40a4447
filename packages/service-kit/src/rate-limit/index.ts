/** Per-client and per-target rate limits for any Tessera Worker, on Workers Rate Limiting bindings. */
export * from "./rate-limit.ts";
