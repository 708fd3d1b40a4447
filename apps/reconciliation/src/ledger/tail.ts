/**
 * A card's ledger tail: what an upload needs to extend the ledger by events that continue its history
 * straight on, without reading that history back. Taken only from a ledger that is one unbroken path (every
 * state on it, no gap, clone, tear or unmatched top-up), and extended only by events that chain from its
 * head in counter order and are dated no earlier than anything before them. For exactly those events every
 * check of `reconcileCard` depends on the head, the top-ups already matched and the spending of the latest
 * day and week, so the extension raises the very flags a full recomputation would; anything else returns
 * null and the card is recomputed from all of its events.
 */
import { ONLINE_ONLY_OPERATIONS } from "@tessera/protocol";
import {
  arrivalFlags,
  edgeFlags,
  ledgerFlag,
  matchAuthorisations,
  type PeriodSpending,
  type RaisedFlag,
  spendingLimits,
} from "./reconcile-card.ts";
import type { CardLedger, LedgerContext, LedgerEvent, LedgerFlag } from "./types.ts";
import { utcDay, utcWeek } from "./value.ts";

export interface LedgerTail {
  /** The head state's facts. */
  head: LedgerEvent;
  eventCount: number;
  /** Highest counter of any state. */
  maxCounter: number;
  /** Latest signed write time of any state. */
  lastWrittenAt: number;
  /** Authorisation id → the top-up event that used it. */
  usedAuthorisations: Record<string, string>;
  /** Spending of the day and of the week `lastWrittenAt` falls in. */
  periods: PeriodSpending[];
}

/** Kinds whose presence means a later event may change earlier verdicts: such a card is recomputed in full. */
const REOPENING_KINDS = new Set([
  "clone_replay",
  "tear_recovery",
  "topup_unauthorised",
  "payout_unauthorised",
  "reissue_unauthorised",
  "missing_events",
]);

function latestPeriods(periods: readonly PeriodSpending[], lastWrittenAt: number): PeriodSpending[] {
  return periods.filter(
    (p) =>
      (p.kind === "over_daily_limit" && p.period === utcDay(lastWrittenAt)) ||
      (p.kind === "over_weekly_limit" && p.period === utcWeek(lastWrittenAt)),
  );
}

/** The tail of a fully recomputed ledger, or null when the ledger is not one unbroken path. */
export function tailOf(
  ledger: CardLedger,
  events: readonly LedgerEvent[],
  ctx: Pick<LedgerContext, "policy">,
): LedgerTail | null {
  if (!ledger.issued || ledger.gaps.length > 0) return null;
  if (ledger.entries.some((e) => e.settlement !== "settled" || e.sameStateEventIds.length > 0)) return null;
  if (ledger.flags.some((f) => REOPENING_KINDS.has(f.kind))) return null;
  const head = events.find((e) => e.eventId === ledger.headEventId);
  if (!head) return null;
  const usedAuthorisations: Record<string, string> = {};
  for (const e of events)
    if (ONLINE_ONLY_OPERATIONS.includes(e.op) && e.authorisationId)
      usedAuthorisations[e.authorisationId] = e.eventId;
  const { periods } = spendingLimits(ledger.cardId, events, ctx.policy.cardLimits);
  return {
    head,
    eventCount: ledger.eventCount,
    maxCounter: Math.max(...events.map((e) => e.counterAfter)),
    lastWrittenAt: ledger.lastWrittenAt,
    usedAuthorisations,
    periods: latestPeriods(periods, ledger.lastWrittenAt),
  };
}

export interface LedgerExtension {
  /** The card's reconciled head after the new events, as a full recomputation would give it. */
  ledger: Omit<CardLedger, "entries" | "flags" | "restore">;
  /** The flags the new events raise or change (earlier flags stand as they are). */
  flags: LedgerFlag[];
  tail: LedgerTail | null;
}

/**
 * Extends a ledger by `incoming` (the card's new booked events, any order), or null when they do not simply
 * continue its history and the card must be recomputed from all of its events.
 */
export function extendLedger(
  cardId: string,
  tail: LedgerTail,
  incoming: readonly LedgerEvent[],
  ctx: LedgerContext,
): LedgerExtension | null {
  if (incoming.length === 0) return null;
  const chain = [...incoming].sort((a, b) => a.counterAfter - b.counterAfter);
  let parent = tail.head;
  for (const e of chain) {
    if (
      e.cardId !== cardId ||
      e.chainBefore !== parent.chainAfter ||
      e.counterAfter <= Math.max(parent.counterAfter, tail.maxCounter) ||
      e.writtenAt < tail.lastWrittenAt ||
      e.recovered
    )
      return null;
    parent = e;
  }

  const raised: RaisedFlag[] = [];
  parent = tail.head;
  for (const e of chain) {
    raised.push(...edgeFlags(cardId, parent, e), ...arrivalFlags(e));
    parent = e;
  }
  const usedBy = new Map(Object.entries(tail.usedAuthorisations));
  raised.push(...matchAuthorisations(cardId, chain, ctx.authorisations, usedBy).flags);
  const limits = spendingLimits(cardId, chain, ctx.policy.cardLimits, tail.periods);
  const incomingIds = new Set(chain.map((e) => e.eventId));
  // Periods the new events did not spend in keep their flags exactly as stored.
  raised.push(...limits.flags.filter((f) => f.eventIds.some((id) => incomingIds.has(id))));
  const flags = [...new Map(raised.map((f) => [f.key, ledgerFlag(cardId, f)])).values()];

  const head = chain.at(-1)!;
  const lastWrittenAt = Math.max(tail.lastWrittenAt, ...chain.map((e) => e.writtenAt));
  const eventCount = tail.eventCount + chain.length;
  return {
    ledger: {
      cardId,
      balance: head.balanceAfter,
      counter: head.counterAfter,
      chain: head.chainAfter,
      status: head.status,
      headEventId: head.eventId,
      issued: true,
      eventCount,
      lastWrittenAt,
      gaps: [],
    },
    flags,
    tail: flags.some((f) => REOPENING_KINDS.has(f.kind))
      ? null
      : {
          head,
          eventCount,
          maxCounter: head.counterAfter,
          lastWrittenAt,
          usedAuthorisations: Object.fromEntries(usedBy),
          periods: latestPeriods(limits.periods, lastWrittenAt),
        },
  };
}
