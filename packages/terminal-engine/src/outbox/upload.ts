/**
 * Uploads the outbox in batches. A batch is chosen once, stored with its Idempotency-Key, and retried
 * byte for byte under that key until the server answers it, across reloads and crashes; only then is a
 * new batch formed. Events leave the outbox only when a result names them (`deletableFromOutbox`), so
 * a lost acknowledgement costs a resend the server recognises, never an event.
 */
import { deletableFromOutbox, ReconcileResult, type TerminalEvent } from "@tessera/protocol";
import { BackendError } from "../backend/backend-client.ts";
import { PATHS } from "../backend/contract.ts";
import { EngineError } from "../errors.ts";
import { grantCredentials, nowSeconds, publishOutbox, type Runtime } from "../runtime.ts";
import { CURRENT, inTransaction } from "../storage/database.ts";
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
    await inTransaction(rt.db, ["outbox", "uncertainTaps", "pendingBatch"], "readwrite", async (tx) => {
      for (const id of deletable) {
        await tx.objectStore("outbox").delete(id);
        await tx.objectStore("uncertainTaps").delete(id);
      }
      await tx.objectStore("pendingBatch").delete(CURRENT);
    });
    summary.batches++;
    summary.settled += deletable.length;
    rt.lastUploadAt = nowSeconds(rt);
    await publishOutbox(rt);
    size = batchSize;
    // The server named none of what it was sent: asking again at once would only loop.
    if (deletable.length === 0) break;
  }
  return summary;
}
