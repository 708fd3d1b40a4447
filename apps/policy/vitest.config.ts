import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { unstable_readConfig } from "wrangler";

export default defineConfig(async () => ({
  plugins: [
    cloudflareTest({
      // Tests run the real entry point with the real bindings declared in wrangler.jsonc.
      wrangler: { configPath: "./wrangler.jsonc" },
      miniflare: {
        // Read in Node here, applied inside workerd by test/setup.ts.
        bindings: {
          TEST_MIGRATIONS: await readD1Migrations("./migrations"),
          // The rate limits as wrangler.jsonc declares them, so a test can check the code restates them.
          TEST_RATE_LIMITS: JSON.stringify(unstable_readConfig({ config: "./wrangler.jsonc" }).ratelimits),
          // A test-only bootstrap admin (a Wrangler secret in production; never in wrangler.jsonc).
          BOOTSTRAP_ADMIN_TOKEN: "test-bootstrap-admin-token-0123456789abcdef",
        },
        // Every service binding must exist or the run hangs: AUDIT and FLEET → stub AuditService (records
        // entries) and FleetService (answers as each test sets it up) in one stand-in reconciliation Worker.
        workers: [
          {
            name: "tessera-reconciliation",
            modules: true,
            scriptPath: "./test/stubs/audit-service.mjs",
            compatibilityDate: "2026-10-20",
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
