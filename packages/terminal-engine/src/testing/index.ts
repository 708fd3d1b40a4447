/** Test, demo and simulator helpers: a clock moved by hand, an in-process backend, a ready-made terminal. */
export * from "./fake-backend.ts";
export * from "./manual-clock.ts";
export * from "./test-terminal.ts";
