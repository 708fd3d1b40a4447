/** A clock that moves only when told to, running the timers that fall due and waiting for their work. */
import type { Clock, TimerHandle } from "../clock.ts";

interface Timer {
  at: number;
  callback: () => unknown;
}

export class ManualClock implements Clock {
  #now: number;
  #nextId = 1;
  readonly #timers = new Map<number, Timer>();

  constructor(startMs: number) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  setTimer(callback: () => unknown, delayMs: number): TimerHandle {
    const id = this.#nextId++;
    this.#timers.set(id, { at: this.#now + Math.max(0, delayMs), callback });
    return id;
  }

  clearTimer(handle: TimerHandle): void {
    this.#timers.delete(handle as number);
  }

  /** Timers waiting to fire, soonest first (epoch ms). */
  pending(): number[] {
    return [...this.#timers.values()].map((timer) => timer.at).sort((a, b) => a - b);
  }

  /**
   * Moves time forward by `ms`. Each timer that falls due runs at its own instant, in order, and the work
   * it returns is awaited before the next one, so jobs finish "in time" however long they really take.
   */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    for (let fired = 0; ; fired++) {
      if (fired > 10_000) throw new Error("timers keep re-arming at the same instant");
      let dueId: number | undefined;
      let due: Timer | undefined;
      for (const [id, timer] of this.#timers) {
        if (timer.at <= target && (!due || timer.at < due.at)) {
          dueId = id;
          due = timer;
        }
      }
      if (dueId === undefined || !due) break;
      this.#timers.delete(dueId);
      this.#now = Math.max(this.#now, due.at);
      await due.callback();
    }
    this.#now = target;
  }

  /** Moves time to an absolute instant (epoch ms). */
  advanceTo(ms: number): Promise<void> {
    return this.advance(Math.max(0, ms - this.#now));
  }
}
