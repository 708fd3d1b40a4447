import { cardImageFromRead, verifyCard } from "@tessera/protocol";
import { describe, expect, it } from "vitest";
import { createTestTerminal } from "./testing/test-terminal.ts";

describe("a tap end to end through VirtualCardTransport", () => {
  it("enrols, fetches a grant, syncs, debits a virtual NTAG215 and uploads the event", async () => {
    const t = await createTestTerminal({ role: "pos" });
    const snapshots: string[] = [];
    t.engine.subscribe(() => snapshots.push(t.engine.getSnapshot().phase));
    const { card, transport, cardId } = await t.card(5_000);

    const result = await t.engine.tap(transport, { op: "debit", amount: 250, productId: "espresso" });

    expect(result.kind).toBe("done");
    if (result.kind !== "done") return;
    expect(result.state.balance).toBe(4_750);
    expect(result.balanceBefore).toBe(5_000);
    // The card itself, read by any reader with only the backend's keys, now says 4750.
    const verdict = await verifyCard(cardImageFromRead(card.read()), {
      keys: t.backend.keys,
      policy: { readableLayouts: [1], acceptedKeyVersions: [1] },
    });
    expect(verdict.kind === "valid" && verdict.state.balance).toBe(4_750);

    const snapshot = t.engine.getSnapshot();
    expect(snapshot.outbox.depth).toBe(1);
    expect(snapshot.lastTap).toMatchObject({ kind: "done", op: "debit", amount: 250, balance: 4_750 });
    expect(snapshot.lastCard?.state?.balance).toBe(4_750);
    expect(snapshot.grant?.usage).toEqual({ value: 250, count: 1 });

    const summary = await t.engine.uploadOutbox();
    expect(summary.settled).toBe(1);
    expect(t.engine.getSnapshot().outbox.depth).toBe(0);
    expect(t.backend.booked(cardId).map((e) => [e.op, e.amount, e.outcome])).toEqual([
      ["issue", 0, "confirmed"],
      ["topup", 5_000, "confirmed"],
      ["debit", 250, "confirmed"],
    ]);
    expect(t.backend.ledgerBalance(cardId)).toBe(4_750);
    expect([...t.backend.events.values()].every((e) => e.flags.length === 0)).toBe(true);
    expect(snapshots.length).toBeGreaterThan(0);
    await t.engine.close();
  });

  it("tops up at a station with an online authorisation fetched during the tap", async () => {
    const t = await createTestTerminal({ role: "station" });
    const { transport, cardId } = await t.card(100);
    const result = await t.engine.tap(transport, { op: "topup", amount: 900 });
    expect(result.kind).toBe("done");
    expect(result.kind === "done" && result.event.authorisationId).toMatch(/^auth_/);
    expect(t.backend.requestsTo("/v1/authorisations", "POST")).toHaveLength(1);
    await t.engine.uploadOutbox();
    expect(t.backend.ledgerBalance(cardId)).toBe(1_000);
    await t.engine.close();
  });

  it.each([
    ["a top-up", { op: "topup", amount: 900 }],
    ["a pay-out", { op: "payout" }],
  ] as const)(
    "refuses %s when its authorisation cannot be fetched, without touching the card",
    async (_, request) => {
      const t = await createTestTerminal({ role: "station" });
      const { card, transport } = await t.card(800);
      const before = card.readUserMemory();
      t.backend.network = "down";
      expect(await t.engine.tap(transport, request)).toMatchObject({
        kind: "refused",
        code: "online_authorisation_failed",
      });
      expect(card.readUserMemory()).toEqual(before);
      expect(t.engine.getSnapshot().outbox.depth).toBe(0);
      await t.engine.close();
    },
  );

  it("pays out a card's whole balance at a station with an online authorisation for that balance", async () => {
    const t = await createTestTerminal({ role: "station" });
    const { transport, cardId } = await t.card(2_300);
    const result = await t.engine.tap(transport, { op: "payout" });
    expect(result).toMatchObject({ kind: "done", event: { op: "payout", amount: 2_300 } });
    expect(t.backend.authorisations).toEqual([
      expect.objectContaining({ op: "payout", cardId, amount: 2_300 }),
    ]);
    expect(result.kind === "done" && result.event.authorisationId).toBe(
      t.backend.authorisations[0]!.authorisationId,
    );
    await t.engine.uploadOutbox();
    expect(t.backend.ledgerBalance(cardId)).toBe(0);
    await t.engine.close();
  });

  it("restores a lost card onto a blank one from the reconciled ledger, authorised for the ledger's balance", async () => {
    const t = await createTestTerminal({ role: "station" });
    const { cardId } = await t.card(1_700);
    const { VirtualNtag, VirtualCardTransport } = await import("@tessera/protocol/virtual-card");
    const ledger = await t.engine.cardLedger(cardId);
    const fresh = new VirtualCardTransport(new VirtualNtag({ model: "NTAG215" }));
    const result = await t.engine.tap(fresh, {
      op: "reissue",
      restore: { cardId, balance: ledger.balance, counter: ledger.counter, chain: ledger.chain },
    });
    expect(result).toMatchObject({ kind: "done", event: { op: "reissue", card: { balanceAfter: 1_700 } } });
    expect(t.backend.authorisations).toEqual([
      expect.objectContaining({ op: "reissue", cardId, amount: 1_700 }),
    ]);
    const read = await t.engine.readCard(fresh);
    expect(read).toMatchObject({
      kind: "read",
      verdict: { kind: "valid", state: { cardId, balance: 1_700 } },
    });
    await t.engine.close();
  });

  it("refuses a restore of a balance the ledger does not hold, naming the backend's reason", async () => {
    const t = await createTestTerminal({ role: "station" });
    const { cardId } = await t.card(1_700);
    const { VirtualNtag, VirtualCardTransport } = await import("@tessera/protocol/virtual-card");
    const ledger = await t.engine.cardLedger(cardId);
    const blank = new VirtualNtag({ model: "NTAG215" });
    const before = blank.readUserMemory();
    const result = await t.engine.tap(new VirtualCardTransport(blank), {
      op: "reissue",
      restore: { cardId, balance: ledger.balance + 5_000, counter: ledger.counter, chain: ledger.chain },
    });
    expect(result).toMatchObject({ kind: "refused", code: "online_authorisation_failed" });
    expect(result.kind === "refused" && result.detail).toContain("ledger");
    expect(blank.readUserMemory()).toEqual(before);
    await t.engine.close();
  });

  it("issues a blank card at a station and reads its balance back", async () => {
    const t = await createTestTerminal({ role: "station" });
    const { VirtualNtag, VirtualCardTransport } = await import("@tessera/protocol/virtual-card");
    const transport = new VirtualCardTransport(new VirtualNtag({ model: "NTAG215" }));
    const issued = await t.engine.tap(transport, { op: "issue" });
    expect(issued.kind).toBe("done");
    const read = await t.engine.readCard(transport);
    expect(read.kind === "read" && read.verdict.kind).toBe("valid");
    await t.engine.close();
  });

  it("stores the device key non-extractable and signs grants' proofs with it after a reload", async () => {
    const t = await createTestTerminal({ role: "pos" });
    await t.engine.close();
    const again = await t.reopen();
    expect(again.getSnapshot().phase).toBe("ready");
    // A new grant needs a DPoP proof from the stored key; the backend checks it against the enrolled key.
    await again.refreshGrant();
    expect(t.backend.requestsTo("/v1/grants", "POST").at(-1)?.status).toBe(200);
    await again.close();
  });
});

describe("what the kiosk screen reads from the engine", () => {
  it("has no policy before the first sync, then the synced policy's currency and the location's products", async () => {
    const bare = await createTestTerminal({ bare: true });
    expect(bare.engine.policy()).toBeNull();
    expect(bare.engine.products()).toEqual([]);
    await bare.engine.close();

    const t = await createTestTerminal({ role: "pos", policy: { currency: { code: "IDR", minorUnit: 0 } } });
    expect(t.engine.policy()?.currency).toEqual({ code: "IDR", minorUnit: 0 });
    expect(t.engine.products().map((product) => product.id)).toContain("soup");
    await t.engine.close();
  });
});
