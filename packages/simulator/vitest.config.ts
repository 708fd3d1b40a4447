import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // The default run starts three Workers and runs a small fleet with real Ed25519 on a shared 2-core machine.
    // Both suites start a whole stack: one at a time, so they do not starve each other beside the browser tests
    // that `npm test` runs at the same time. The timeouts only catch a hang; nothing here is timed.
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 120_000,
    reporters: ["default", ["json", { outputFile: ".test-results/vitest.json" }]],
  },
});
