import { describe, expect, it } from "vitest";
import { createTestTerminal } from "../testing/test-terminal.ts";

const DENY_LIST = "/v1/deny-list";

describe("policy and catalog sync", () => {
  it("revalidates with the stored ETag: a 304 changes nothing, a new version is stored and survives a restart", async () => {
    const t = await createTestTerminal();
    expect(t.engine.getSnapshot().policyVersion).toBe(1);
    await t.engine.syncNow();
    expect(t.backend.requestsTo("/v1/policy", "GET").map((r) => r.status)).toEqual([200, 304]);

    t.backend.publishPolicy({ balanceCap: 20_000 });
    await t.engine.syncNow();
    expect(t.engine.getSnapshot().policyVersion).toBe(2);
    await t.engine.close();

    t.backend.network = "down";
    const offline = await t.reopen();
    expect(offline.getSnapshot().policyVersion).toBe(2);
    // The stored policy is the one in force: its new cap refuses a refund that would exceed it.
    const { transport } = await t.card(19_900);
    expect(await offline.tap(transport, { op: "refund", amount: 200 })).toMatchObject({
      kind: "refused",
      code: "over_balance_cap",
    });
    await offline.close();
  });

  it("keeps the catalog and offers the products of the grant's location", async () => {
    const t = await createTestTerminal();
    expect(t.engine.getSnapshot().catalogVersion).toBe(1);
    expect(t.engine.products().map((p) => p.id)).toContain("menu-of-the-day");
    await t.engine.close();
  });
});

describe("deny-list sync", () => {
  it("applies deltas from the version held, and refuses a deny-listed card offline", async () => {
    const t = await createTestTerminal();
    const { transport, cardId } = await t.card(5_000);
    t.backend.denyCard(cardId);
    await t.engine.syncNow();
    expect(t.engine.getSnapshot().denyListVersion).toBe(1);
    t.backend.denyCard("00000000000000aa");
    await t.engine.syncNow();
    expect(t.engine.getSnapshot().denyListVersion).toBe(2);
    const asked = t.backend.requests.filter((r) => r.path === DENY_LIST).map((r) => r.status);
    expect(asked.every((status) => status === 200)).toBe(true);

    await t.engine.close();
    t.backend.network = "down";
    const offline = await t.reopen();
    const refused = await offline.tap(transport, { op: "debit", amount: 100 });
    expect(refused).toMatchObject({ kind: "refused", code: "card_blocked" });
    expect(refused.kind === "refused" && refused.verdict).toMatchObject({
      kind: "blocked",
      reason: "deny-list",
    });
    await offline.close();
  });

  it("takes the chunked snapshot when the server no longer has a delta", async () => {
    const t = await createTestTerminal({ denyListChunkSize: 2 });
    const { transport, cardId } = await t.card(5_000);
    for (const id of ["00000000000000a1", "00000000000000a2", "00000000000000a3", "00000000000000a4"]) {
      t.backend.denyCard(id);
    }
    t.backend.denyCard(cardId);
    t.backend.forgetDenyListDeltas();
    await t.engine.syncNow();
    expect(t.engine.getSnapshot().denyListVersion).toBe(5);
    // Five entries in chunks of two: after the first sync's request, the delta request, then chunks 0, 1, 2.
    expect(t.backend.requests.filter((r) => r.path === DENY_LIST)).toHaveLength(1 + 1 + 3);
    expect(await t.engine.tap(transport, { op: "debit", amount: 100 })).toMatchObject({
      code: "card_blocked",
    });
    await t.engine.close();
  });

  it("refuses cards last written by a revoked terminal once the list says so", async () => {
    const t = await createTestTerminal();
    const { transport } = await t.card(5_000);
    // The backend's own station issued the card; it is revoked from before that write.
    t.backend.revokeTerminal(0xff_fff0, Math.floor(t.clock.now() / 1000) - 60);
    await t.engine.syncNow();
    const refused = await t.engine.tap(transport, { op: "debit", amount: 100 });
    expect(refused).toMatchObject({ kind: "refused", code: "card_not_valid" });
    expect(refused.kind === "refused" && refused.verdict?.kind).toBe("revoked_terminal");
    await t.engine.close();
  });

  it("keeps the grant in force rather than adopt one it cannot honour yet (deny list behind)", async () => {
    const t = await createTestTerminal();
    const kept = t.engine.getSnapshot().grant!;
    t.backend.denyCard("00000000000000b1");
    t.backend.fail(DENY_LIST, { method: "GET", times: 100 });
    await expect(t.engine.refreshGrant()).rejects.toMatchObject({ code: "deny_list_behind" });
    expect(t.engine.getSnapshot().grant?.grantId).toBe(kept.grantId);

    t.backend.clearFaults();
    await t.engine.refreshGrant();
    expect(t.engine.getSnapshot().grant?.grantId).not.toBe(kept.grantId);
    expect(t.engine.getSnapshot().denyListVersion).toBe(1);
    await t.engine.close();
  });

  it("with no grant left, adopts the new one but refuses writes until the list catches up", async () => {
    const t = await createTestTerminal();
    const { transport } = await t.card(5_000);
    const grant = t.engine.getSnapshot().grant!;
    await t.clock.advanceTo((grant.expiresAt + 60) * 1000);
    t.backend.denyCard("00000000000000b2");
    t.backend.fail(DENY_LIST, { method: "GET", times: 100 });
    await t.engine.refreshGrant();
    expect(t.engine.getSnapshot().grant?.valid).toBe(true);
    expect(await t.engine.tap(transport, { op: "debit", amount: 100 })).toMatchObject({
      kind: "refused",
      code: "deny_list_outdated",
    });

    t.backend.clearFaults();
    await t.engine.syncNow();
    expect((await t.engine.tap(transport, { op: "debit", amount: 100 })).kind).toBe("done");
    await t.engine.close();
  });
});
