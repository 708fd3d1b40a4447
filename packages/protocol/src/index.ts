/** Tessera's shared protocol: wire schemas, the card codec, verification and card operations. */
export * from "./crypto/ed25519.ts";
export * from "./domain/operation.ts";
export * from "./encoding/bytes.ts";
export * from "./encoding/canonical-json.ts";
export * from "./errors/index.ts";
