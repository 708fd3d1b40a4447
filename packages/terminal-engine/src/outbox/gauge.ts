/**
 * What the screen and the reports say of the outbox — events waiting, taps still to confirm, the oldest
 * waiting event — kept in memory from the outbox as read at start-up. Every transaction that changes the
 * outbox reports what it changed once it has committed, so nothing recounts the store (thousands of events,
 * offline) on the way of a tap. It also knows which chips have taps to settle, so a read of any other
 * chip looks nothing up.
 *
 * Changes are applied in commit order: read-write transactions over these stores run one after another, and
 * each one's change is applied in the microtasks that follow its completion, before the next one completes.
 */
import type { OutboxRecord } from "../storage/records.ts";

export class OutboxGauge {
  #depth = 0;
  #oldestAt: number | null = null;
  /** Uncertain taps per chip UID (hex). */
  readonly #unsettled = new Map<string, number>();
  #unresolved = 0;

  /** From every record in the outbox, in seq order (start-up reads them all anyway). */
  static fromJournal(records: readonly OutboxRecord[]): OutboxGauge {
    const gauge = new OutboxGauge();
    gauge.#depth = records.length;
    // Events are numbered in the order they happened, so the lowest seq is the oldest.
    gauge.#oldestAt = records[0]?.at ?? null;
    for (const record of records) if (record.pending) gauge.#addTap(record.pending.uid);
    return gauge;
  }

  get depth(): number {
    return this.#depth;
  }

  /** Taps whose card write is not confirmed yet. */
  get unresolved(): number {
    return this.#unresolved;
  }

  get oldestAt(): number | null {
    return this.#oldestAt;
  }

  /** Whether this chip may have taps to settle; false means a read of it need look nothing up. */
  mayHaveUnsettled(uid: string): boolean {
    return this.#unsettled.has(uid);
  }

  /** A tap's event was stored with its unsettled write (the newest event there is). */
  tapStored(uid: string, at: number): void {
    if (this.#depth === 0) this.#oldestAt = at;
    this.#depth++;
    this.#addTap(uid);
  }

  /** Unsettled writes of this chip were settled: confirmed, voided, released or uploaded. */
  tapsSettled(uid: string, count = 1): void {
    const left = (this.#unsettled.get(uid) ?? 0) - count;
    this.#unresolved -= Math.min(count, this.#unsettled.get(uid) ?? 0);
    if (left > 0) this.#unsettled.set(uid, left);
    else this.#unsettled.delete(uid);
  }

  /** A settlement recorded in memory did not reach storage: the chip's tap is unsettled again. */
  tapsUnsettled(uid: string): void {
    this.#addTap(uid);
  }

  /** A lookup found no uncertain taps for this chip: forget any the gauge still thought it had. */
  noneFor(uid: string): void {
    this.tapsSettled(uid, this.#unsettled.get(uid) ?? 0);
  }

  /** An upload deleted acknowledged events; `oldestAt` is the oldest left, read in the same transaction. */
  eventsRemoved(count: number, oldestAt: number | null): void {
    this.#depth = Math.max(0, this.#depth - count);
    this.#oldestAt = this.#depth === 0 ? null : oldestAt;
  }

  #addTap(uid: string): void {
    this.#unsettled.set(uid, (this.#unsettled.get(uid) ?? 0) + 1);
    this.#unresolved++;
  }
}
