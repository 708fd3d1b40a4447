/** Time as the engine sees it: injectable, so tests move it by hand instead of waiting or asserting on timing. */

export type TimerHandle = unknown;

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `callback` once after `delayMs`; a callback's returned promise is the work it started. */
  setTimer(callback: () => unknown, delayMs: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

/** setTimeout fires at once for delays past 2^31 - 1 ms (about 24.8 days), so longer waits are capped. */
const MAX_TIMER_MS = 2_147_483_647;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (callback, delayMs) => setTimeout(callback, Math.min(Math.max(0, delayMs), MAX_TIMER_MS)),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Epoch seconds, the unit of grants, cards and events. */
export function epochSeconds(clock: Clock): number {
  return Math.floor(clock.now() / 1000);
}
