/**
 * A grant's tally kept upload by upload — in random order, random splits, with the stored tally sometimes
 * kept while the limits were unknown — must equal the tally of all of its writes at once, and name the
 * same writes beyond the limits.
 */
import { mulberry32 } from "@tessera/protocol/virtual-card";
import { describe, expect, it } from "vitest";
import {
  addWrites,
  EMPTY_TALLY,
  type GrantLimits,
  type GrantTally,
  type GrantWrite,
  grantLimitFlag,
  grantWriteOf,
  isBeyond,
  MAX_LISTED_BEYOND,
  stepTally,
  tallyWrites,
} from "./grant-tally.ts";

const LIMITS: GrantLimits = { count: 12, value: 1_000 };

function writes(random: () => number, n: number): GrantWrite[] {
  return Array.from({ length: n }, (_, i) => ({
    eventId: `evt_${String(Math.floor(random() * 1e6)).padStart(6, "0")}_${i}`,
    // Mostly gapless, sometimes a repeated number (a cloned or misbehaving terminal): ids break the tie.
    seq: random() < 0.1 && i > 0 ? i : i + 1,
    value: random() < 0.2 ? 0 : Math.floor(random() * 150),
  }));
}

function shuffled<T>(random: () => number, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Uploads in batches as ingest does: add, continue, or rebuild from everything stored so far. */
function uploadAll(random: () => number, all: readonly GrantWrite[], limitsKnownFrom: number) {
  const order = random() < 0.5 ? shuffled(random, all) : [...all];
  let stored: GrantTally = EMPTY_TALLY;
  let judged = true;
  let storedWrites: GrantWrite[] = [];
  const steps = new Set<string>();
  let batch = 0;
  while (order.length > 0) {
    const incoming = order.splice(0, 1 + Math.floor(random() * 4));
    const limits = batch++ >= limitsKnownFrom ? LIMITS : null;
    const step = stepTally(stored, judged, incoming, limits);
    steps.add(step.kind);
    stored = step.kind === "rebuild" ? tallyWrites([...storedWrites, ...incoming], LIMITS) : step.tally;
    // A tally kept while the limits were unknown is unjudged, as the table's NULL limits say.
    judged = limits !== null || stored.count === 0;
    storedWrites = [...storedWrites, ...incoming];
  }
  return { stored, steps };
}

describe("grant tally", () => {
  it("counts what the terminal counts: every write but online-only ones, issues and blocks moving nothing", () => {
    const base = { eventId: "e", seq: 1 };
    expect(grantWriteOf({ ...base, op: "debit", amount: 250 })).toEqual({ ...base, value: 250 });
    expect(grantWriteOf({ ...base, op: "refund", amount: 40 })).toEqual({ ...base, value: 40 });
    expect(grantWriteOf({ ...base, op: "issue", amount: 0 })).toEqual({ ...base, value: 0 });
    expect(grantWriteOf({ ...base, op: "block", amount: 0 })).toEqual({ ...base, value: 0 });
    expect(grantWriteOf({ ...base, op: "topup", amount: 5_000 })).toBeNull();
    expect(grantWriteOf({ ...base, op: "payout", amount: 900 })).toBeNull();
  });

  it("flags the write that first passes a limit and every write after it, in sequence order", () => {
    const list: GrantWrite[] = [
      { eventId: "c", seq: 3, value: 500 },
      { eventId: "a", seq: 1, value: 400 },
      { eventId: "d", seq: 4, value: 0 },
      { eventId: "b", seq: 2, value: 300 },
    ];
    const tally = tallyWrites(list, { count: 10, value: 1_000 });
    expect(tally.beyond.map((p) => p.eventId)).toEqual(["c", "d"]);
    const flag = grantLimitFlag("trm_1", "grt_1", tally, { count: 10, value: 1_000 })!;
    expect(flag).toMatchObject({ kind: "over_grant_limit", eventIds: ["c", "d"], amount: 1_200 });
    expect(tallyWrites(list, { count: 3, value: 10_000 }).beyond.map((p) => p.eventId)).toEqual(["d"]);
    expect(
      grantLimitFlag("trm_1", "grt_1", tallyWrites(list, { count: 4, value: 1_200 }), LIMITS),
    ).toBeNull();
  });

  it("names the first writes beyond the grant and counts the rest, however they arrive", () => {
    const list: GrantWrite[] = Array.from({ length: MAX_LISTED_BEYOND + 60 }, (_, i) => ({
      eventId: `e${String(i).padStart(4, "0")}`,
      seq: i + 1,
      value: 1,
    }));
    const whole = tallyWrites(list, { count: 10, value: 10_000 });
    expect(whole.beyondCount).toBe(MAX_LISTED_BEYOND + 50);
    expect(whole.beyond.map((p) => p.seq)).toEqual(list.slice(10, 10 + MAX_LISTED_BEYOND).map((w) => w.seq));
    expect(list.filter((w) => isBeyond(whole, w))).toHaveLength(MAX_LISTED_BEYOND + 50);
    const flag = grantLimitFlag("trm_1", "grt_1", whole, { count: 10, value: 10_000 })!;
    expect(flag.eventIds).toHaveLength(MAX_LISTED_BEYOND);
    expect(flag.detail).toContain(`The ${MAX_LISTED_BEYOND + 50} write(s) from sequence 11 on`);
    // Newest half first, then the rest: the stored tally is rebuilt, and names the same writes.
    const later = tallyWrites(list.slice(80), { count: 10, value: 10_000 });
    expect(stepTally(later, true, list.slice(0, 80), { count: 10, value: 10_000 }).kind).toBe("rebuild");
    // In order, batch by batch: continued, and the same.
    let stored = EMPTY_TALLY;
    for (let from = 0; from < list.length; from += 30) {
      const step = stepTally(stored, true, list.slice(from, from + 30), { count: 10, value: 10_000 });
      if (step.kind === "rebuild") throw new Error("in-order writes never need a rebuild");
      stored = step.tally;
    }
    expect(stored).toEqual(whole);
  });

  it("within the limits, adding writes in any order gives the same totals and nothing beyond", () => {
    const list: GrantWrite[] = [
      { eventId: "a", seq: 1, value: 10 },
      { eventId: "b", seq: 2, value: 20 },
    ];
    const reversed = addWrites(addWrites(EMPTY_TALLY, [list[1]!]), [list[0]!]);
    expect(reversed).toEqual(tallyWrites(list, LIMITS));
  });

  it("any split and order of uploads gives the tally of all writes at once", () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 300; seed++) {
      const random = mulberry32(seed);
      const all = writes(random, 4 + Math.floor(random() * 20));
      const limitsKnownFrom = random() < 0.3 ? Math.floor(random() * 4) : 0;
      const { stored, steps } = uploadAll(random, all, limitsKnownFrom);
      for (const step of steps) seen.add(step);
      const whole = tallyWrites(all, LIMITS);
      expect(stored, `seed ${seed}`).toEqual(whole);
    }
    // Every path was taken, so each is checked against the whole tally.
    expect([...seen].sort()).toEqual(["add", "continue", "rebuild"]);
  });
});
