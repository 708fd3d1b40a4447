/**
 * The ledger as a pure function: synthetic event facts (no crypto, no D1) in every order give the same
 * ledger, and the fork rules (tear, unlanded write, clone) settle as documented.
 */
import { describe, expect, it } from "vitest";
import { GENESIS_HEAD, reconcileCard } from "./reconcile-card.ts";
import type { LedgerContext, LedgerEvent } from "./types.ts";

const CARD = "0a1b2c3d4e5f6071";
const T = 1_795_000_000;
const context: LedgerContext = {
  policy: { cardLimits: { daily: 15_000, weekly: 50_000 }, missingEventWindowSeconds: 86_400 },
  authorisations: new Map([
    ["tpa_1", { authorisationId: "tpa_1", op: "topup", cardId: CARD, amount: 5_000 }],
  ]),
  now: T + 60,
};

const head = (name: string) => name.padEnd(32, "0");

function write(
  id: string,
  parent: LedgerEvent | null,
  op: LedgerEvent["op"],
  amount: number,
  options: Partial<LedgerEvent> = {},
): LedgerEvent {
  const before = parent?.balanceAfter ?? 0;
  const balanceAfter = op === "issue" ? 0 : op === "topup" ? before + amount : before - amount;
  return {
    eventId: id,
    cardId: CARD,
    terminalId: "trm_1",
    terminalNumber: 1,
    grantId: "grt_1",
    seq: 1,
    op,
    amount,
    counterBefore: parent?.counterAfter ?? null,
    counterAfter: (parent?.counterAfter ?? 0) + 1,
    chainBefore: parent ? parent.chainAfter : null,
    chainAfter: head(id),
    balanceBefore: parent ? before : null,
    balanceAfter,
    writtenAt: T,
    status: "active",
    recovered: false,
    restored: false,
    outcome: "confirmed",
    eventFlags: [],
    ...(op === "topup" ? { authorisationId: "tpa_1" } : {}),
    ...options,
  };
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

describe("reconcileCard", () => {
  const issue = write("a1", null, "issue", 0);
  const topup = write("a2", issue, "topup", 5_000);
  const d1 = write("a3", topup, "debit", 120);
  const d2 = write("a4", d1, "debit", 80);
  const torn = write("a5", d2, "debit", 50, { outcome: "uncertain" });
  const recovered = write("a6", d1, "debit", 10, { counterAfter: d1.counterAfter + 2, recovered: true });

  it("gives the same ledger for every order of the same events", () => {
    const events = [issue, topup, d1, d2, torn, recovered];
    const first = reconcileCard(CARD, events, context);
    for (const order of permutations(events)) expect(reconcileCard(CARD, order, context)).toEqual(first);
  });

  it("follows a recovered write over the writes a tear took back, which are superseded and at stake", () => {
    const ledger = reconcileCard(CARD, [issue, topup, d1, d2, torn, recovered], context);
    expect(ledger).toMatchObject({ balance: 4_870, counter: 5, headEventId: "a6" });
    expect(ledger.entries.filter((e) => e.settlement === "superseded").map((e) => e.eventId)).toEqual([
      "a4",
      "a5",
    ]);
    expect(ledger.flags.map((f) => [f.kind, f.amount])).toEqual([["tear_recovery", 130]]);
  });

  it("flags a second state over one counter as a clone and follows the deeper branch", () => {
    const a = write("b1", d1, "debit", 10);
    const b = write("b2", d1, "debit", 20, { chainAfter: head("b2") });
    const after = write("b3", b, "debit", 5);
    const ledger = reconcileCard(CARD, [issue, topup, d1, a, b, after], context);
    expect(ledger.headEventId).toBe("b3");
    expect(ledger.flags.map((f) => f.kind)).toEqual(["clone_replay"]);
    expect(ledger.entries.find((e) => e.eventId === "b1")?.settlement).toBe("forked");
  });

  it("holds a gap open inside the window and flags it after", () => {
    const later = write("c1", d2, "debit", 30);
    const inside = reconcileCard(CARD, [issue, topup, d1, later], context);
    expect(inside.flags).toEqual([]);
    expect(inside.gaps).toEqual([expect.objectContaining({ fromCounter: 4, toCounter: 4 })]);
    const after = reconcileCard(CARD, [issue, topup, d1, later], { ...context, now: T + 2 * 86_400 });
    expect(after.flags.map((f) => f.kind)).toEqual(["missing_events"]);
  });

  it("flags value that appears from nowhere and a top-up nobody authorised", () => {
    const minted = write("d1", d1, "debit", 10, { balanceAfter: 90_000 });
    const stray = write("d2", minted, "topup", 700, { authorisationId: "tpa_unknown" });
    const kinds = reconcileCard(CARD, [issue, topup, d1, minted, stray], context).flags.map((f) => f.kind);
    expect(kinds.sort()).toEqual(["balance_break", "topup_unauthorised"]);
  });

  it("matches pay-outs and restores to their own authorisations, by operation, card and amount", () => {
    const authorised: LedgerContext = {
      ...context,
      authorisations: new Map([
        ...context.authorisations,
        ["poa_1", { authorisationId: "poa_1", op: "payout", cardId: CARD, amount: 4_880 }],
        ["rsa_1", { authorisationId: "rsa_1", op: "reissue", cardId: CARD, amount: 4_880 }],
      ]),
    };
    const kinds = (...events: LedgerEvent[]) =>
      reconcileCard(CARD, [issue, topup, d1, ...events], authorised).flags.map((f) => f.kind);
    const restored = { counterAfter: d1.counterAfter + 2, restored: true };

    expect(kinds(write("e1", d1, "payout", 4_880, { authorisationId: "poa_1" }))).toEqual([]);
    expect(kinds(write("e1", d1, "payout", 4_880))).toEqual(["payout_unauthorised"]);
    const borrowed = reconcileCard(
      CARD,
      [issue, topup, d1, write("e1", d1, "payout", 4_880, { authorisationId: "rsa_1" })],
      authorised,
    ).flags;
    expect(borrowed.map((f) => [f.kind, f.detail])).toEqual([
      ["payout_unauthorised", expect.stringContaining("is for a reissue")],
    ]);

    expect(kinds(write("e2", d1, "reissue", 0, { authorisationId: "rsa_1", ...restored }))).toEqual([]);
    expect(kinds(write("e2", d1, "reissue", 0, restored))).toEqual(["reissue_unauthorised"]);
    // A restore that writes more than was authorised is caught by its authorisation, whatever else it breaks.
    expect(
      kinds(write("e2", d1, "reissue", 0, { authorisationId: "rsa_1", ...restored, balanceAfter: 9_000 })),
    ).toContain("reissue_unauthorised");
  });

  it("restores from the state before an unconfirmed head and flags the write the restore does not book", () => {
    // d2's write tore and the card read as nothing after it: it may never have reached the card.
    const unreadable = reconcileCard(CARD, [issue, topup, d1, d2, torn], context);
    expect(unreadable).toMatchObject({ balance: 4_750, counter: 5, headEventId: "a5" });
    expect(unreadable.restore).toEqual({
      balance: 4_800,
      counter: 4,
      chain: d2.chainAfter,
      status: "active",
      unconfirmed: { eventId: "a5", op: "debit", amount: 50, counter: 5, balanceAfter: 4_750 },
    });
    // A confirmed head, or an unconfirmed one something was written over, is restored from as it is.
    expect(reconcileCard(CARD, [issue, topup, d1, d2], context).restore).toMatchObject({
      balance: 4_800,
      counter: 4,
      unconfirmed: null,
    });
    const over = write("f0", torn, "debit", 5);
    expect(reconcileCard(CARD, [issue, topup, d1, d2, torn, over], context).restore).toMatchObject({
      balance: 4_745,
      counter: 6,
      unconfirmed: null,
    });

    const restore = write("f1", d2, "reissue", 0, {
      counterAfter: d2.counterAfter + 2,
      restored: true,
      balanceAfter: 4_800,
      authorisationId: "rsa_2",
    });
    const authorised: LedgerContext = {
      ...context,
      authorisations: new Map([
        ...context.authorisations,
        ["rsa_2", { authorisationId: "rsa_2", op: "reissue", cardId: CARD, amount: 4_800 }],
      ]),
    };
    const events = [issue, topup, d1, d2, torn, restore];
    const restored = reconcileCard(CARD, events, authorised);
    expect(restored).toMatchObject({ balance: 4_800, counter: 6, headEventId: "f1" });
    expect(restored.restore.unconfirmed).toBeNull();
    expect(restored.entries.find((e) => e.eventId === "a5")?.settlement).toBe("superseded");
    expect(restored.flags.map((f) => [f.kind, f.eventIds, f.amount])).toEqual([
      ["tear_recovery", ["a5", "f1"], 50],
    ]);
    for (const order of permutations(events).slice(0, 120))
      expect(reconcileCard(CARD, order, authorised)).toEqual(restored);
  });

  it("starts from the genesis head", () => {
    expect(reconcileCard(CARD, [issue], context)).toMatchObject({ issued: true, counter: 1, balance: 0 });
    expect(issue.chainBefore ?? GENESIS_HEAD).toBe(GENESIS_HEAD);
  });
});
