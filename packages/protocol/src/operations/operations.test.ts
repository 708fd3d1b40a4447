import { describe, expect, it } from "vitest";
import { decodeCertificate } from "../card/certificate.ts";
import { openSlot } from "../card/slot.ts";
import { importPublicKeyRaw } from "../crypto/ed25519.ts";
import { fromBase64Url } from "../encoding/bytes.ts";
import { verifyEventSignature } from "../events/index.ts";
import { createTestScheme, HOUR, readVirtualCard, T0, tapVirtualCard } from "../testing/index.ts";
import { VirtualNtag } from "../virtual-card/index.ts";

async function setup(balance = 1000) {
  const scheme = await createTestScheme();
  const station = await scheme.terminal({ role: "station" });
  const pos = await scheme.terminal({
    role: "pos",
    limits: { perTransaction: 500, cumulativeValue: 800, cumulativeCount: 3 },
  });
  const gate = await scheme.terminal({ role: "gate" });
  const card = new VirtualNtag({ model: "NTAG215" });
  await tapVirtualCard(scheme, station, card, { op: "issue" });
  if (balance)
    await tapVirtualCard(scheme, station, card, { op: "topup", amount: balance, authorisationId: "auth-1" });
  return { scheme, station, pos, gate, card };
}

const refusal = (tap: Awaited<ReturnType<typeof tapVirtualCard>>) =>
  tap.result.ok ? "ok" : tap.result.refusal.code;

describe("card operations", () => {
  it("debits, logs a signed event that names terminal and grant, and the card agrees", async () => {
    const { scheme, pos, card } = await setup();
    const tap = await tapVirtualCard(scheme, pos, card, { op: "debit", amount: 250, productId: "coffee" });
    if (!tap.result.ok) throw new Error(tap.result.refusal.code);
    const { event, state } = tap.result;
    expect(event).toMatchObject({
      op: "debit",
      amount: 250,
      terminalNumber: pos.credentials.terminalNumber,
      grantId: pos.grant.grantId,
      productId: "coffee",
      outcome: "confirmed",
      recovered: false,
      card: {
        counterBefore: 2,
        counterAfter: 3,
        balanceBefore: 1000,
        balanceAfter: 750,
        chainAfter: state.chain,
      },
    });
    const devicePublic = await importPublicKeyRaw(decodeCertificate(pos.credentials.certificate).publicKey);
    expect(await verifyEventSignature(event, devicePublic)).toBe(true);
    expect(openSlot(fromBase64Url(event.card.slot)).balance).toBe(750);
    const verdict = await readVirtualCard(card, scheme.context());
    expect(verdict.kind === "valid" && verdict.state.balance).toBe(750);
    expect(pos.usage).toEqual({ value: 250, count: 1 });
  });

  it("refuses over the per-transaction, cumulative value and count limits of the grant", async () => {
    const { scheme, pos, card } = await setup(5000);
    expect(refusal(await tapVirtualCard(scheme, pos, card, { op: "debit", amount: 501 }))).toBe(
      "over_transaction_limit",
    );
    expect(refusal(await tapVirtualCard(scheme, pos, card, { op: "debit", amount: 500 }))).toBe("ok");
    expect(refusal(await tapVirtualCard(scheme, pos, card, { op: "debit", amount: 301 }))).toBe(
      "over_offline_value",
    );
    expect(refusal(await tapVirtualCard(scheme, pos, card, { op: "debit", amount: 100 }))).toBe("ok");
    expect(refusal(await tapVirtualCard(scheme, pos, card, { op: "debit", amount: 100 }))).toBe("ok");
    expect(refusal(await tapVirtualCard(scheme, pos, card, { op: "debit", amount: 1 }))).toBe(
      "over_offline_count",
    );
  });

  it("refuses outside the grant window and operations the role may not do", async () => {
    const { scheme, pos, card } = await setup();
    expect(
      refusal(
        await tapVirtualCard(scheme, pos, card, { op: "debit", amount: 1 }, { now: pos.grant.expiresAt }),
      ),
    ).toBe("grant_expired");
    expect(
      refusal(
        await tapVirtualCard(scheme, pos, card, { op: "debit", amount: 1 }, { now: pos.grant.notBefore - 1 }),
      ),
    ).toBe("grant_not_yet_valid");
    expect(
      refusal(await tapVirtualCard(scheme, pos, card, { op: "topup", amount: 1, authorisationId: "x" })),
    ).toBe("operation_not_allowed");
  });

  it("keeps top-up, pay-out and restore online only", async () => {
    const { scheme, station, card } = await setup();
    expect(refusal(await tapVirtualCard(scheme, station, card, { op: "topup", amount: 100 }))).toBe(
      "online_only",
    );
    expect(refusal(await tapVirtualCard(scheme, station, card, { op: "payout" }))).toBe("online_only");
    const payout = await tapVirtualCard(scheme, station, card, { op: "payout", authorisationId: "p-1" });
    expect(payout.result.ok && payout.result.state.balance).toBe(0);
    expect(payout.result.ok && payout.result.event.amount).toBe(1000);
  });

  it("refuses insufficient balance, the balance cap and zero amounts", async () => {
    const { scheme, station, pos, card } = await setup(100);
    expect(refusal(await tapVirtualCard(scheme, pos, card, { op: "debit", amount: 101 }))).toBe(
      "insufficient_balance",
    );
    expect(refusal(await tapVirtualCard(scheme, pos, card, { op: "debit", amount: 0 }))).toBe(
      "invalid_amount",
    );
    expect(
      refusal(
        await tapVirtualCard(scheme, station, card, { op: "topup", amount: 49_901, authorisationId: "a" }),
      ),
    ).toBe("over_balance_cap");
    expect(
      refusal(
        await tapVirtualCard(scheme, station, card, { op: "topup", amount: 49_900, authorisationId: "a" }),
      ),
    ).toBe("ok");
  });

  it("checks in with an entry fee and out with a fare, and refuses a double check-in or a check-out without one", async () => {
    const { scheme, gate, card } = await setup();
    scheme.policy.sessions.entryFee = 50;
    expect(refusal(await tapVirtualCard(scheme, gate, card, { op: "checkout", amount: 10 }))).toBe(
      "no_session",
    );
    const entry = await tapVirtualCard(scheme, gate, card, { op: "checkin", zone: 3 }, { now: T0 + 125 });
    if (!entry.result.ok) throw new Error(entry.result.refusal.code);
    expect(entry.result.state.session).toEqual({ startedAt: T0 + 125, zone: 3 });
    expect(entry.result.state.balance).toBe(950);
    expect(refusal(await tapVirtualCard(scheme, gate, card, { op: "checkin", zone: 3 }))).toBe(
      "session_open",
    );
    const exit = await tapVirtualCard(
      scheme,
      gate,
      card,
      { op: "checkout", amount: 200 },
      { now: T0 + HOUR },
    );
    expect(exit.result.ok && exit.result.state.session).toBeNull();
    expect(exit.result.ok && exit.result.state.balance).toBe(750);
  });

  it("issues only blank cards and restores any card from the reconciled ledger", async () => {
    const { scheme, station, card } = await setup();
    expect(refusal(await tapVirtualCard(scheme, station, card, { op: "issue" }))).toBe("already_activated");
    const before = await readVirtualCard(card, scheme.context());
    if (before.kind !== "valid") throw new Error("setup");
    // The card is wiped by vandals; the station restores it from what reconciliation knows.
    const wiped = new VirtualNtag({ model: "NTAG215", uid: card.uid });
    const restore = { cardId: before.state.cardId, balance: 640, counter: 7, chain: before.state.chain };
    expect(refusal(await tapVirtualCard(scheme, station, wiped, { op: "reissue", restore }))).toBe(
      "online_only",
    );
    const done = await tapVirtualCard(scheme, station, wiped, {
      op: "reissue",
      restore,
      authorisationId: "r-1",
    });
    if (!done.result.ok) throw new Error(done.result.refusal.code);
    expect(done.result.state).toMatchObject({
      cardId: before.state.cardId,
      balance: 640,
      counter: 9,
      flags: { restored: true },
    });
    expect(done.result.event.card).toMatchObject({
      counterBefore: 7,
      balanceBefore: 640,
      chainBefore: before.state.chain,
    });
    const after = await readVirtualCard(wiped, scheme.context());
    expect(after.kind === "valid" && after.state.balance).toBe(640);
  });

  it("lets any terminal block a card it caught as a clone, and the block sticks", async () => {
    const { scheme, pos, card } = await setup();
    const twin = card.cloneTo(card.uid);
    const first = await tapVirtualCard(scheme, pos, card, { op: "debit", amount: 10 });
    if (!first.result.ok) throw new Error("setup");
    const remembered = new Map([
      [first.result.state.cardId, { counter: first.result.state.counter, chain: first.result.state.chain }],
    ]);
    const context = scheme.context({ remembered: (id) => remembered.get(id) });
    // The twin is spent at a terminal that never saw the original…
    const elsewhere = await scheme.terminal({ role: "pos" });
    expect(refusal(await tapVirtualCard(scheme, elsewhere, twin, { op: "debit", amount: 10 }))).toBe("ok");
    const caught = await tapVirtualCard(
      scheme,
      pos,
      twin,
      { op: "block", status: "blocked_fraud" },
      { context },
    );
    expect(caught.verdict.kind).toBe("clone_suspected");
    expect(refusal(caught)).toBe("ok");
    expect(await readVirtualCard(twin, scheme.context())).toMatchObject({
      kind: "blocked",
      state: { status: "blocked_fraud" },
    });
  });

  it("refuses to write a card that does not verify", async () => {
    const { scheme, pos, card } = await setup();
    const copy = card.cloneTo();
    const tap = await tapVirtualCard(scheme, pos, copy, { op: "debit", amount: 1 });
    expect(tap.result.ok ? "ok" : tap.result.refusal).toMatchObject({
      code: "card_not_valid",
      verdict: "tampered",
    });
  });
});

describe("what the writer takes from policy", () => {
  it("writes only the layout policy names, and refuses when it cannot", async () => {
    const { scheme, pos, card } = await setup();
    scheme.policy.layouts.write = 2;
    expect(refusal(await tapVirtualCard(scheme, pos, card, { op: "debit", amount: 1 }))).toBe(
      "layout_not_supported",
    );
  });

  it("refuses to issue a history length the layout cannot hold, before signing anything", async () => {
    const scheme = await createTestScheme();
    const station = await scheme.terminal({ role: "station" });
    const card = new VirtualNtag({ model: "NTAG216" });
    expect(refusal(await tapVirtualCard(scheme, station, card, { op: "issue", historyEntries: 5 }))).toBe(
      "invalid_request",
    );
    expect(refusal(await tapVirtualCard(scheme, station, card, { op: "issue", historyEntries: 34 }))).toBe(
      "ok",
    );
  });

  it("allows a free check-out", async () => {
    const { scheme, gate, card } = await setup();
    await tapVirtualCard(scheme, gate, card, { op: "checkin", zone: 1 });
    expect(refusal(await tapVirtualCard(scheme, gate, card, { op: "checkout", amount: 0 }))).toBe("ok");
  });
});
