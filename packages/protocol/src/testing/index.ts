/** Test and demo fixtures: a complete in-memory card scheme built from the real protocol functions. */
export * from "./scheme.ts";
export * from "./seeded-keys.ts";
