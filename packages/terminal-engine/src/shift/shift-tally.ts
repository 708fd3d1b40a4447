/**
 * The end-of-shift tally: what this terminal did since the operator opened the shift — totals by operation,
 * cash taken for top-ups and paid out, taps still to confirm, refusals by reason. It changes in the same
 * IndexedDB transaction as the events it counts, so a crash can never leave a tap in the outbox but out of
 * the tally, or the other way round. The counting is pure; `tap.ts` and `settle.ts` store it.
 *
 * A tap is counted as "to confirm" when its event becomes durable (before the card is written), and moves to
 * its operation's total only when the write is confirmed — at once by the read-back, or at the card's next
 * read. A write proven never to have landed (void) leaves the tally as if the tap had not happened.
 */
import type { Operation, TerminalEvent } from "@tessera/protocol";

export interface OperationTotal {
  count: number;
  /** Minor units moved by these operations. */
  amount: number;
}

export interface ShiftTally {
  /** Names the shift, so a tap settled after its shift was closed is not counted in the next one. */
  id: string;
  /** Epoch milliseconds. */
  openedAt: number;
  totals: Partial<Record<Operation, OperationTotal>>;
  /** Cash the operator took for top-ups, and paid out for pay-outs, in minor units. */
  cashIn: number;
  cashOut: number;
  /** Taps whose card write is not confirmed yet (in flight, or waiting for the card's next read). */
  uncertain: number;
  /** Refused taps by refusal code. */
  refused: Record<string, number>;
}

export interface ClosedShift extends ShiftTally {
  /** Epoch milliseconds. */
  closedAt: number;
}

export function openShift(id: string, openedAt: number): ShiftTally {
  return { id, openedAt, totals: {}, cashIn: 0, cashOut: 0, uncertain: 0, refused: {} };
}

/** Nothing counted yet: a fresh shift another tally may replace without losing a tap. */
export function isEmptyShift(shift: ShiftTally): boolean {
  return (
    shift.uncertain === 0 && Object.keys(shift.totals).length === 0 && Object.keys(shift.refused).length === 0
  );
}

/** The event of a tap became durable: it is to be confirmed. */
export function countPending(shift: ShiftTally): ShiftTally {
  return { ...shift, uncertain: shift.uncertain + 1 };
}

/**
 * A pending tap's write was confirmed: it leaves "to confirm" and joins its operation's total. The amount is
 * the event's (a pay-out's event carries the whole balance it took off the card).
 */
export function countConfirmed(shift: ShiftTally, event: Pick<TerminalEvent, "op" | "amount">): ShiftTally {
  return addTotal(countVoided(shift), event);
}

/** Undoes countConfirmed, when the write that recorded the confirmation failed: the tap is to confirm again. */
export function uncountConfirmed(shift: ShiftTally, event: Pick<TerminalEvent, "op" | "amount">): ShiftTally {
  const total = shift.totals[event.op] ?? { count: 0, amount: 0 };
  const totals = { ...shift.totals };
  if (total.count <= 1) delete totals[event.op];
  else totals[event.op] = { count: total.count - 1, amount: total.amount - event.amount };
  return {
    ...countPending(shift),
    totals,
    cashIn: shift.cashIn - (event.op === "topup" ? event.amount : 0),
    cashOut: shift.cashOut - (event.op === "payout" ? event.amount : 0),
  };
}

/** A pending tap's write provably never reached the card: it moved nothing. */
export function countVoided(shift: ShiftTally): ShiftTally {
  return { ...shift, uncertain: Math.max(0, shift.uncertain - 1) };
}

export function countRefused(shift: ShiftTally, code: string): ShiftTally {
  return { ...shift, refused: { ...shift.refused, [code]: (shift.refused[code] ?? 0) + 1 } };
}

/** What an event adds to its shift's tally, by where it stands: for a tally rebuilt from stored events. */
export function countEvent(
  shift: ShiftTally,
  status: "pending_write" | "uncertain" | "confirmed" | "void",
  event: Pick<TerminalEvent, "op" | "amount">,
): ShiftTally {
  if (status === "confirmed") return addTotal(shift, event);
  return status === "void" ? shift : countPending(shift);
}

function addTotal(shift: ShiftTally, event: Pick<TerminalEvent, "op" | "amount">): ShiftTally {
  const total = shift.totals[event.op] ?? { count: 0, amount: 0 };
  return {
    ...shift,
    totals: { ...shift.totals, [event.op]: { count: total.count + 1, amount: total.amount + event.amount } },
    cashIn: shift.cashIn + (event.op === "topup" ? event.amount : 0),
    cashOut: shift.cashOut + (event.op === "payout" ? event.amount : 0),
  };
}
