/** Applies this Worker's D1 migrations before each test file, exactly as a deploy would. */
import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
