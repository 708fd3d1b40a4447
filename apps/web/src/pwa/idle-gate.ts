// Decides when the screen is idle enough to swap in a new app version without interrupting
// someone mid-tap or mid-form: no input for a quiet period and nobody holding updates back.

export interface IdleGate {
  /** Records user input (a touch, click or key) at `at` (ms since epoch). */
  noteActivity(at: number): void;
  /** Keeps updates out until the returned release function is called, e.g. during a card write. */
  hold(): () => void;
  isIdle(at: number): boolean;
}

export function createIdleGate({ quietMs, startedAt }: { quietMs: number; startedAt: number }): IdleGate {
  let lastActivityAt = startedAt;
  let holds = 0;
  return {
    noteActivity(at) {
      lastActivityAt = Math.max(lastActivityAt, at);
    },
    hold() {
      holds += 1;
      let released = false;
      return () => {
        // Releasing twice must not cancel someone else's hold.
        if (released) return;
        released = true;
        holds -= 1;
      };
    },
    isIdle(at) {
      return holds === 0 && at - lastActivityAt >= quietMs;
    },
  };
}
