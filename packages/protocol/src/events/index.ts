/** Signed terminal events and the reconciliation batch that uploads them. */
export * from "./reconcile.ts";
export * from "./signature.ts";
export * from "./terminal-event.ts";
