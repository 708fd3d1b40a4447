import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../src/index.ts";

describe("the hourly cron", () => {
  it("drops proof ids past their replay window and keeps the others", async () => {
    const now = Math.floor(Date.now() / 1000);
    const stale = `stale-${crypto.randomUUID()}`;
    const live = `live-${crypto.randomUUID()}`;
    await env.DB.batch([
      env.DB.prepare("INSERT INTO dpop_proofs (jti, expires_at) VALUES (?1, ?2)").bind(stale, now - 10),
      env.DB.prepare("INSERT INTO dpop_proofs (jti, expires_at) VALUES (?1, ?2)").bind(live, now + 600),
    ]);
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: "17 * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    const left = await env.DB.prepare("SELECT jti FROM dpop_proofs WHERE jti IN (?1, ?2)")
      .bind(stale, live)
      .all();
    expect(left.results).toEqual([{ jti: live }]);
  });
});
