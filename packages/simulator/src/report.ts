/** The simulation's report: what a run did, whether value is conserved, which attacks were caught where. */
import type { SimulationOptions } from "./options.ts";

export type DetectedAt = "terminal" | "reconciliation";

export interface AttackInstance {
  /** The card or terminal attacked. */
  target: string;
  detected: boolean;
  where: DetectedAt | null;
  /** What showed it: refusal codes at terminals, flag kinds at reconciliation. */
  evidence: string[];
}

export interface AttackOutcome {
  kind: string;
  injected: number;
  detected: number;
  /** Where the first instance was caught; every instance's own place is in `instances`. */
  where: DetectedAt | null;
  instances: AttackInstance[];
}

export interface FaultOutcome {
  kind: string;
  injected: number;
  outcome: string;
}

export interface Conservation {
  /** Card, ledger and the simulation's own book agree on every card no attack touched. */
  ok: boolean;
  /** Sum of balances on the genuine virtual cards, as any reader verifies them. */
  cards: number;
  /** Sum of the reconciled balances (reconciliation's GET /v1/cards). */
  ledger: number;
  /** Top-ups minus debits of every tap that reached these cards, by the simulation's own book. */
  expected: number;
  topups: number;
  debits: number;
  /**
   * Value given back to cards by garbled tears that left them one state further back (the previous write
   * undone); expected = top-ups − debits + this. Reconciliation flags each as tear_recovery.
   */
  recoveredByTears: number;
  /** Cards compared one by one (no attack touched them). */
  checkedCards: number;
  /** Cards an attack wrote to: their value is reported under `attacks`, not summed here. */
  attackedCards: number;
  mismatches: { cardId: string; card: number | null; ledger: number | null; expected: number }[];
}

export interface SimulationReport {
  ok: boolean;
  seed: number;
  options: SimulationOptions;
  startedAt: string;
  durationSeconds: number;
  /** Wall time of the tap phase divided by its taps: what a tap costs here, to extrapolate from. */
  msPerTap: number;
  /** Where the time went: engine taps (every tap, issuance included) and the upload/sync rounds. */
  time: {
    tapPhaseSeconds: number;
    inEngineTapsSeconds: number;
    meanEngineTapMs: number;
    inSyncSeconds: number;
  };
  policyVersion: number;
  taps: {
    attempted: number;
    approved: number;
    uncertain: number;
    refused: number;
    refusedByReason: Record<string, number>;
    byOperation: Record<string, { attempted: number; approved: number }>;
  };
  events: { uploaded: number; leftInOutboxes: number; lostAnswers: number; failedUploads: number };
  conservation: Conservation;
  attacks: AttackOutcome[];
  faults: FaultOutcome[];
  flags: Record<string, number>;
}

const pad = (text: string | number, width: number) => String(text).padStart(width);

/** The human summary printed at the end of a run. */
export function formatSummary(report: SimulationReport): string {
  const { taps, conservation: c, events } = report;
  const terminals = report.options.terminals;
  const lines = [
    `Tessera fleet simulation, seed ${report.seed}: ${terminals.station} stations, ${terminals.pos} POS, ${terminals.gate} gates, ${report.options.cards} cards`,
    `  ${report.durationSeconds.toFixed(1)} s in all; tap phase ${report.time.tapPhaseSeconds.toFixed(1)} s, ${report.msPerTap.toFixed(2)} ms per tap (engine tap ${report.time.meanEngineTapMs.toFixed(2)} ms on average, upload and sync rounds ${report.time.inSyncSeconds.toFixed(1)} s); policy version ${report.policyVersion}`,
    "",
    `Taps      attempted ${taps.attempted}, approved ${taps.approved}, uncertain ${taps.uncertain}, refused ${taps.refused}`,
    ...Object.entries(taps.byOperation).map(
      ([op, n]) => `  ${op.padEnd(10)}${pad(n.attempted, 8)} attempted ${pad(n.approved, 8)} approved`,
    ),
    "  refused by reason:",
    ...Object.entries(taps.refusedByReason)
      .sort((a, b) => b[1] - a[1])
      .map(([reason, n]) => `    ${reason.padEnd(40)}${pad(n, 7)}`),
    `Events    uploaded ${events.uploaded}, left in outboxes ${events.leftInOutboxes}, answers lost on the way back ${events.lostAnswers}, failed uploads retried ${events.failedUploads}`,
    "",
    `Conservation ${c.ok ? "OK" : "BROKEN"}: cards ${c.cards}, ledger ${c.ledger}, expected ${c.expected} (top-ups ${c.topups} − debits ${c.debits} + ${c.recoveredByTears} given back by tears)`,
    `  ${c.checkedCards} cards compared one by one; ${c.attackedCards} cards written by attacks reported below`,
    ...c.mismatches
      .slice(0, 10)
      .map((m) => `  mismatch ${m.cardId}: card ${m.card}, ledger ${m.ledger}, expected ${m.expected}`),
    "",
    "Attacks",
    ...report.attacks.map(
      (a) =>
        `  ${a.kind.padEnd(24)} injected ${a.injected}, detected ${a.detected}${a.where ? ` (first at ${a.where})` : ""}${a.detected < a.injected ? "  ← UNDETECTED" : ""}`,
    ),
    "Faults",
    ...report.faults.map((f) => `  ${f.kind.padEnd(24)} injected ${f.injected}: ${f.outcome}`),
    "Flags raised by reconciliation",
    ...Object.entries(report.flags).map(([kind, n]) => `  ${kind.padEnd(24)}${pad(n, 7)}`),
    "",
    report.ok
      ? "OK: every unit of value is accounted for and every injected attack was detected."
      : "FAILED: value is unaccounted for or an injected attack went undetected.",
  ];
  return `${lines.join("\n")}\n`;
}
