/** The policy and catalog documents terminals obey offline, with their validation, diff and ETag. */
export * from "./catalog.ts";
export * from "./default.ts";
export * from "./diff.ts";
export * from "./document.ts";
export * from "./etag.ts";
export * from "./flags.ts";
export * from "./validate.ts";
