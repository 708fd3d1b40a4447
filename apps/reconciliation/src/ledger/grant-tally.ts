/**
 * A session grant's cumulative offline limits (value and count per grant) as a pure function of the writes a
 * terminal made under it, kept as a running tally so an upload adds its own writes without reading the
 * grant's earlier ones back.
 *
 * What counts is what the terminal's own check counts (`applyOperation`): every booked write that is not
 * online-only, one each, and the value it moved (`offlineValue`). The writes are ordered by the terminal's
 * sequence number (`seq`, gapless per terminal; event id breaks a tie), not by arrival or card, and the
 * writes beyond the limit are the one whose running count or value first passes a limit and every write
 * after it — running totals only grow, so once past, every later write is past too, and the set of writes
 * beyond it only grows as more writes arrive, in whatever order.
 *
 * A terminal past its grant may go on writing for a long time, so the flag names the first writes beyond it
 * (`MAX_LISTED_BEYOND`, in sequence order) and counts the rest: what an upload stores stays bounded.
 *
 * Order matters only once a limit is passed: while the totals stay within both limits no write is beyond
 * them, whatever the order, so the tally is then plain addition (commutative: concurrent uploads need not
 * serialise). Past a limit the tally needs every earlier write in order; it continues from the stored one
 * when the new writes all come after it, and is rebuilt from all of the grant's writes otherwise.
 */
import type { Operation } from "@tessera/protocol";
import type { RaisedFlag } from "./reconcile-card.ts";
import { countsOffline, offlineValue } from "./value.ts";

/** A grant's cumulative offline limits, from its claims (`limits.cumulativeCount`, `limits.cumulativeValue`). */
export interface GrantLimits {
  count: number;
  value: number;
}

/** A place in a terminal's write order. */
export interface SequencePosition {
  seq: number;
  eventId: string;
}

/** One write as the tally counts it. */
export interface GrantWrite extends SequencePosition {
  value: number;
}

/** Writes beyond a grant's limits that its flag names; later ones are counted, not listed. */
export const MAX_LISTED_BEYOND = 100;

/** A grant's running totals, and the writes beyond its limits (none while within them). */
export interface GrantTally {
  count: number;
  value: number;
  /** The latest write counted, in sequence order; null before the first. */
  last: SequencePosition | null;
  /** How many writes are beyond the limits. */
  beyondCount: number;
  /** The first of them in sequence order, at most `MAX_LISTED_BEYOND`. */
  beyond: SequencePosition[];
}

export const EMPTY_TALLY: GrantTally = { count: 0, value: 0, last: null, beyondCount: 0, beyond: [] };

/** The write an event counts as, or null when it does not count (online-only operations). */
export function grantWriteOf(event: {
  eventId: string;
  seq: number;
  op: Operation;
  amount: number;
}): GrantWrite | null {
  if (!countsOffline(event.op)) return null;
  return { eventId: event.eventId, seq: event.seq, value: offlineValue(event.op, event.amount) };
}

export function bySequence(a: SequencePosition, b: SequencePosition): number {
  return a.seq - b.seq || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);
}

function laterOf(a: SequencePosition | null, b: SequencePosition | null): SequencePosition | null {
  if (!a) return b;
  if (!b) return a;
  return bySequence(a, b) >= 0 ? a : b;
}

function position(write: SequencePosition): SequencePosition {
  return { seq: write.seq, eventId: write.eventId };
}

/** Continues `from` by `writes`, every one of which comes after `from.last` in sequence order. */
function continueTally(from: GrantTally, writes: readonly GrantWrite[], limits: GrantLimits): GrantTally {
  let { count, value, last, beyondCount } = from;
  const beyond = [...from.beyond];
  for (const write of [...writes].sort(bySequence)) {
    count += 1;
    value += write.value;
    last = position(write);
    if (beyondCount > 0 || count > limits.count || value > limits.value) {
      beyondCount += 1;
      if (beyond.length < MAX_LISTED_BEYOND) beyond.push(position(write));
    }
  }
  return { count, value, last, beyondCount, beyond };
}

/** Whether a write the tally counts is beyond the limits: every write from the first beyond on is. */
export function isBeyond(tally: GrantTally, write: SequencePosition): boolean {
  const first = tally.beyond[0];
  return first !== undefined && bySequence(write, first) >= 0;
}

/** The tally of all of a grant's writes (any order). */
export function tallyWrites(writes: readonly GrantWrite[], limits: GrantLimits): GrantTally {
  return continueTally(EMPTY_TALLY, writes, limits);
}

/** The totals of `tally` plus `writes`, which is the whole tally while it stays within the limits. */
export function addWrites(tally: GrantTally, writes: readonly GrantWrite[]): GrantTally {
  let { count, value, last } = tally;
  for (const write of writes) {
    count += 1;
    value += write.value;
    last = laterOf(last, position(write));
  }
  return { count, value, last, beyondCount: tally.beyondCount, beyond: tally.beyond };
}

export function withinLimits(tally: Pick<GrantTally, "count" | "value">, limits: GrantLimits): boolean {
  return tally.count <= limits.count && tally.value <= limits.value;
}

/**
 * How a stored tally takes new writes:
 * - `add`: the totals stay within the limits (or the limits are not known yet): plain addition;
 * - `continue`: past a limit, and the new writes all follow the stored ones: `tally` is the result;
 * - `rebuild`: past a limit, but the stored tally cannot say which writes are beyond it (a new write comes
 *   before a stored one, or the stored tally was kept without the limits): tally all of the grant's writes.
 * `judged` says whether the stored `beyond` was computed with the limits (false while they were unknown).
 */
export type TallyStep =
  | { kind: "add"; tally: GrantTally }
  | { kind: "continue"; tally: GrantTally }
  | { kind: "rebuild" };

export function stepTally(
  stored: GrantTally,
  judged: boolean,
  incoming: readonly GrantWrite[],
  limits: GrantLimits | null,
): TallyStep {
  const added = addWrites(stored, incoming);
  if (limits === null || withinLimits(added, limits)) return { kind: "add", tally: added };
  const inOrder = stored.last === null || incoming.every((w) => bySequence(w, stored.last!) > 0);
  // A stored tally within the limits has no write beyond them, whether or not it was kept with them.
  if ((judged || withinLimits(stored, limits)) && inOrder)
    return { kind: "continue", tally: continueTally(stored, incoming, limits) };
  return { kind: "rebuild" };
}

/** The one flag a grant past its limits raises, keyed by terminal and grant; null while within them. */
export function grantLimitFlag(
  terminalId: string,
  grantId: string,
  tally: GrantTally,
  limits: GrantLimits,
): RaisedFlag | null {
  if (tally.beyondCount === 0) return null;
  const first = tally.beyond[0]!;
  const listed = tally.beyond.length < tally.beyondCount ? ` (the first ${tally.beyond.length} listed)` : "";
  const passed = [
    ...(tally.count > limits.count ? [`${limits.count} writes`] : []),
    ...(tally.value > limits.value ? [`a value of ${limits.value}`] : []),
  ].join(" and ");
  return {
    key: `over_grant_limit:${terminalId}:${grantId}`,
    kind: "over_grant_limit",
    eventIds: tally.beyond.map((p) => p.eventId),
    terminalIds: [terminalId],
    counter: null,
    amount: tally.value,
    detail: `Grant ${grantId} allows ${limits.count} offline writes moving at most ${limits.value}; terminal ${terminalId} made ${tally.count} moving ${tally.value}, past ${passed}. The ${tally.beyondCount} write(s) from sequence ${first.seq} on are beyond the grant${listed}.`,
  };
}
