/**
 * Where a run's torn writes land. A write rewrites the whole NDEF message page by page from the start: the
 * NDEF framing (TLV and record header), then the first slot, then the second (ADR 0002). The tears go to the
 * three parts in turn, at a random page within the part, three clean cuts and then three garbled pages, so a
 * handful of tears already meets every outcome the layout allows: the old or the new state, the state before
 * the old one, and a card that reads as nothing until a station restores it.
 */
import { tesseraTlvLength } from "@tessera/protocol";
import { PAGE_SIZE, type Tear } from "@tessera/protocol/virtual-card";
import type { SeededRandom } from "./random.ts";

/** A stretch of a write's page sequence, [from, to) in page writes. */
export interface WritePart {
  name: "framing" | "first slot" | "second slot";
  from: number;
  to: number;
}

/** The three parts of a page-order write of a card payload of `payloadBytes` (two equal slots). */
export function writeParts(payloadBytes: number): [WritePart, WritePart, WritePart] {
  const tlvBytes = tesseraTlvLength(payloadBytes);
  // Framing before the payload; the one byte after it is the terminator TLV.
  const framingBytes = tlvBytes - payloadBytes - 1;
  // A page that holds framing bytes counts as framing: garbling it damages the header, whatever else it holds.
  const framing = Math.ceil(framingBytes / PAGE_SIZE);
  const secondSlot = Math.floor((framingBytes + payloadBytes / 2) / PAGE_SIZE);
  const pages = Math.ceil(tlvBytes / PAGE_SIZE);
  return [
    { name: "framing", from: 0, to: framing },
    { name: "first slot", from: framing, to: secondSlot },
    { name: "second slot", from: secondSlot, to: pages },
  ];
}

/**
 * `count` tears at distinct taps of `taps`, keyed by tap index; the i-th tear in run order goes to part i mod 3
 * and is a clean cut in the first three of every six, a garbled page in the other three.
 */
export function planTears(
  count: number,
  taps: number,
  payloadBytes: number,
  random: SeededRandom,
): Map<number, Tear> {
  const at = new Set<number>();
  while (at.size < Math.min(count, taps)) at.add(random.int(0, taps - 1));
  const parts = writeParts(payloadBytes);
  const tears = new Map<number, Tear>();
  for (const [i, index] of [...at].sort((a, b) => a - b).entries()) {
    const part = parts[i % parts.length]!;
    const model = Math.floor(i / parts.length) % 2 === 0 ? "cut" : "garble";
    // Each garbled page draws its garbage from a stream of its own, so tears elsewhere do not change it.
    const garbage = random.fork(`garble-${index}`);
    tears.set(index, {
      atPage: random.int(part.from, part.to - 1),
      model,
      ...(model === "garble" ? { random: () => garbage.next() } : {}),
    });
  }
  return tears;
}
