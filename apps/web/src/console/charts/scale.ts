// Axis arithmetic for the console's SVG charts: a "nice" upper bound and evenly spaced ticks.

/** The smallest 1, 2 or 5 × 10ⁿ at or above `value` (1 for an empty or zero series). */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) {
    if (step * magnitude >= value) return step * magnitude;
  }
  return 10 * magnitude;
}

/** `count + 1` tick values from 0 to `max`, inclusive. */
export function ticks(max: number, count = 4): number[] {
  return Array.from({ length: count + 1 }, (_, i) => (max * i) / count);
}

/** Maps a value in [0, max] to a y coordinate in a plot `height` tall (SVG y grows downwards). */
export function yFor(value: number, max: number, height: number): number {
  return height - (Math.max(0, value) / max) * height;
}
