/**
 * Extending a ledger from its tail must give exactly what recomputing the card from all of its events
 * gives: the same head and, for every flag the new events raise or change, the same flag. Random histories
 * (seeded) with debits over the limits, blocked cards, broken balances and top-ups, cut at random points.
 */
import { mulberry32 } from "@tessera/protocol/virtual-card";
import { describe, expect, it } from "vitest";
import { reconcileCard } from "./reconcile-card.ts";
import { extendLedger, tailOf } from "./tail.ts";
import type { LedgerContext, LedgerEvent, OnlineAuthorisation } from "./types.ts";

const CARD = "0a1b2c3d4e5f6071";
const T = 1_795_000_000;

function context(authorisations: OnlineAuthorisation[]): LedgerContext {
  return {
    policy: { cardLimits: { daily: 900, weekly: 2_000 }, missingEventWindowSeconds: 86_400 },
    authorisations: new Map(authorisations.map((a) => [a.authorisationId, a])),
    now: T + 30 * 86_400,
  };
}

/** A random history of one card: an issue, then writes each chaining from the one before. */
function history(random: () => number, length: number) {
  const authorisations: OnlineAuthorisation[] = [];
  const events: LedgerEvent[] = [];
  let parent: LedgerEvent | null = null;
  let at = T;
  for (let i = 0; i < length; i++) {
    const id = `e${String(i).padStart(3, "0")}`;
    const roll = random();
    const op: LedgerEvent["op"] = i === 0 ? "issue" : roll < 0.15 ? "topup" : roll < 0.2 ? "block" : "debit";
    const amount = op === "issue" || op === "block" ? 0 : 1 + Math.floor(random() * 400);
    const before = parent?.balanceAfter ?? 0;
    let balanceAfter = op === "topup" ? before + amount : op === "debit" ? before - amount : before;
    if (random() < 0.05) balanceAfter += 50;
    at += Math.floor(random() * 40_000);
    const authorisationId = op === "topup" ? `tpa_${i}` : undefined;
    if (authorisationId && random() < 0.9)
      authorisations.push({ authorisationId, op: "topup", cardId: CARD, amount });
    const event: LedgerEvent = {
      eventId: id,
      cardId: CARD,
      terminalId: `trm_${Math.floor(random() * 3)}`,
      terminalNumber: 1,
      grantId: "grt_1",
      seq: i,
      op,
      amount,
      counterBefore: parent?.counterAfter ?? null,
      counterAfter: (parent?.counterAfter ?? 0) + 1,
      chainBefore: parent ? parent.chainAfter : null,
      chainAfter: id.padEnd(32, "0"),
      balanceBefore: parent ? before : null,
      balanceAfter,
      writtenAt: at,
      status: op === "block" ? "blocked_admin" : "active",
      recovered: false,
      restored: false,
      outcome: "confirmed",
      eventFlags: random() < 0.1 ? [{ kind: "clock_skew", detail: "skewed" }] : [],
      ...(authorisationId ? { authorisationId } : {}),
    };
    events.push(event);
    parent = event;
  }
  return { events, authorisations };
}

describe("extendLedger", () => {
  it("gives the full recomputation's head and flags for every history cut at every point", () => {
    let extended = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const random = mulberry32(seed);
      const { events, authorisations } = history(random, 8 + Math.floor(random() * 20));
      const ctx = context(authorisations);
      for (let cut = 1; cut < events.length; cut++) {
        const before = events.slice(0, cut);
        const tail = tailOf(reconcileCard(CARD, before, ctx), before, ctx);
        if (!tail) continue;
        const incoming = events.slice(cut, cut + 1 + Math.floor(random() * 6)).reverse();
        const extension = extendLedger(CARD, tail, incoming, ctx);
        const full = reconcileCard(CARD, [...before, ...incoming], ctx);
        expect(extension, `seed ${seed} cut ${cut}`).not.toBeNull();
        const { entries: _entries, flags, restore: _restore, ...head } = full;
        expect(extension!.ledger, `seed ${seed} cut ${cut}`).toEqual(head);
        const byKey = new Map(flags.map((f) => [f.key, f]));
        for (const flag of extension!.flags) expect(flag).toEqual(byKey.get(flag.key));
        // Every flag the full recomputation holds is either new here or unchanged since the tail was taken.
        const earlier = new Map(reconcileCard(CARD, before, ctx).flags.map((f) => [f.key, f]));
        const changed = new Set(extension!.flags.map((f) => f.key));
        for (const flag of flags) if (!changed.has(flag.key)) expect(flag).toEqual(earlier.get(flag.key));
        const nextTail = tailOf(full, [...before, ...incoming], ctx);
        expect(extension!.tail).toEqual(nextTail);
        extended++;
      }
    }
    expect(extended).toBeGreaterThan(100);
  });

  it("declines events that do not continue from the head, so the card is recomputed in full", () => {
    const { events, authorisations } = history(mulberry32(7), 6);
    const ctx = context(authorisations.map((a) => a));
    const before = events.slice(0, 3);
    const tail = tailOf(reconcileCard(CARD, before, ctx), before, ctx);
    expect(tail).not.toBeNull();
    // A gap: the next event is missing.
    expect(extendLedger(CARD, tail!, [events[4]!], ctx)).toBeNull();
    // Dated before the head: the spending order would change.
    expect(extendLedger(CARD, tail!, [{ ...events[3]!, writtenAt: T - 1 }], ctx)).toBeNull();
    // A write over a recovered card: the tear rules need the siblings.
    expect(extendLedger(CARD, tail!, [{ ...events[3]!, recovered: true }], ctx)).toBeNull();
  });
});
