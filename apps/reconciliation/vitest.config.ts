import { readFileSync } from "node:fs";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Terminals, backend key and policy served by the grants and policy stand-ins (scripts/generate-test-scheme.ts).
const FIXTURE = JSON.parse(readFileSync(new URL("./test/fixtures/scheme.json", import.meta.url), "utf8"));
// The date this Worker runs at (wrangler.jsonc); the stand-ins use the same.
const COMPATIBILITY_DATE = "2026-10-20";

export default defineConfig(async () => ({
  plugins: [
    cloudflareTest({
      // Tests run the real entry point with the real bindings declared in wrangler.jsonc.
      wrangler: { configPath: "./wrangler.jsonc" },
      miniflare: {
        // Read in Node here, applied inside workerd by test/setup.ts.
        bindings: { TEST_MIGRATIONS: await readD1Migrations("./migrations"), TEST_FIXTURE: FIXTURE },
        // Every service binding must exist in tests, or the run hangs (docs: ENVIRONMENT.md).
        workers: [
          {
            name: "tessera-grants",
            modules: true,
            scriptPath: "./test/stubs/grants-stub.mjs",
            compatibilityDate: COMPATIBILITY_DATE,
            bindings: { FIXTURE },
          },
          {
            name: "tessera-policy",
            modules: true,
            scriptPath: "./test/stubs/policy-stub.mjs",
            compatibilityDate: COMPATIBILITY_DATE,
            bindings: { FIXTURE },
          },
        ],
      },
    }),
  ],
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    setupFiles: ["./test/setup.ts"],
    reporters: ["default", ["json", { outputFile: ".test-results/vitest.json" }]],
  },
}));
