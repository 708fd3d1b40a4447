/**
 * Runs taps in the order the seed drew them, many at once. A tap starts once every earlier tap at its
 * terminal and on its card has finished and fewer than `width` taps are in flight; a later tap whose terminal
 * and card are free does not wait behind an earlier one that must. Each terminal and each card so sees its
 * taps one at a time and in the drawn order, as in the field, and taps that share neither commute, so a
 * seed's outcome does not depend on which tap happens to finish first.
 */
export class TapWindow<Terminal, Card> {
  readonly #width: number;
  /** How far the drawing may run ahead of the taps: queued plus running. */
  readonly #lookahead: number;
  readonly #queued: { run: () => Promise<void>; ready: boolean; finished: () => void }[] = [];
  #running = 0;
  /** The newest tap submitted per terminal and per card, settled when it has finished. */
  readonly #lastAtTerminal = new Map<Terminal, Promise<void>>();
  readonly #lastOnCard = new Map<Card, Promise<void>>();
  #waiters: (() => void)[] = [];
  /** The first tap that threw: nothing new starts after it, and the next submit or drain rethrows it. */
  #failure: { error: unknown } | undefined;

  constructor(width: number, lookahead = width * 4) {
    if (!(Number.isInteger(width) && width >= 1)) throw new RangeError("a window holds at least one tap");
    this.#width = width;
    this.#lookahead = Math.max(width, lookahead);
  }

  /** Queues a tap; resolves once there is room to draw the next one (not when this one has run). */
  async submit(terminal: Terminal, card: Card, run: () => Promise<void>): Promise<void> {
    while (!this.#failure && this.#queued.length + this.#running >= this.#lookahead) await this.#change();
    if (this.#failure) throw this.#failure.error;
    let finished!: () => void;
    const done = new Promise<void>((resolve) => {
      finished = resolve;
    });
    const before = [this.#lastAtTerminal.get(terminal), this.#lastOnCard.get(card)];
    this.#lastAtTerminal.set(terminal, done);
    this.#lastOnCard.set(card, done);
    const entry = {
      run,
      ready: false,
      finished: () => {
        if (this.#lastAtTerminal.get(terminal) === done) this.#lastAtTerminal.delete(terminal);
        if (this.#lastOnCard.get(card) === done) this.#lastOnCard.delete(card);
        finished();
      },
    };
    this.#queued.push(entry);
    // Predecessors settle only once they have run (they never reject), so this tap then may start.
    void Promise.all(before).then(() => {
      entry.ready = true;
      this.#pump();
    });
  }

  /** Waits until every queued tap has run: what happens between taps (offline switches, attacks, uploads). */
  async drain(): Promise<void> {
    while (this.#running > 0 || (this.#queued.length > 0 && !this.#failure)) await this.#change();
    if (this.#failure) throw this.#failure.error;
  }

  /** Starts ready taps, oldest first, while there is room. */
  #pump(): void {
    while (!this.#failure && this.#running < this.#width) {
      const next = this.#queued.findIndex((entry) => entry.ready);
      if (next < 0) return;
      const [entry] = this.#queued.splice(next, 1);
      this.#running++;
      entry!
        .run()
        .catch((error: unknown) => {
          this.#failure ??= { error };
        })
        .finally(() => {
          this.#running--;
          entry!.finished();
          this.#pump();
          const waiters = this.#waiters;
          this.#waiters = [];
          for (const wake of waiters) wake();
        });
    }
  }

  #change(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
}
