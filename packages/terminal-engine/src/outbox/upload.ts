/**
 * Uploads the outbox in batches. A batch is chosen once, stored with its Idempotency-Key, and retried
 * byte for byte under that key until the server answers it, across reloads and crashes; only then is a
 * new batch formed. Events leave the outbox only when a result names them (`deletableFromOutbox`), so
 * a lost acknowledgement costs a resend the server recognises, never an event.
 */
import { deletableFromOutbox, ReconcileResult, type TerminalEvent } from "@tessera/protocol";
import type { IDBPTransaction } from "idb";
import { BackendError } from "../backend/backend-client.ts";
import { PATHS } from "../backend/contract.ts";
import { EngineError } from "../errors.ts";
import { flushSettlements, grantCredentials, nowSeconds, publishOutbox, type Runtime } from "../runtime.ts";
import { countEvent } from "../shift/shift-tally.ts";
import { CURRENT, inTransaction, type TerminalSchema } from "../storage/database.ts";
import type { OutboxRecord, PendingBatchRecord } from "../storage/records.ts";

/** Whether an event may go up now: settled ones at once, unsettled ones once their hold has passed. */
export function uploadable(record: OutboxRecord, now: number): boolean {
  if (record.status === "confirmed" || record.status === "void") return true;
  return record.status === "uncertain" && record.heldUntil <= now;
}

/** The stored batch, or a new one of up to `size` events in seq order; undefined when nothing is due. */
async function batchToSend(rt: Runtime, size: number): Promise<PendingBatchRecord | undefined> {
  const now = nowSeconds(rt);
  return inTransaction(rt.db, ["outbox", "pendingBatch"], "readwrite", async (tx) => {
    const pending = tx.objectStore("pendingBatch");
    const stored = await pending.get(CURRENT);
    if (stored) return stored;
    const events: TerminalEvent[] = [];
    let cursor = await tx.objectStore("outbox").index("seq").openCursor();
    while (cursor && events.length < size) {
      if (uploadable(cursor.value, now)) events.push(cursor.value.event);
      cursor = await cursor.continue();
    }
    if (events.length === 0) return undefined;
    const batch: PendingBatchRecord = { key: crypto.randomUUID(), events, createdAt: now, attempts: 0 };
    await pending.put(batch, CURRENT);
    return batch;
  });
}

/** The stores an event's journal is folded into when it leaves the outbox. */
const JOURNAL_STORES = [
  "outbox",
  "sequence",
  "offlineUsage",
  "shift",
  "recentCounters",
  "cardStates",
] as const;

type JournalTransaction = IDBPTransaction<
  TerminalSchema,
  [...typeof JOURNAL_STORES, "pendingBatch"],
  "readwrite"
>;

/**
 * Takes these acknowledged events out of the outbox and moves what their records carry into the stores that
 * outlive them, in one transaction: the sequence mark, the current grant's offline usage, their part of the
 * open shift's tally and what the card memory learnt from them. Returns when the oldest event left happened.
 */
async function leaveOutbox(
  rt: Runtime,
  tx: JournalTransaction,
  records: readonly OutboxRecord[],
): Promise<number | null> {
  const outbox = tx.objectStore("outbox");
  if (records.length === 0) return (await outbox.index("seq").openCursor())?.value.at ?? null;
  const sequence = tx.objectStore("sequence");
  const usageStore = tx.objectStore("offlineUsage");
  const shiftStore = tx.objectStore("shift");
  const terminalId = records[0]!.event.terminalId;
  const grantId = rt.grant?.scope.grantId;
  const [stored, usage, shift] = await Promise.all([
    sequence.get(terminalId),
    grantId ? usageStore.get(grantId) : undefined,
    shiftStore.get(CURRENT),
  ]);
  // Every seq up to the mark has already left the outbox: an event at or below it was numbered twice, by a
  // second engine on this storage. Stop before anything leaves (the upload fails and says why).
  const mark = stored?.lastSeq ?? 0;
  const twice = records.find((record) => record.seq <= mark);
  if (twice) {
    throw new EngineError(
      "storage_shared",
      `event seq ${twice.seq} was numbered twice: is a second engine using this storage?`,
    );
  }
  await Promise.all(records.map((record) => outbox.delete(record.id)));
  const oldest = (await outbox.index("seq").openCursor())?.value;
  // Seqs are gapless and each enters the outbox, so all below the oldest event still here have left it.
  const left = oldest ? oldest.seq - 1 : Math.max(mark, ...records.map((record) => record.seq));
  const writes: Promise<unknown>[] = [sequence.put({ terminalId, lastSeq: Math.max(mark, left) })];
  // Usage only grows under a grant, so its event with the highest count carries it; other grants are history.
  const newest = records
    .flatMap((record) => (record.usage && record.usage.grantId === grantId ? [record] : []))
    .sort((a, b) => b.usage!.count - a.usage!.count)[0];
  if (newest?.usage && newest.usage.count > (usage?.count ?? -1))
    writes.push(usageStore.put({ ...newest.usage, updatedAt: newest.at }));
  if (shift) {
    let folded = shift;
    for (const record of records)
      if (record.shiftId === shift.id) folded = countEvent(folded, record.status, record.event);
    if (folded !== shift) writes.push(shiftStore.put(folded, CURRENT));
  }
  await Promise.all(writes);
  await rt.cards.persistJournal(
    { recentCounters: tx.objectStore("recentCounters"), cardStates: tx.objectStore("cardStates") },
    records,
  );
  return oldest?.at ?? null;
}

async function dropBatch(rt: Runtime): Promise<void> {
  await rt.db.delete("pendingBatch", CURRENT);
}

export interface UploadSummary {
  batches: number;
  /** Events the server settled and the outbox let go. */
  settled: number;
}

/** Codes after which the same batch must not be sent again as it is. */
const REBUILD_CODES = new Set(["idempotency_conflict", "batch_too_large", "payload_too_large"]);

/**
 * Sends batches until nothing is due. Throws on the first failure (the caller backs off); the stored
 * batch is then sent again, unchanged, next time.
 */
export async function uploadOutbox(rt: Runtime, maxBatches = 50): Promise<UploadSummary> {
  // Taps already shown go up as what they are, not as the pending writes storage still holds.
  await flushSettlements(rt);
  const summary: UploadSummary = { batches: 0, settled: 0 };
  const batchSize = rt.policy?.document.upload.batchSize ?? 100;
  let size = batchSize;
  for (let round = 0; round < maxBatches; round++) {
    const batch = await batchToSend(rt, size);
    if (!batch) break;
    const credentials = grantCredentials(rt);
    if (!credentials) throw new EngineError("no_grant", "uploads need a session grant in force");
    await rt.db.put("pendingBatch", { ...batch, attempts: batch.attempts + 1 }, CURRENT);

    let result: ReconcileResult;
    try {
      const response = await rt.client.send("reconciliation", "POST", PATHS.batches, {
        credentials,
        proof: true,
        body: { events: batch.events },
        headers: { "idempotency-key": batch.key },
      });
      result = ReconcileResult.parse(await response.json());
    } catch (error) {
      // The server refuses this batch as it stands (too big, or the key clashes): form a new one, smaller
      // if size was the problem. Its events are still in the outbox, so nothing is lost.
      if (error instanceof BackendError && REBUILD_CODES.has(error.code)) {
        await dropBatch(rt);
        if (error.code !== "idempotency_conflict") {
          if (batch.events.length === 1) throw error;
          size = Math.max(1, Math.floor(batch.events.length / 2));
        }
        continue;
      }
      throw error;
    }

    const sent = new Set(batch.events.map((event) => event.id));
    const deletable = deletableFromOutbox(result).filter((id) => sent.has(id));
    const removed = await inTransaction(
      rt.db,
      [...JOURNAL_STORES, "pendingBatch"],
      "readwrite",
      async (tx) => {
        const outbox = tx.objectStore("outbox");
        // What is really there before it goes (an answer may name an event twice, or one already gone), so the
        // stores and the gauge are told exactly what changed.
        const found = new Map<string, OutboxRecord>();
        for (const record of await Promise.all(deletable.map((id) => outbox.get(id))))
          if (record) found.set(record.id, record);
        const records = [...found.values()];
        const [oldestAt] = await Promise.all([
          leaveOutbox(rt, tx, records),
          tx.objectStore("pendingBatch").delete(CURRENT),
        ]);
        return { records, oldestAt };
      },
    );
    rt.outbox.eventsRemoved(removed.records.length, removed.oldestAt);
    for (const record of removed.records) if (record.pending) rt.outbox.tapsSettled(record.pending.uid);
    summary.batches++;
    summary.settled += deletable.length;
    rt.lastUploadAt = nowSeconds(rt);
    publishOutbox(rt);
    size = batchSize;
    // The server named none of what it was sent: asking again at once would only loop.
    if (deletable.length === 0) break;
  }
  return summary;
}
