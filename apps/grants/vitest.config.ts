import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { DEFAULT_POLICY } from "@tessera/protocol";
import { defineConfig } from "vitest/config";

/** The policy the stub policy Worker serves: the default one, accepting key versions 1 and 2. */
const TEST_POLICY = {
  ...DEFAULT_POLICY,
  keys: { acceptedVersions: [1, 2] },
  version: 1,
  publishedAt: "2026-11-01T00:00:00.000Z",
};

/** A random key-encryption key per run: tests never depend on a fixed secret. */
const TEST_KEK = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64");

// Service bindings of wrangler.jsonc, provided as stub Workers so this Worker is tested alone (ADR 0003):
// AUDIT and FLEET reach the stand-in reconciliation Worker's AuditService and FleetService.
const stub = (name: string, scriptPath: string, bindings: Record<string, string> = {}) => ({
  name,
  modules: true,
  scriptPath,
  compatibilityDate: "2026-10-20",
  bindings,
});

export default defineConfig(async () => ({
  plugins: [
    cloudflareTest({
      // Tests run the real entry point with the real bindings declared in wrangler.jsonc.
      wrangler: { configPath: "./wrangler.jsonc" },
      miniflare: {
        // Read in Node here, applied inside workerd by test/setup.ts.
        bindings: {
          TEST_MIGRATIONS: await readD1Migrations("./migrations"),
          KEY_ENCRYPTION_KEY: TEST_KEK,
          BOOTSTRAP_ADMIN_TOKEN: "grants-test-bootstrap-admin-token-0123456789abcdef",
        },
        workers: [
          stub("tessera-reconciliation", "./test/stubs/audit.js"),
          stub("tessera-policy", "./test/stubs/policy.js", { POLICY_DOCUMENT: JSON.stringify(TEST_POLICY) }),
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
