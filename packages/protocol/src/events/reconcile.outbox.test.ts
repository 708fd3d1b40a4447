import { describe, expect, it } from "vitest";
import { deletableFromOutbox, MAX_EVENTS_PER_BATCH, ReconcileBatch, ReconcileResult } from "./reconcile.ts";
import type { TerminalEvent } from "./terminal-event.ts";

const event = (seq: number): TerminalEvent => ({
  id: `evt-${seq}`,
  terminalId: "term_01HZX",
  terminalNumber: 4711,
  grantId: "grant_9f8e7d",
  seq,
  at: 1_700_000_000 + seq,
  op: "debit",
  amount: 100,
  card: {
    id: "0a1b2c3d4e5f6071",
    uid: "04a1b2c3d4e5f6",
    counterBefore: seq,
    counterAfter: seq + 1,
    balanceBefore: 1_000_000 - 100 * seq,
    balanceAfter: 1_000_000 - 100 * (seq + 1),
    chainBefore: "00112233445566778899aabbccddeeff",
    chainAfter: "ffeeddccbbaa99887766554433221100",
    slot: "AAECAwQF",
  },
  outcome: "confirmed",
  recovered: false,
  sig: "A".repeat(86),
});

describe("reconcile batch", () => {
  it("carries 1 to 1000 events", () => {
    expect(ReconcileBatch.safeParse({ events: [] }).success).toBe(false);
    expect(ReconcileBatch.safeParse({ events: [event(1)] }).success).toBe(true);
    const full = Array.from({ length: MAX_EVENTS_PER_BATCH }, (_, i) => event(i + 1));
    expect(ReconcileBatch.safeParse({ events: full }).success).toBe(true);
    expect(ReconcileBatch.safeParse({ events: [...full, event(1001)] }).success).toBe(false);
  });

  it("rejects a batch holding a malformed event", () => {
    expect(ReconcileBatch.safeParse({ events: [event(1), { ...event(2), sig: "" }] }).success).toBe(false);
  });
});

describe("reconcile result", () => {
  const result = {
    batchId: "batch_1",
    receivedAt: 1_700_000_500,
    results: [
      { eventId: "evt-1", status: "accepted" },
      { eventId: "evt-2", status: "duplicate" },
      { eventId: "evt-3", status: "flagged", flags: ["balance_break", "clock_skew"] },
      { eventId: "evt-4", status: "rejected", code: "bad_signature", detail: "signature does not verify" },
    ],
    region: "weur",
  };

  it("accepts every status and keeps unknown fields", () => {
    const parsed = ReconcileResult.parse(result);
    expect(parsed.region).toBe("weur");
    expect(parsed.results.map((r) => r.status)).toEqual(["accepted", "duplicate", "flagged", "rejected"]);
  });

  it("rejects an unknown status or flag", () => {
    expect(
      ReconcileResult.safeParse({ ...result, results: [{ eventId: "e", status: "lost" }] }).success,
    ).toBe(false);
    expect(
      ReconcileResult.safeParse({ ...result, results: [{ eventId: "e", status: "flagged", flags: ["odd"] }] })
        .success,
    ).toBe(false);
  });

  it("lets the terminal delete every event the server settled, rejected ones included", () => {
    expect(deletableFromOutbox(ReconcileResult.parse(result)).sort()).toEqual([
      "evt-1",
      "evt-2",
      "evt-3",
      "evt-4",
    ]);
  });

  it("keeps events the result does not name for the next upload", () => {
    const partial = ReconcileResult.parse({ ...result, results: result.results.slice(0, 2) });
    const deletable = deletableFromOutbox(partial);
    expect(deletable).not.toContain("evt-3");
    expect(deletable).not.toContain("evt-4");
  });

  it("names each event once even if the server repeats it", () => {
    const repeated = ReconcileResult.parse({ ...result, results: [...result.results, result.results[0]] });
    expect(deletableFromOutbox(repeated)).toHaveLength(4);
  });
});
