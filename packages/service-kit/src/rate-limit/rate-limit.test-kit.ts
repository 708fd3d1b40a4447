/** A test double for a Workers Rate Limiting binding: counts per key within one window; `nextWindow()` starts another. */
import type { RateLimiter } from "./rate-limit.ts";

export class MemoryRateLimiter implements RateLimiter {
  readonly counts = new Map<string, number>();
  constructor(private readonly max: number) {}

  async limit({ key }: { key: string }) {
    const count = this.counts.get(key) ?? 0;
    if (count >= this.max) return { success: false };
    this.counts.set(key, count + 1);
    return { success: true };
  }

  nextWindow() {
    this.counts.clear();
  }
}
