// Unit tests (jsdom-free, Node) and browser tests (Chromium via playwright-core against dist/client).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    environment: "node",
    reporters: ["default", ["json", { outputFile: ".test-results/vitest.json" }]],
    // One Chromium at a time (the machines that run this have two cores), in one reused worker:
    // test files keep their state in their own module scope, so they need no fresh process each.
    fileParallelism: false,
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
