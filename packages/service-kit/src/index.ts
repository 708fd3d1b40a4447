/** Everything a Tessera Worker shares: the app factory, problem documents, binding checks and meta routes. */
export * from "./app.ts";
export * from "./auth/index.ts";
export * from "./bindings.ts";
export * from "./cors.ts";
export * from "./fleet-gate.ts";
export * from "./meta.ts";
export * from "./openapi.ts";
export * from "./problems.ts";
export * from "./rate-limit/index.ts";
export * from "./terminal-auth/index.ts";
export * from "./validation.ts";
