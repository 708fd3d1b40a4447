/** Exponential backoff with jitter, so a fleet that lost the backend at once does not return at once. */

export interface BackoffOptions {
  /** Delay of the first retry, before jitter. */
  baseMs: number;
  /** The delay never grows past this, before jitter. */
  maxMs: number;
}

/**
 * The delay before retry number `attempt` (0 for the first): base × 2^attempt capped at max, of which a
 * random half is kept ("equal jitter"). Half is always waited, so a failing backend is never hammered;
 * the other half spreads terminals apart.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(attempt, 52));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/** The attempt count of one retried activity. */
export class Backoff {
  #attempt = 0;
  readonly #options: BackoffOptions;
  readonly #random: () => number;

  constructor(options: BackoffOptions, random: () => number) {
    this.#options = options;
    this.#random = random;
  }

  /** Failures since the last success. */
  get attempt(): number {
    return this.#attempt;
  }

  /** Records a failure and says how long to wait before the next try. */
  fail(): number {
    return backoffDelay(this.#attempt++, this.#options, this.#random);
  }

  succeed(): void {
    this.#attempt = 0;
  }
}
