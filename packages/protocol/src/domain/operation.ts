/**
 * The card operations and terminal roles of the scheme. The numeric codes are written on cards and
 * into certificates (as bit positions), so they are part of the card layout and never renumbered.
 */
import { z } from "zod";

export const OPERATIONS = [
  "issue",
  "topup",
  "debit",
  "refund",
  "payout",
  "checkin",
  "checkout",
  "block",
  "reissue",
] as const;
export const Operation = z.enum(OPERATIONS);
export type Operation = z.infer<typeof Operation>;

/** On-card code of each operation (history entries, slot "last operation"). 0 means "none". */
export const OPERATION_CODE: Record<Operation, number> = {
  issue: 1,
  topup: 2,
  debit: 3,
  refund: 4,
  payout: 5,
  checkin: 6,
  checkout: 7,
  block: 8,
  reissue: 9,
};

export function operationFromCode(code: number): Operation | undefined {
  return OPERATIONS[code - 1];
}

/** A set of operations as the 16-bit mask carried in terminal certificates (bit n-1 for code n). */
export function operationsToMask(ops: readonly Operation[]): number {
  let mask = 0;
  for (const op of ops) mask |= 1 << (OPERATION_CODE[op] - 1);
  return mask;
}

export function maskToOperations(mask: number): Operation[] {
  return OPERATIONS.filter((op) => (mask & (1 << (OPERATION_CODE[op] - 1))) !== 0);
}

export function maskAllows(mask: number, op: Operation): boolean {
  return (mask & (1 << (OPERATION_CODE[op] - 1))) !== 0;
}

/** Operations that move value onto a card (value enters the scheme only here). */
export const CREDIT_OPERATIONS: readonly Operation[] = ["topup", "refund"];
/** Operations that move value off a card. */
export const DEBIT_OPERATIONS: readonly Operation[] = ["debit", "payout", "checkout", "checkin"];
/** Operations a station may perform only while online (authorised by the backend first). */
export const ONLINE_ONLY_OPERATIONS: readonly Operation[] = ["topup", "payout", "reissue"];

export const ROLES = ["pos", "gate", "station"] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** The operations each role can ever be granted; policy may narrow them, never widen them. */
export const ROLE_CEILING: Record<Role, readonly Operation[]> = {
  pos: ["debit", "refund", "block"],
  gate: ["checkin", "checkout", "block"],
  station: ["issue", "topup", "payout", "block", "reissue", "debit", "refund"],
};

/**
 * The balance a card state must hold after `op` moved `amount` from a state holding `before`: the one value
 * rule that card readers and reconciliation both apply. Undefined for an issue or a restore, whose balance does
 * not follow from the previous state by arithmetic.
 */
export function balanceAfterOperation(op: Operation, before: number, amount: number): number | undefined {
  switch (op) {
    case "topup":
    case "refund":
      return before + amount;
    case "debit":
    case "payout":
    case "checkin":
    case "checkout":
      return before - amount;
    case "block":
      return amount === 0 ? before : undefined;
    case "issue":
    case "reissue":
      return undefined;
  }
}
