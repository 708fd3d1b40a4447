/** Bindings that exist only in tests: the migrations vitest.config.ts reads for test/setup.ts. */
declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
  }
}
