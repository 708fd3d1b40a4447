/** Bindings that exist only in tests: the migrations test/setup.ts applies and the stand-ins' fixture. */
declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    TEST_FIXTURE: import("./support/fixture.ts").SchemeFixture;
  }
}
