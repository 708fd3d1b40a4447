import { MAX_REPORT_ERRORS, READABLE_LAYOUTS, WRITABLE_LAYOUTS } from "@tessera/protocol";
import { describe, expect, it } from "vitest";
import { createTestTerminal } from "../testing/test-terminal.ts";

describe("terminal reports", () => {
  it("carry outbox depth, grant expiry, versions, tap counts and the last errors, then clear what they carried", async () => {
    const t = await createTestTerminal();
    const { transport } = await t.card(5_000);
    await t.engine.tap(transport, { op: "debit", amount: 100 });
    await t.engine.tap(transport, { op: "debit", amount: 999_999 });
    t.backend.fail("/v1/reconciliation/batches", { times: 1 });
    t.engine.start();
    await t.clock.advance(2_000);
    await t.engine.whenIdle();
    await t.clock.advance(10_000);

    const [report] = t.backend.reports;
    expect(report).toMatchObject({
      terminalId: t.engine.getSnapshot().terminal?.terminalId,
      softwareVersion: "engine-test-1",
      online: true,
      grantExpiresAt: t.engine.getSnapshot().grant?.expiresAt,
      policyVersion: 1,
      denyListVersion: 0,
      counters: { tapsApproved: 1, tapsRefused: 1, uncertain: 0 },
    });
    expect(report?.errors.map((error) => error.code)).toEqual(["upload_failed"]);

    await t.engine.sendReport();
    expect(t.backend.reports[1]).toMatchObject({
      counters: { tapsApproved: 0, tapsRefused: 0, uncertain: 0 },
      errors: [],
      outboxDepth: 0,
    });
    await t.engine.close();
  });

  it("say which card layouts the build reads and writes and that it verifies split keys", async () => {
    const t = await createTestTerminal();
    t.engine.start();
    await t.engine.whenIdle();
    await t.engine.sendReport();
    expect(t.backend.reports.at(-1)?.capabilities).toEqual({
      layouts: { read: [...READABLE_LAYOUTS], write: [...WRITABLE_LAYOUTS] },
      keyUses: expect.arrayContaining(["dual", "grant", "certificate"]),
    });
    await t.engine.close();
  });

  it("never hold anything up when they fail", async () => {
    const t = await createTestTerminal();
    t.backend.fail("/v1/reports", { times: 1_000 });
    const { transport, cardId } = await t.card(5_000);
    t.engine.start();
    await t.clock.advance(60_000);
    expect((await t.engine.tap(transport, { op: "debit", amount: 100 })).kind).toBe("done");
    await t.engine.whenIdle();
    expect(t.backend.ledgerBalance(cardId)).toBe(4_900);
    expect(t.backend.requestsTo("/v1/reports", "POST").length).toBeGreaterThan(0);
    await t.engine.close();
  });

  it("keep only as many errors as a report can carry", async () => {
    const t = await createTestTerminal();
    t.backend.network = "down";
    t.engine.start();
    // Each time the device comes back online every job starts a new streak, and each first failure is kept.
    for (let i = 0; i < 15; i++) {
      t.network.set(true);
      await t.engine.whenIdle();
    }
    t.backend.network = "up";
    await t.engine.sendReport();
    const errors = t.backend.reports.at(-1)?.errors ?? [];
    expect(errors).toHaveLength(MAX_REPORT_ERRORS);
    expect(new Set(errors.map((error) => error.code))).toEqual(
      new Set(["policy_sync_failed", "deny_list_sync_failed"]),
    );
    await t.engine.close();
  });
});
