import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    // Node has no IndexedDB: fake-indexeddb installs the same API globally, so the engine runs unchanged.
    setupFiles: ["fake-indexeddb/auto"],
    // Crash tests re-run whole taps with real Ed25519 on a shared 2-core machine: slow but deterministic.
    testTimeout: 60_000,
    reporters: ["default", ["json", { outputFile: ".test-results/vitest.json" }]],
  },
});
