/** The simulation's report: what a run did, whether value is conserved, which attacks were caught where. */
import type { RestoreSettlement, TearOutcome } from "./card-book.ts";
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
  /**
   * Card, ledger and the simulation's own book agree on every card no attack touched, no card is left
   * reading as nothing or one state back, every write a tear undid or a restore left out is in a
   * `tear_recovery` flag, every tear
   * outcome is explained and every outbox is empty.
   */
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
  /** Compared cards a station restored from the ledger after a tear left them reading as nothing. */
  restoredCards: number;
  /** Writes that garbled tears undid on compared cards, and how many of them a `tear_recovery` flag names. */
  undoneWrites: number;
  undoneWritesFlagged: number;
  /** Unconfirmed writes that station restores left out, and how many of them a `tear_recovery` flag names. */
  leftOutByRestores: number;
  leftOutByRestoresFlagged: number;
  mismatches: {
    cardId: string;
    card: number | null;
    ledger: number | null;
    expected: number;
    /** Why the card is not accounted for beyond its balances, when that is the reason. */
    notes?: string[];
  }[];
}

/** What the torn writes did and how each was settled. */
export interface TearReport {
  /** Tears scheduled (a tear on a tap that is refused before writing never happens). */
  injected: number;
  /** Taps whose write the terminal could not confirm. */
  unconfirmed: number;
  /** By what the chip showed when read again: the new state, the old one, the one before, nothing. */
  outcomes: Record<TearOutcome, number>;
  /** Cards that read as nothing, restored at a station from the reconciled ledger. */
  restoredAtStations: number;
  /** The torn write of each restored card: applied if the ledger followed it, void if it stopped before. */
  settledAtRestore: Record<RestoreSettlement, number>;
  /** Restores sent as the kiosk sends them (no authorisation) that the engine refused as `online_only`. */
  /** Restores that wrote nothing even so. */
  restoresFailed: number;
  /** Cards a tear left one state back, written once more at the end so reconciliation could settle them. */
  nextVisits: number;
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
    /** The part of the tap phase spent in upload and sync rounds (no tap runs meanwhile). */
    roundsInTapPhaseSeconds: number;
    /**
     * Wall seconds per phase: policy and station enrolment, issuance (the tills and gates enrol meanwhile),
     * waiting for the last of them, the traffic, bringing everyone home (restores included), the verdicts.
     */
    phases: {
      setup: number;
      issue: number;
      waitForFleet: number;
      taps: number;
      home: number;
      verdicts: number;
    };
    /** Terminal-seconds of the rounds by part: uploads, grant refreshes, policy/catalog/deny-list syncs. */
    roundsByPart: { uploadSeconds: number; grantSeconds: number; documentsSeconds: number };
    /** The terminals' backend calls by route (ids left out): how many, and the mean wait for an answer. */
    calls: { route: string; count: number; meanMs: number }[];
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
  tears: TearReport;
  attacks: AttackOutcome[];
  faults: FaultOutcome[];
  flags: Record<string, number>;
}

const pad = (text: string | number, width: number) => String(text).padStart(width);

/** Value tears put back on cards (an undone debit) or took off them (an undone top-up), as a term of the sum. */
const byTears = (value: number) =>
  value < 0 ? `− ${-value} taken back by tears` : `+ ${value} given back by tears`;

/** The human summary printed at the end of a run. */
export function formatSummary(report: SimulationReport): string {
  const { taps, conservation: c, events, tears: t } = report;
  const terminals = report.options.terminals;
  const lines = [
    `Tessera fleet simulation, seed ${report.seed}: ${terminals.station} stations, ${terminals.pos} POS, ${terminals.gate} gates, ${report.options.cards} cards`,
    `  ${report.durationSeconds.toFixed(1)} s in all; tap phase ${report.time.tapPhaseSeconds.toFixed(1)} s, ${report.msPerTap.toFixed(2)} ms per tap (engine tap ${report.time.meanEngineTapMs.toFixed(2)} ms on average, upload and sync rounds ${report.time.inSyncSeconds.toFixed(1)} s, ${report.time.roundsInTapPhaseSeconds.toFixed(1)} s of them in the tap phase); policy version ${report.policyVersion}`,
    `  phases: ${Object.entries(report.time.phases)
      .map(([phase, seconds]) => `${phase} ${seconds.toFixed(1)} s`)
      .join(
        ", ",
      )}; rounds by part (terminal-seconds): upload ${report.time.roundsByPart.uploadSeconds.toFixed(1)}, grant ${report.time.roundsByPart.grantSeconds.toFixed(1)}, policy/catalog/deny list ${report.time.roundsByPart.documentsSeconds.toFixed(1)}`,
    `  backend calls: ${report.time.calls
      .slice(0, 6)
      .map((c) => `${c.route} ${c.count} × ${c.meanMs.toFixed(0)} ms`)
      .join(", ")}`,
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
    `Conservation ${c.ok ? "OK" : "BROKEN"}: cards ${c.cards}, ledger ${c.ledger}, expected ${c.expected} (top-ups ${c.topups} − debits ${c.debits} ${byTears(c.recoveredByTears)})`,
    `  ${c.checkedCards} cards compared one by one (${c.restoredCards} of them restored at a station after a tear); ${c.attackedCards} cards written by attacks reported below`,
    `  ${c.undoneWrites} writes undone by tears, ${c.undoneWritesFlagged} of them in a tear_recovery flag; ${c.leftOutByRestores} unconfirmed writes left out by restores, ${c.leftOutByRestoresFlagged} of them in a tear_recovery flag`,
    ...c.mismatches
      .slice(0, 10)
      .map(
        (m) =>
          `  mismatch ${m.cardId}: card ${m.card}, ledger ${m.ledger}, expected ${m.expected}${m.notes ? ` (${m.notes.join("; ")})` : ""}`,
      ),
    "",
    "Attacks",
    ...report.attacks.map(
      (a) =>
        `  ${a.kind.padEnd(24)} injected ${a.injected}, detected ${a.detected}${a.where ? ` (first at ${a.where})` : ""}${a.detected < a.injected ? "  ← UNDETECTED" : ""}`,
    ),
    "Faults",
    ...report.faults.map((f) => `  ${f.kind.padEnd(24)} injected ${f.injected}: ${f.outcome}`),
    `Tears     restored at stations ${t.restoredAtStations} (torn write applied ${t.settledAtRestore.applied}, void ${t.settledAtRestore.void}, neither ${t.settledAtRestore.neither}; failed ${t.restoresFailed}); cards written again at the end after a rollback ${t.nextVisits}`,
    "Flags raised by reconciliation",
    ...Object.entries(report.flags).map(([kind, n]) => `  ${kind.padEnd(24)}${pad(n, 7)}`),
    "",
    report.ok
      ? "OK: every unit of value is accounted for and every injected attack was detected."
      : "FAILED: value is unaccounted for or an injected attack went undetected.",
  ];
  return `${lines.join("\n")}\n`;
}
