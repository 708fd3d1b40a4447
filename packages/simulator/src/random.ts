/** The simulation's one source of chance: seeded, so a run's choices (cards, amounts, attacks) repeat exactly. */
import { mulberry32 } from "@tessera/protocol/virtual-card";

export class SeededRandom {
  readonly #next: () => number;

  constructor(seed: number) {
    this.#next = mulberry32(seed >>> 0);
  }

  /** A value in [0, 1). */
  next(): number {
    return this.#next();
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.#next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.#next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("cannot pick from nothing");
    return items[Math.floor(this.#next() * items.length)]!;
  }

  bytes(length: number): Uint8Array {
    return Uint8Array.from({ length }, () => Math.floor(this.#next() * 256));
  }

  /** An independent stream for one part of the run, so adding draws elsewhere does not reshuffle it. */
  fork(label: string): SeededRandom {
    let hash = 0x811c9dc5;
    for (const char of label) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
    return new SeededRandom((this.int(0, 0xffffffff) ^ hash) >>> 0);
  }
}

/** A chip UID as NXP burns them: 7 bytes, the first the manufacturer code 0x04. */
export function chipUid(random: SeededRandom): Uint8Array {
  const uid = random.bytes(7);
  uid[0] = 0x04;
  return uid;
}
