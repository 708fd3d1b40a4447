/** Bindings that exist only in tests: what vitest.config.ts reads in Node for the tests in workerd. */
declare namespace Cloudflare {
  interface Env {
    /** The D1 migrations, applied by test/setup.ts. */
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    /** JSON of wrangler.jsonc's `ratelimits`. */
    TEST_RATE_LIMITS: string;
  }
}
