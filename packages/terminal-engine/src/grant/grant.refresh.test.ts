import { exportPublicKeyRaw, fromBase64Url, generateSigningKeyPair, toBase64Url } from "@tessera/protocol";
import { describe, expect, it } from "vitest";
import { EngineError } from "../errors.ts";
import { createTestTerminal } from "../testing/test-terminal.ts";
import { grantRefreshAt } from "./session-grant.ts";

const HOUR = 3600;
const SECOND = 1000;

describe("grantRefreshAt", () => {
  const claims = { iat: 1_000_000, exp: 1_000_000 + 8 * HOUR };

  it("refreshes once inside the policy's margin before expiry", () => {
    expect(grantRefreshAt(claims, 2 * HOUR)).toBe(claims.exp - 2 * HOUR);
  });

  it("refreshes earlier when the server asks, never later", () => {
    expect(grantRefreshAt(claims, 2 * HOUR, claims.iat + HOUR)).toBe(claims.iat + HOUR);
    expect(grantRefreshAt(claims, 2 * HOUR, claims.exp)).toBe(claims.exp - 2 * HOUR);
  });

  it("never refreshes before halfway, even with a margin as long as the lifetime", () => {
    expect(grantRefreshAt(claims, 8 * HOUR)).toBe(claims.iat + 4 * HOUR);
  });
});

describe("the grant lifecycle on the engine's clock", () => {
  it("fetches the next grant only once inside the refresh margin", async () => {
    const t = await createTestTerminal();
    const first = t.engine.getSnapshot().grant!;
    // Default policy: 8 h grants, refreshed in their last 2 h.
    expect(first.refreshAt).toBe(first.expiresAt - 2 * HOUR);
    t.engine.start();
    await t.clock.advanceTo((first.refreshAt - 1) * SECOND);
    expect(t.backend.requestsTo("/v1/grants", "POST")).toHaveLength(1);
    expect(t.engine.getSnapshot().grant?.grantId).toBe(first.grantId);

    await t.clock.advance(2 * SECOND);
    expect(t.backend.requestsTo("/v1/grants", "POST")).toHaveLength(2);
    const second = t.engine.getSnapshot().grant!;
    expect(second.grantId).not.toBe(first.grantId);
    expect(second.expiresAt).toBe(first.refreshAt + 8 * HOUR);
    await t.engine.close();
  });

  it("keeps the valid grant when refreshes fail, retrying with growing, jittered, capped delays", async () => {
    const t = await createTestTerminal();
    const first = t.engine.getSnapshot().grant!;
    const { transport } = await t.card(5_000);
    t.backend.fail("/v1/grants", { times: 10_000, status: 503 });
    t.engine.start();
    await t.clock.advanceTo(first.refreshAt * SECOND + 30 * 60 * SECOND);

    const attempts = t.backend.requestsTo("/v1/grants", "POST").slice(1);
    expect(attempts.length).toBeGreaterThan(8);
    const gaps = attempts.slice(1).map((request, i) => (request.at - attempts[i]!.at) / SECOND);
    // base 2 s doubling, capped at 5 min, of which a random half is kept (random() = 0.5 here: ¾ of each).
    expect(gaps.slice(0, 10)).toEqual([1.5, 3, 6, 12, 24, 48, 96, 192, 225, 225]);
    expect(Math.max(...gaps)).toBe(225);

    // Refreshing failed for half an hour, and the terminal still sells under the grant it has.
    expect(t.engine.getSnapshot().grant).toMatchObject({ grantId: first.grantId, valid: true });
    expect((await t.engine.tap(transport, { op: "debit", amount: 100 })).kind).toBe("done");
    expect(t.engine.getSnapshot().lastError?.code).toBe("grant_refresh_failed");
    await t.engine.close();
  });

  it("refuses writes once the grant has expired, and sells again after a refresh succeeds", async () => {
    const t = await createTestTerminal();
    const first = t.engine.getSnapshot().grant!;
    const { card, transport } = await t.card(5_000);
    t.backend.fail("/v1/grants", { times: 10_000, status: 503 });
    t.engine.start();
    await t.clock.advanceTo(first.expiresAt * SECOND);

    expect(t.engine.getSnapshot().grant?.valid).toBe(false);
    expect(t.engine.grantStatus()).toMatchObject({ valid: false, secondsLeft: 0 });
    const before = card.readUserMemory();
    const refused = await t.engine.tap(transport, { op: "debit", amount: 100 });
    expect(refused).toMatchObject({ kind: "refused", code: "grant_expired" });
    expect(card.readUserMemory()).toEqual(before);
    expect(t.engine.getSnapshot().outbox.depth).toBe(0);

    t.backend.clearFaults();
    await t.clock.advance(5 * 60 * SECOND);
    expect(t.engine.getSnapshot().grant?.valid).toBe(true);
    expect((await t.engine.tap(transport, { op: "debit", amount: 100 })).kind).toBe("done");
    await t.engine.close();
  });

  it("counts time left by the engine's clock", async () => {
    const t = await createTestTerminal();
    const grant = t.engine.getSnapshot().grant!;
    const issuedAt = Math.floor(t.clock.now() / SECOND);
    await t.clock.advance(HOUR * SECOND);
    expect(t.engine.grantStatus()).toEqual({
      valid: true,
      secondsLeft: grant.expiresAt - issuedAt - HOUR,
      expiresAt: grant.expiresAt,
    });
    await t.engine.close();
  });

  it("at start-up uses the stored grant offline, and refreshes at once when it has expired", async () => {
    const t = await createTestTerminal();
    const grant = t.engine.getSnapshot().grant!;
    await t.engine.close();

    t.backend.network = "down";
    const offline = await t.reopen();
    expect(offline.getSnapshot().grant).toMatchObject({ grantId: grant.grantId, valid: true });
    const { transport } = await t.card(5_000);
    expect((await offline.tap(transport, { op: "debit", amount: 100 })).kind).toBe("done");
    await offline.close();

    t.backend.network = "up";
    await t.clock.advanceTo((grant.expiresAt + HOUR) * SECOND);
    const later = await t.reopen();
    expect(later.getSnapshot().grant?.valid).toBe(false);
    later.start();
    await t.clock.advance(0);
    expect(later.getSnapshot().grant).toMatchObject({ valid: true });
    expect(later.getSnapshot().grant?.grantId).not.toBe(grant.grantId);
    await later.close();
  });
});

describe("grant acceptance", () => {
  it("refuses, and does not store, a grant whose certificate is for another device key", async () => {
    const t = await createTestTerminal();
    const kept = t.engine.getSnapshot().grant!;
    const stranger = await generateSigningKeyPair();
    const terminalNumber = t.engine.getSnapshot().terminal!.terminalNumber;
    const forged = await t.backend.certificateFor({
      terminalNumber,
      operations: ["debit"],
      validFrom: Math.floor(t.clock.now() / 1000 / HOUR) * HOUR,
      validHours: 24,
      publicKey: await exportPublicKeyRaw(stranger.publicKey),
    });
    t.backend.onGrantAnswer = (answer) => ({ ...answer, certificate: toBase64Url(forged) });

    const error = await t.engine.refreshGrant().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe("grant_rejected");
    expect(t.engine.getSnapshot().grant?.grantId).toBe(kept.grantId);
    await t.engine.close();
    const again = await t.reopen();
    expect(again.getSnapshot().grant?.grantId).toBe(kept.grantId);
    await again.close();
  });

  it("refuses a grant whose signature does not verify", async () => {
    const t = await createTestTerminal();
    t.backend.onGrantAnswer = (answer) => {
      const [header, payload, signature] = String(answer.grant).split(".");
      const flipped = fromBase64Url(signature!);
      flipped[0]! ^= 1;
      return { ...answer, grant: `${header}.${payload}.${toBase64Url(flipped)}` };
    };
    await expect(t.engine.refreshGrant()).rejects.toMatchObject({ code: "grant_rejected" });
    await t.engine.close();
  });
});

describe("a terminal whose clock runs behind the backend's", () => {
  const SKEW = 300; // the default policy's clockSkewSeconds

  it("uses a fresh grant at once, within the policy's clock-skew allowance", async () => {
    const t = await createTestTerminal({ role: "pos", backendClockAheadMs: 90 * SECOND });
    const status = t.engine.getSnapshot().grant!;
    expect(status.valid).toBe(true);
    const { transport, cardId } = await t.card(5_000);
    expect((await t.engine.tap(transport, { op: "debit", amount: 100 })).kind).toBe("done");
    expect((await t.engine.uploadOutbox()).settled).toBe(1);
    expect(t.backend.ledgerBalance(cardId)).toBe(4_900);
    await t.engine.close();
  });

  it("stops at the grant's own expiry: the allowance moves the start, never the end", async () => {
    const t = await createTestTerminal({ role: "pos", backendClockAheadMs: 90 * SECOND });
    const { expiresAt } = t.engine.getSnapshot().grant!;
    const { transport } = await t.card(5_000);
    await t.clock.advanceTo((expiresAt - 1) * SECOND);
    expect(t.engine.grantStatus()?.valid).toBe(true);
    expect((await t.engine.tap(transport, { op: "debit", amount: 100 })).kind).toBe("done");
    await t.clock.advanceTo(expiresAt * SECOND);
    expect(t.engine.grantStatus()?.valid).toBe(false);
    expect(await t.engine.tap(transport, { op: "debit", amount: 100 })).toMatchObject({
      kind: "refused",
      code: "grant_expired",
    });
    await t.engine.close();
  });

  it("refuses a grant that starts further ahead than the allowance, and keeps none", async () => {
    const t = await createTestTerminal({ bare: true, backendClockAheadMs: (SKEW + 60) * SECOND });
    await t.engine.enrol(t.backend.createEnrolmentCode({ role: "pos" }));
    await expect(t.engine.refreshGrant()).rejects.toMatchObject({ code: "grant_rejected" });
    expect(t.engine.getSnapshot().grant).toBeNull();
    await t.engine.close();
  });
});
