/**
 * A card's ledger as a pure function of the set of its booked events: the same events give the same
 * ledger and the same flags, whatever order or batches they arrived in. No D1, no clock but `ctx.now`.
 *
 * The card's states form a tree: every signed state's chain head commits to the head it was written over,
 * so each event is an edge from its parent state to its own. The reconciled history is one path through
 * that tree from the issue to the newest state:
 * - one child: the history goes on;
 * - an unconfirmed (`uncertain`) write nothing followed, beside a write something did: it never reached the
 *   card — `superseded`, not a clone; beside a restore, which a station writes from the state before such a
 *   write when it is the card's head (`restore`), it is flagged `tear_recovery` for the operator to settle;
 * - a recovered write (counter +2) beside writes no deeper than that: a tear — the card rolled back and
 *   the lost writes are `superseded` (not booked; their value is the amount at stake);
 * - anything else with two children: a clone or replay — flagged, and the deepest branch (a reissue first)
 *   is followed, the others are `forked`;
 * - no child but newer states whose parent is unknown: a gap, held open until policy's window passes.
 * Edge checks (value conservation, counter steps, writes over a blocked card) run on every edge of the
 * tree, limits and top-up matching on every state, so flags never depend on which branch was followed.
 */
import type { FlagKind } from "@tessera/protocol";
import type {
  AuthorisedOperation,
  CardLedger,
  LedgerContext,
  LedgerEntry,
  LedgerEvent,
  LedgerFlag,
  LedgerGap,
  OnlineAuthorisation,
  RestoreBasis,
  Settlement,
} from "./types.ts";
import { expectedBalanceAfter, isoDate, spentBy, utcDay, utcWeek } from "./value.ts";

/** The chain head before a card's first state (32 hex zeros, as `GENESIS_CHAIN`). */
export const GENESIS_HEAD = "0".repeat(32);

interface StateNode {
  chain: string;
  parent: string;
  /** Events that reported exactly this state, by event id; the first one stands for the state. */
  events: LedgerEvent[];
  event: LedgerEvent;
}

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byCounterThenChain = (a: StateNode, b: StateNode) =>
  a.event.counterAfter - b.event.counterAfter || byString(a.chain, b.chain);

function unique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(byString);
}

export function reconcileCard(cardId: string, input: readonly LedgerEvent[], ctx: LedgerContext): CardLedger {
  if (input.length === 0) throw new RangeError("a card ledger needs at least one event");
  const events = [...input].sort((a, b) => byString(a.eventId, b.eventId));
  const window = ctx.policy.missingEventWindowSeconds;
  const flags = new Map<string, LedgerFlag>();
  const raise = (flag: RaisedFlag) => {
    flags.set(flag.key, ledgerFlag(cardId, flag));
  };

  // States, keyed by chain head; several events naming one state are one state (counted once).
  const nodes = new Map<string, StateNode>();
  for (const event of events) {
    const node = nodes.get(event.chainAfter);
    if (node) node.events.push(event);
    else
      nodes.set(event.chainAfter, {
        chain: event.chainAfter,
        parent: event.chainBefore ?? GENESIS_HEAD,
        events: [event],
        event,
      });
  }
  const children = new Map<string, StateNode[]>();
  for (const node of nodes.values()) {
    const siblings = children.get(node.parent) ?? [];
    siblings.push(node);
    children.set(node.parent, siblings);
  }
  for (const siblings of children.values()) siblings.sort(byCounterThenChain);
  const childrenOf = (node: StateNode) => children.get(node.chain) ?? [];
  const parentOf = (node: StateNode) => nodes.get(node.parent);
  /** An unconfirmed write nothing was written over: nothing shows it ever reached the card. */
  const unlanded = (node: StateNode) => node.event.outcome === "uncertain" && childrenOf(node).length === 0;

  const deepest = new Map<string, number>();
  const subtreeMax = (node: StateNode): number => {
    const known = deepest.get(node.chain);
    if (known !== undefined) return known;
    // Chain heads are hashes of their parents, so the tree has no cycles; the guard only bounds hostile input.
    deepest.set(node.chain, node.event.counterAfter);
    const max = Math.max(node.event.counterAfter, ...childrenOf(node).map(subtreeMax));
    deepest.set(node.chain, max);
    return max;
  };
  const subtree = (node: StateNode): StateNode[] => {
    const out: StateNode[] = [];
    const stack = [node];
    const seen = new Set<string>();
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (seen.has(next.chain)) continue;
      seen.add(next.chain);
      out.push(next);
      stack.push(...childrenOf(next));
    }
    return out;
  };

  // A recovered write's lost siblings: the writes the tear took back, at most two counters deep.
  const lostTo = (node: StateNode): StateNode[] => {
    const parent = parentOf(node);
    if (!parent || !isTearRecovery(node, parent)) return [];
    const others = (children.get(node.parent) ?? []).filter((s) => s !== node);
    if (others.some((s) => isTearRecovery(s, parent))) return [];
    if (others.some((s) => subtreeMax(s) > parent.event.counterAfter + 2 || s.event.op === "reissue"))
      return [];
    return others.flatMap(subtree);
  };

  // --- Checks on every state and every edge, independent of the path followed -----------------------
  for (const node of nodes.values()) {
    const e = node.event;
    if (node.events.length > 1) {
      raise({
        key: `clone_replay:${cardId}:state:${node.chain}`,
        kind: "clone_replay",
        eventIds: node.events.map((x) => x.eventId),
        terminalIds: node.events.map((x) => x.terminalId),
        counter: e.counterAfter,
        amount: null,
        detail: `The same card state (counter ${e.counterAfter}) was reported by ${node.events.length} different events; it is counted once.`,
      });
    }
    const parent = parentOf(node);
    if (node.parent === GENESIS_HEAD) checkIssue(node);
    else if (parent) checkEdge(parent, node);
    if (e.recovered) {
      const lost = lostTo(node);
      raise(
        tearRecovery(
          node,
          lost,
          lost.length > 0
            ? `Written over a card that had rolled back after a tear; lost write(s) not booked: ${described(lost)}.`
            : `Written over a card that read as recovered after a tear; the write it may have replaced (counter ${e.counterAfter - 1}) has not been uploaded.`,
        ),
      );
    }
    // A restore from the state before an unconfirmed write that nothing was written over: the write is not
    // booked, and the operator checks with the cardholder whether it was paid for.
    const bypassed =
      e.op === "reissue" && parent ? childrenOf(parent).filter((s) => s !== node && unlanded(s)) : [];
    if (bypassed.length > 0)
      raise(
        tearRecovery(
          node,
          bypassed,
          `Restored from the state before unconfirmed write(s) it may never have held; not booked: ${described(bypassed)}.`,
        ),
      );
  }

  /** A `tear_recovery` on `node`'s write, with the writes not booked because of it and their value at stake. */
  function tearRecovery(node: StateNode, unbooked: readonly StateNode[], detail: string): RaisedFlag {
    const e = node.event;
    return {
      key: `tear_recovery:${cardId}:${e.eventId}`,
      kind: "tear_recovery",
      eventIds: [e.eventId, ...unbooked.map((s) => s.event.eventId)],
      terminalIds: [e.terminalId, ...unbooked.map((s) => s.event.terminalId)],
      counter: e.counterAfter,
      amount: unbooked.reduce((sum, s) => sum + s.event.amount, 0),
      detail,
    };
  }

  function checkIssue(node: StateNode): void {
    for (const flag of issueFlags(cardId, node.event)) raise(flag);
  }

  function checkEdge(parent: StateNode, node: StateNode): void {
    for (const flag of edgeFlags(cardId, parent.event, node.event)) raise(flag);
  }

  // Event-level anomalies found on arrival, for every event (same-state reports included).
  for (const event of events) for (const flag of arrivalFlags(event)) raise(flag);

  const authorisedOrder = [...nodes.values()].sort(byCounterThenChain).map((node) => node.event);
  for (const flag of matchAuthorisations(cardId, authorisedOrder, ctx.authorisations, new Map()).flags)
    raise(flag);
  const spending = [...nodes.values()].map((node) => node.event);
  for (const flag of spendingLimits(cardId, spending, ctx.policy.cardLimits).flags) raise(flag);

  // --- The followed path ----------------------------------------------------------------------------
  const settlement = new Map<string, Settlement>();
  const mark = (node: StateNode, value: Settlement) => {
    for (const s of subtree(node)) if (!settlement.has(s.chain)) settlement.set(s.chain, value);
  };
  const roots = [...nodes.values()]
    .filter((node) => node.parent === GENESIS_HEAD || !nodes.has(node.parent))
    .sort(
      (a, b) =>
        byCounterThenChain(a, b) || Number(b.parent === GENESIS_HEAD) - Number(a.parent === GENESIS_HEAD),
    );
  const gaps: LedgerGap[] = [];

  /** Picks the branch to follow where several states were written over one, marking the others. */
  function chooseBranch(parent: StateNode | undefined, candidates: StateNode[], forkKey: string): StateNode {
    let kids = candidates;
    if (parent) {
      // An unconfirmed write that nothing was written over, beside one that was: it never reached the card
      // (the terminal said so at the time); not booked, and no clone.
      const notLanded = kids.filter(unlanded);
      const landed = kids.filter((k) => !notLanded.includes(k));
      if (notLanded.length > 0 && landed.length > 0) {
        for (const k of notLanded) mark(k, "superseded");
        if (landed.length === 1) return landed[0]!;
        kids = landed;
      }
      const recovered = kids.filter((k) => isTearRecovery(k, parent));
      const lost = recovered.length === 1 ? lostTo(recovered[0]!) : [];
      if (recovered.length === 1 && lost.length > 0) {
        for (const k of kids) if (k !== recovered[0]) mark(k, "superseded");
        return recovered[0]!;
      }
    }
    const reissues = kids.filter((k) => k.event.op === "reissue");
    const chosen =
      reissues.length === 1
        ? reissues[0]!
        : [...kids].sort((a, b) => subtreeMax(b) - subtreeMax(a) || byString(a.chain, b.chain))[0]!;
    const others = kids.filter((k) => k !== chosen);
    const atStake = others.flatMap(subtree).reduce((sum, s) => sum + s.event.amount, 0);
    raise({
      key: forkKey,
      kind: "clone_replay",
      eventIds: kids.map((k) => k.event.eventId),
      terminalIds: kids.map((k) => k.event.terminalId),
      counter: parent ? parent.event.counterAfter + 1 : 1,
      amount: atStake,
      detail: parent
        ? `${kids.length} different states were written over counter ${parent.event.counterAfter}: the card was cloned or replayed. The history follows ${chosen.event.eventId}; ${atStake} moved on the other branch(es).`
        : `${kids.length} cards were issued with this card id: the id was cloned or reused. The history follows ${chosen.event.eventId}.`,
    });
    for (const k of others) mark(k, "forked");
    return chosen;
  }

  const path: StateNode[] = [];
  const issues = roots.filter((r) => r.parent === GENESIS_HEAD && r.event.op === "issue");
  let current: StateNode | undefined =
    issues.length > 1
      ? chooseBranch(undefined, issues, `clone_replay:${cardId}:issue`)
      : (issues[0] ?? roots[0]);
  if (current && issues.length === 0) {
    const first = current.event;
    const flagAt = first.writtenAt + window;
    if (ctx.now >= flagAt) {
      raise({
        key: `unknown_card:${cardId}`,
        kind: "unknown_card",
        eventIds: [first.eventId],
        terminalIds: [first.terminalId],
        counter: first.counterAfter,
        amount: null,
        detail: `No issue of this card has been received; its known history starts at counter ${first.counterAfter}.`,
      });
    } else {
      const toCounter = Math.max(1, first.counterBefore ?? first.counterAfter - 1);
      gaps.push({ fromCounter: 1, toCounter, beforeEventId: first.eventId, flagAt });
    }
  }
  while (current) {
    path.push(current);
    settlement.set(current.chain, "settled");
    const kids = childrenOf(current).filter((k) => !settlement.has(k.chain));
    if (kids.length > 0) {
      current =
        kids.length === 1 ? kids[0] : chooseBranch(current, kids, `clone_replay:${cardId}:${current.chain}`);
      continue;
    }
    const head: StateNode = current;
    const next = roots.find(
      (r) => !settlement.has(r.chain) && r.event.counterAfter > head.event.counterAfter,
    );
    if (!next) break;
    openGap(head, next);
    current = next;
  }

  function openGap(head: StateNode, next: StateNode): void {
    const e = next.event;
    const parentCounter = e.counterBefore ?? 0;
    const fromCounter = Math.min(head.event.counterAfter + 1, parentCounter);
    const toCounter = parentCounter;
    const flagAt = e.writtenAt + window;
    if (ctx.now < flagAt) {
      gaps.push({ fromCounter, toCounter, beforeEventId: e.eventId, flagAt });
      return;
    }
    if (parentCounter > head.event.counterAfter) {
      raise({
        key: `missing_events:${cardId}:${fromCounter}-${toCounter}`,
        kind: "missing_events",
        eventIds: [head.event.eventId, e.eventId],
        terminalIds: [head.event.terminalId, e.terminalId],
        counter: fromCounter,
        amount: null,
        detail: `Counter(s) ${fromCounter}${toCounter > fromCounter ? `–${toCounter}` : ""} never arrived within ${window} s; balances across the gap are unchecked.`,
      });
    } else {
      raise(
        chainBreak(
          cardId,
          e,
          [head.event],
          `History does not chain: counter ${e.counterAfter} was written over a state at counter ${parentCounter} that is not the card's.`,
        ),
      );
    }
  }

  // States off the path whose parent never arrived: held open inside the window, then broken chains.
  for (const root of roots) {
    if (settlement.has(root.chain)) continue;
    const e = root.event;
    const flagAt = e.writtenAt + window;
    if (ctx.now < flagAt) {
      gaps.push({
        fromCounter: e.counterBefore ?? 1,
        toCounter: e.counterBefore ?? 1,
        beforeEventId: e.eventId,
        flagAt,
      });
      mark(root, "pending");
    } else {
      raise(
        chainBreak(
          cardId,
          e,
          [],
          `State at counter ${e.counterAfter} was written over a state the card's history does not hold.`,
        ),
      );
      mark(root, "forked");
    }
  }

  // --- Output ---------------------------------------------------------------------------------------
  const allFlags = [...flags.values()].sort((a, b) => byString(a.key, b.key));
  const flagsOf = new Map<string, FlagKind[]>();
  for (const flag of allFlags)
    for (const id of flag.eventIds) flagsOf.set(id, [...new Set([...(flagsOf.get(id) ?? []), flag.kind])]);
  const onPath = new Set(path.map((n) => n.chain));
  const offPath = [...nodes.values()].filter((n) => !onPath.has(n.chain)).sort(byCounterThenChain);
  const entries: LedgerEntry[] = [...path, ...offPath].map((node) => {
    const e = node.event;
    const parent = parentOf(node);
    return {
      eventId: e.eventId,
      sameStateEventIds: node.events.slice(1).map((x) => x.eventId),
      counter: e.counterAfter,
      op: e.op,
      amount: e.amount,
      balanceBefore: parent ? parent.event.balanceAfter : null,
      balanceAfter: e.balanceAfter,
      chain: node.chain,
      writtenAt: e.writtenAt,
      status: e.status,
      terminalId: e.terminalId,
      terminalNumber: e.terminalNumber,
      grantId: e.grantId,
      outcome: e.outcome,
      recovered: e.recovered,
      settlement: settlement.get(node.chain) ?? "pending",
      flags: [...new Set(node.events.flatMap((x) => flagsOf.get(x.eventId) ?? []))].sort(byString),
    };
  });
  const head = path.at(-1) ?? roots[0]!;
  return {
    restore: restoreBasis(head, unlanded(head) ? path.at(-2) : undefined),
    cardId,
    balance: head.event.balanceAfter,
    counter: head.event.counterAfter,
    chain: head.chain,
    status: head.event.status,
    headEventId: head.event.eventId,
    issued: path.length > 0 && path[0]!.parent === GENESIS_HEAD,
    eventCount: events.length,
    lastWrittenAt: Math.max(...events.map((e) => e.writtenAt)),
    gaps: gaps.sort((a, b) => a.fromCounter - b.fromCounter || byString(a.beforeEventId, b.beforeEventId)),
    entries,
    flags: allFlags,
  };
}

/**
 * The state a station restores from: the head, or `before` — passed only when the head is an unconfirmed
 * write nothing was written over — when it is the state the head was written over.
 */
function restoreBasis(head: StateNode, before: StateNode | undefined): RestoreBasis {
  const e = head.event;
  const unconfirmed = before !== undefined && before.chain === head.parent;
  const basis = unconfirmed ? before : head;
  return {
    balance: basis.event.balanceAfter,
    counter: basis.event.counterAfter,
    chain: basis.chain,
    status: basis.event.status,
    unconfirmed: unconfirmed
      ? {
          eventId: e.eventId,
          op: e.op,
          amount: e.amount,
          counter: e.counterAfter,
          balanceAfter: e.balanceAfter,
        }
      : null,
  };
}

const described = (nodes: readonly StateNode[]) =>
  nodes.map((s) => `${s.event.op} ${s.event.amount} (${s.event.eventId})`).join(", ");

/** A write over a recovered card skips one counter so the state that may have been lost keeps its number. */
function isTearRecovery(node: StateNode, parent: StateNode): boolean {
  return node.event.recovered && node.event.counterAfter === parent.event.counterAfter + 2;
}

/** A flag as the checks raise it, before it is tied to its card. */
export type RaisedFlag = Omit<LedgerFlag, "cardId">;

/** A raised flag as stored: on its card, with its events and terminals in one order whatever raised it. */
export function ledgerFlag(cardId: string, flag: RaisedFlag): LedgerFlag {
  return { ...flag, cardId, eventIds: unique(flag.eventIds), terminalIds: unique(flag.terminalIds) };
}

/**
 * The one way a `chain_break` is written: keyed by the event whose state does not chain, naming the events
 * it was checked against first. Two reasons for one event (an edge that does not chain, a parent that is
 * not the card's) therefore land on the same flag.
 */
function chainBreak(
  cardId: string,
  e: LedgerEvent,
  against: readonly LedgerEvent[],
  detail: string,
): RaisedFlag {
  return {
    key: `chain_break:${cardId}:${e.eventId}`,
    kind: "chain_break",
    eventIds: [...against.map((x) => x.eventId), e.eventId],
    terminalIds: [...against.map((x) => x.terminalId), e.terminalId],
    counter: e.counterAfter,
    amount: null,
    detail,
  };
}

/** Checks on a state written over the genesis head: only an issue may, and a card is issued empty. */
export function issueFlags(cardId: string, e: LedgerEvent): RaisedFlag[] {
  const flags: RaisedFlag[] = [];
  if (e.op !== "issue" && e.op !== "reissue")
    flags.push(
      chainBreak(cardId, e, [], `A ${e.op} chains from the genesis head, which only an issue may do.`),
    );
  if (e.op === "issue" && (e.balanceAfter !== 0 || e.counterAfter !== 1)) {
    flags.push({
      key: `balance_break:${cardId}:${e.eventId}`,
      kind: "balance_break",
      eventIds: [e.eventId],
      terminalIds: [e.terminalId],
      counter: e.counterAfter,
      amount: e.balanceAfter,
      detail: `Issued at counter ${e.counterAfter} with a balance of ${e.balanceAfter}; a card is issued empty at counter 1 and value enters only by top-ups.`,
    });
  }
  return flags;
}

/** Checks on one edge of the card's state tree: counters step, value is conserved, blocked cards stay read-only. */
export function edgeFlags(cardId: string, p: LedgerEvent, e: LedgerEvent): RaisedFlag[] {
  const flags: RaisedFlag[] = [];
  const terminals = [p.terminalId, e.terminalId];
  const step = e.counterAfter - p.counterAfter;
  const chainProblems: string[] = [];
  if (!(step === 1 || (step === 2 && (e.recovered || e.op === "reissue"))))
    chainProblems.push(`the counter moves from ${p.counterAfter} to ${e.counterAfter}`);
  if (e.counterBefore !== p.counterAfter)
    chainProblems.push(
      `the terminal reported counter ${e.counterBefore} before, the card held ${p.counterAfter}`,
    );
  if (chainProblems.length > 0)
    flags.push(chainBreak(cardId, e, [p], `History does not chain: ${chainProblems.join("; ")}.`));
  const expected = expectedBalanceAfter(e.op, p.balanceAfter, e.amount);
  const valueProblems: string[] = [];
  if (expected === undefined) valueProblems.push(`a ${e.op} of ${e.amount} cannot follow an existing state`);
  else if (expected !== e.balanceAfter)
    valueProblems.push(
      `${p.balanceAfter} ${e.op} ${e.amount} should leave ${expected}, the card was written with ${e.balanceAfter}`,
    );
  if (e.balanceBefore !== null && e.balanceBefore !== p.balanceAfter)
    valueProblems.push(
      `the terminal reported a balance of ${e.balanceBefore} before, the card held ${p.balanceAfter}`,
    );
  if (valueProblems.length > 0) {
    flags.push({
      key: `balance_break:${cardId}:${e.eventId}`,
      kind: "balance_break",
      eventIds: [p.eventId, e.eventId],
      terminalIds: terminals,
      counter: e.counterAfter,
      amount: expected === undefined ? e.balanceAfter : Math.abs(e.balanceAfter - expected),
      detail: `Value is not conserved: ${valueProblems.join("; ")}.`,
    });
  }
  if (p.status !== "active" && e.op !== "reissue") {
    flags.push({
      key: `out_of_scope:${cardId}:${e.eventId}:over-blocked`,
      kind: "out_of_scope",
      eventIds: [p.eventId, e.eventId],
      terminalIds: terminals,
      counter: e.counterAfter,
      amount: e.amount,
      detail: `A ${e.op} was written over a card blocked (${p.status}) at counter ${p.counterAfter}; a blocked card is read-only.`,
    });
  }
  return flags;
}

const AUTHORISED: Readonly<Record<AuthorisedOperation, { kind: FlagKind; what: string }>> = {
  topup: { kind: "topup_unauthorised", what: "Top-up" },
  payout: { kind: "payout_unauthorised", what: "Pay-out" },
  reissue: { kind: "reissue_unauthorised", what: "Restore" },
};

function isAuthorisedOperation(op: LedgerEvent["op"]): op is AuthorisedOperation {
  return op in AUTHORISED;
}

/** What an event's authorisation covers: the value a top-up adds or a pay-out hands out, the balance a restore writes. */
function authorisedAmount(e: LedgerEvent): number {
  return e.op === "reissue" ? e.balanceAfter : e.amount;
}

/**
 * Matches top-ups, pay-outs and restores, in `order` (by counter), to online authorisations; `usedBy`
 * (authorisation id → event id) holds the matches already made by earlier states and is extended in place.
 */
export function matchAuthorisations(
  cardId: string,
  order: readonly LedgerEvent[],
  authorisations: ReadonlyMap<string, OnlineAuthorisation>,
  usedBy: Map<string, string>,
): { flags: RaisedFlag[]; usedBy: Map<string, string> } {
  const flags: RaisedFlag[] = [];
  for (const e of order) {
    if (!isAuthorisedOperation(e.op)) continue;
    const { kind, what } = AUTHORISED[e.op];
    const amount = authorisedAmount(e);
    const auth = e.authorisationId ? authorisations.get(e.authorisationId) : undefined;
    let problem: string | undefined;
    if (!e.authorisationId) problem = "it names no online authorisation";
    else if (!auth) problem = `authorisation ${e.authorisationId} does not exist`;
    else if (auth.op !== e.op) problem = `authorisation ${e.authorisationId} is for a ${auth.op}`;
    else if (auth.cardId !== cardId)
      problem = `authorisation ${e.authorisationId} is for card ${auth.cardId}`;
    else if (auth.amount !== amount)
      problem = `authorisation ${e.authorisationId} is for ${auth.amount}, the card was written with ${amount}`;
    else if (usedBy.has(auth.authorisationId))
      problem = `authorisation ${e.authorisationId} was already used by event ${usedBy.get(auth.authorisationId)}`;
    if (auth && !usedBy.has(auth.authorisationId) && problem === undefined)
      usedBy.set(auth.authorisationId, e.eventId);
    if (problem) {
      flags.push({
        key: `${kind}:${cardId}:${e.eventId}`,
        kind,
        eventIds: [e.eventId],
        terminalIds: [e.terminalId],
        counter: e.counterAfter,
        amount,
        detail: `${what} of ${amount} not matched to an authorisation: ${problem}.`,
      });
    }
  }
  return { flags, usedBy };
}

/** A card's spending in one day or week as the limit check left it: where a later write continues from. */
export interface PeriodSpending {
  kind: "over_daily_limit" | "over_weekly_limit";
  period: number;
  total: number;
  /** The writes past the limit so far, in spending order. */
  over: { eventId: string; terminalId: string; counter: number }[];
}

const LIMIT_PERIODS = [
  { kind: "over_daily_limit", period: utcDay, name: (d: number) => isoDate(d) },
  { kind: "over_weekly_limit", period: utcWeek, name: (w: number) => `the week of ${isoDate(w * 7 - 3)}` },
] as const;

/** Spending order: by the signed write time, then counter, then event id. */
export function bySpendingOrder(a: LedgerEvent, b: LedgerEvent): number {
  return a.writtenAt - b.writtenAt || a.counterAfter - b.counterAfter || byString(a.eventId, b.eventId);
}

/**
 * The per-card daily and weekly limits over `events` (any order), continuing from `carried` — the totals
 * of the periods the earlier writes ended in, when every event here sorts after them. Returns the flags of
 * every period these events spend in and each period's spending as it now stands.
 */
export function spendingLimits(
  cardId: string,
  events: readonly LedgerEvent[],
  limits: { daily: number; weekly: number },
  carried: readonly PeriodSpending[] = [],
): { flags: RaisedFlag[]; periods: PeriodSpending[] } {
  const spending = events.filter((e) => spentBy(e.op, e.amount) > 0).sort(bySpendingOrder);
  const flags: RaisedFlag[] = [];
  const periods: PeriodSpending[] = [];
  for (const { kind, period, name } of LIMIT_PERIODS) {
    const limit = kind === "over_daily_limit" ? limits.daily : limits.weekly;
    const byPeriod = new Map<number, PeriodSpending>();
    for (const c of carried) if (c.kind === kind) byPeriod.set(c.period, { ...c, over: [...c.over] });
    for (const e of spending) {
      const key = period(e.writtenAt);
      let state = byPeriod.get(key);
      if (!state) {
        state = { kind, period: key, total: 0, over: [] };
        byPeriod.set(key, state);
      }
      state.total += spentBy(e.op, e.amount);
      if (state.total > limit)
        state.over.push({ eventId: e.eventId, terminalId: e.terminalId, counter: e.counterAfter });
    }
    for (const state of byPeriod.values()) {
      periods.push(state);
      if (state.over.length === 0) continue;
      flags.push({
        key: `${kind}:${cardId}:${state.period}`,
        kind,
        eventIds: state.over.map((o) => o.eventId),
        terminalIds: state.over.map((o) => o.terminalId),
        counter: state.over[0]!.counter,
        amount: state.total,
        detail: `Spent ${state.total} on ${name(state.period)}, over the card limit of ${limit}.`,
      });
    }
  }
  return { flags, periods };
}

/** The anomalies found in one event on arrival (scope, grant, limits, revocation, clock), as flags. */
export function arrivalFlags(event: LedgerEvent): RaisedFlag[] {
  return event.eventFlags.map((flag) => ({
    key: `${flag.kind}:${event.eventId}`,
    kind: flag.kind,
    eventIds: [event.eventId],
    terminalIds: [event.terminalId],
    counter: event.counterAfter,
    amount: flag.amount ?? null,
    detail: flag.detail,
  }));
}
