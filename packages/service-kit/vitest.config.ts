import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // The kit's behaviour is plain fetch-in, Response-out, so Node runs it; the Workers re-check it in workerd.
    include: ["src/**/*.test.ts"],
    exclude: ["src/testing/**"],
    reporters: ["default", ["json", { outputFile: ".test-results/vitest.json" }]],
  },
});
