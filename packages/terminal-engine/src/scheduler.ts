/**
 * Runs the engine's background jobs (grant refresh, sync, upload, reports) on the injectable clock: each
 * job runs alone, says when it wants to run next, and can be started early. Nothing here ever blocks a tap.
 */
import type { Clock, TimerHandle } from "./clock.ts";

/** A job does its work and returns the delay (ms) until its next run; it handles its own errors. */
export type Job = () => Promise<number>;

export class JobScheduler<Name extends string> {
  readonly #clock: Clock;
  readonly #jobs: Record<Name, Job>;
  readonly #timers = new Map<Name, TimerHandle>();
  readonly #running = new Map<Name, Promise<void>>();
  readonly #again = new Set<Name>();
  #stopped = true;

  constructor(clock: Clock, jobs: Record<Name, Job>) {
    this.#clock = clock;
    this.#jobs = jobs;
  }

  start(initialDelays: Partial<Record<Name, number>> = {}): void {
    this.#stopped = false;
    for (const name of Object.keys(this.#jobs) as Name[]) this.schedule(name, initialDelays[name] ?? 0);
  }

  stop(): void {
    this.#stopped = true;
    for (const handle of this.#timers.values()) this.#clock.clearTimer(handle);
    this.#timers.clear();
  }

  get running(): boolean {
    return !this.#stopped;
  }

  schedule(name: Name, delayMs: number): void {
    if (this.#stopped) return;
    const existing = this.#timers.get(name);
    if (existing !== undefined) this.#clock.clearTimer(existing);
    this.#timers.set(
      name,
      this.#clock.setTimer(() => this.run(name), Math.max(0, delayMs)),
    );
  }

  /** Runs a job now (or right after its current run), whatever its timer said. */
  run(name: Name): Promise<void> {
    const current = this.#running.get(name);
    if (current) {
      this.#again.add(name);
      return current;
    }
    const timer = this.#timers.get(name);
    if (timer !== undefined) this.#clock.clearTimer(timer);
    this.#timers.delete(name);
    const run = (async () => {
      let delay: number;
      try {
        delay = await this.#jobs[name]();
      } catch {
        // Jobs report their own errors; one that throws anyway is retried after a pause, not lost.
        delay = 60_000;
      }
      this.#running.delete(name);
      if (this.#again.delete(name)) delay = 0;
      this.schedule(name, delay);
    })();
    this.#running.set(name, run);
    return run;
  }

  /** Resolves once no job is running. */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running.values()]);
  }
}
