/**
 * The reconciliation upload: a batch of signed events from one terminal's outbox, and the server's
 * verdict on each. Retries are safe (the `Idempotency-Key` header and event ids dedupe), so the
 * terminal deletes an event only once a result names it.
 */
import { z } from "zod";
import { FlagKind } from "../policy/flags.ts";
import { TerminalEvent } from "./terminal-event.ts";

export const MAX_EVENTS_PER_BATCH = 1000;

export const ReconcileBatch = z.looseObject({
  events: z.array(TerminalEvent).min(1).max(MAX_EVENTS_PER_BATCH),
});
export type ReconcileBatch = z.infer<typeof ReconcileBatch>;

export const RECONCILE_STATUSES = ["accepted", "duplicate", "flagged", "rejected"] as const;
export const ReconcileStatus = z
  .enum(RECONCILE_STATUSES)
  .describe(
    "accepted: booked; duplicate: already received; flagged: booked with anomalies; rejected: kept as evidence only",
  );
export type ReconcileStatus = z.infer<typeof ReconcileStatus>;

export const ReconcileEventResult = z.looseObject({
  eventId: z.string().min(1).max(64),
  status: ReconcileStatus,
  flags: z.array(FlagKind).optional(),
  code: z.string().min(1).max(64).optional().describe("Machine-readable reason for a rejection"),
  detail: z.string().max(500).optional(),
});
export type ReconcileEventResult = z.infer<typeof ReconcileEventResult>;

export const ReconcileResult = z.looseObject({
  batchId: z.string().min(1).max(128),
  receivedAt: z.int().min(0).max(0xffff_ffff).describe("When the server received the batch, epoch seconds"),
  results: z.array(ReconcileEventResult),
});
export type ReconcileResult = z.infer<typeof ReconcileResult>;

/**
 * Whether the terminal may drop an event with this status from its outbox. Every status is final:
 * the server has stored the event in each case. A rejected event is kept server-side as evidence
 * (its signature, scope or shape failed; the operator reviews it), and resending it would only
 * be rejected again while blocking the outbox behind it. Written as a table so a new status has to
 * be decided here before it compiles.
 */
const OUTBOX_DELETABLE: Record<ReconcileStatus, boolean> = {
  accepted: true,
  duplicate: true,
  flagged: true,
  rejected: true,
};

/** Ids of events the server has settled; events the result does not name stay for the next upload. */
export function deletableFromOutbox(result: ReconcileResult): string[] {
  const ids = new Set<string>();
  for (const { eventId, status } of result.results) if (OUTBOX_DELETABLE[status]) ids.add(eventId);
  return [...ids];
}
