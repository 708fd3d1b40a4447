/**
 * The fleet simulation: enrols terminals through the grants Worker, issues and tops up virtual cards at
 * stations, then runs seeded random traffic with offline windows, tears, lost upload answers and attacks,
 * sends cards that a tear left reading as nothing to a station to be restored from the ledger, brings every
 * terminal home, and compares cards, the reconciled ledger and its own book.
 *
 * Time is wall time (plus each terminal's skew): the Workers check DPoP proofs, grant windows and event
 * times against their own clocks, so a terminal's clock may only run far ahead while it is offline and
 * cannot upload (the expired-grant attack). Offline windows are stretches of the run, not of the day.
 * Taps happen in an order fixed by the seed (many at once, but each terminal and each card sees its own in
 * that order), so a seed repeats the same choices; only what hangs on wall time can differ between two runs
 * (which of a revoked terminal's last writes its skewed clock dates after the revocation).
 */
import "fake-indexeddb/auto";
import {
  type CardVerdict,
  cardImageFromRead,
  keysByVersion,
  type OperationRequest,
  type PolicyDraft,
  type Role,
  verdictState,
  verifyCard,
} from "@tessera/protocol";
import { type Tear, VirtualCardTransport, VirtualNtag } from "@tessera/protocol/virtual-card";
import type { Endpoints, TapResult } from "@tessera/terminal-engine";
import {
  type BookedWrite,
  bookedWrite,
  CardBook,
  chipStateOf,
  type RestoreSettlement,
  type TearOutcome,
  valueMoved,
} from "./card-book.ts";
import { OperatorApi, type RaisedFlag } from "./operator.ts";
import type { AttackCounts, OfflineWindow, SimulationOptions } from "./options.ts";
import { chipUid, SeededRandom } from "./random.ts";
import type {
  AttackInstance,
  AttackOutcome,
  Conservation,
  DetectedAt,
  FaultOutcome,
  SimulationReport,
  TearReport,
} from "./report.ts";
import { TapWindow } from "./tap-window.ts";
import { planTears } from "./tear-plan.ts";
import { SimTerminal, type TerminalStats } from "./terminal.ts";

export interface SimulationContext {
  urls: Endpoints;
  adminToken: string;
  /** Progress lines (stderr in the CLI). */
  log?: (line: string) => void;
}

interface SimCard {
  chip: VirtualNtag;
  transport: VirtualCardTransport;
  cardId: string;
  /** What the chip holds by the simulation's own book. */
  book: CardBook;
  /** An attack wrote to it: it leaves the random traffic and the one-by-one comparison. */
  attacked: boolean;
  /** Terminals that wrote it: its events are all home once each of them has uploaded everything. */
  writers: Set<SimTerminal>;
  /** Times a station restored it from the ledger after a tear left it reading as nothing. */
  restores: number;
}

/** Raised limits so one grant covers a station issuing thousands of cards; per-transaction limits stay. */
const SIMULATION_CUMULATIVE_VALUE = 1_000_000_000;
const SIMULATION_CUMULATIVE_COUNT = 10_000_000;
const LOCATION: Record<Role, string> = { pos: "canteen", station: "canteen", gate: "entrance" };
const TRAFFIC_SHARE: Record<Role, number> = { pos: 0.7, gate: 0.2, station: 0.1 };
const SYNC_CONCURRENCY = 8;

class Tally {
  attempted = 0;
  approved = 0;
  uncertain = 0;
  refused = 0;
  readonly refusedByReason: Record<string, number> = {};
  readonly byOperation: Record<string, { attempted: number; approved: number }> = {};

  count(request: OperationRequest, result: TapResult): void {
    this.attempted++;
    const op = this.byOperation[request.op] ?? { attempted: 0, approved: 0 };
    this.byOperation[request.op] = op;
    op.attempted++;
    if (result.kind === "done") {
      this.approved++;
      op.approved++;
    } else if (result.kind === "uncertain") {
      this.uncertain++;
    } else {
      this.refused++;
      const reason = refusalReason(result);
      this.refusedByReason[reason] = (this.refusedByReason[reason] ?? 0) + 1;
    }
  }
}

/** The refusal code, with the verdict that caused it when the card itself was refused. */
function refusalReason(result: Extract<TapResult, { kind: "refused" }>): string {
  return result.code === "card_not_valid" && result.verdict
    ? `${result.code}: ${result.verdict.kind}`
    : result.code;
}

/** Windows as tap indices: [from, to) in taps. */
function tapRange(window: OfflineWindow, taps: number): [number, number] {
  return [Math.floor(window.from * taps), Math.ceil(window.to * taps)];
}

export async function runSimulation(
  options: SimulationOptions,
  context: SimulationContext,
): Promise<SimulationReport> {
  const started = Date.now();
  const log = context.log ?? (() => {});
  const random = new SeededRandom(options.seed);
  const traffic = random.fork("traffic");
  const faults = random.fork("faults");
  const plan = random.fork("plan");
  const operator = new OperatorApi(context.urls, context.adminToken);
  const tally = new Tally();

  // ---- Policy: the current one with cumulative offline limits raised for a long, busy grant ----------
  const current = await operator.currentPolicy();
  const {
    version: _version,
    publishedAt: _publishedAt,
    ...draft
  } = current as PolicyDraft & {
    version: number;
    publishedAt?: string;
  };
  const policy = structuredClone(draft) as PolicyDraft;
  for (const role of ["pos", "gate", "station"] as const) {
    policy.roles[role].offline.cumulativeValue = SIMULATION_CUMULATIVE_VALUE;
    policy.roles[role].offline.cumulativeCount = SIMULATION_CUMULATIVE_COUNT;
  }
  const policyVersion = await operator.publishPolicy(policy, "fleet simulation: long offline grants");
  log(`published policy version ${policyVersion} (cumulative offline limits raised for the run)`);

  // ---- Fleet --------------------------------------------------------------------------------------
  /** Wall time of each phase, seconds: each `lap` closes the phase that ran since the previous one. */
  const phases = { setup: 0, issue: 0, waitForFleet: 0, taps: 0, home: 0, verdicts: 0 };
  let lapAt = started;
  const lap = (phase: keyof typeof phases) => {
    const now = Date.now();
    phases[phase] = (now - lapAt) / 1000;
    lapAt = now;
  };
  const fleet: SimTerminal[] = [];
  const byRole: Record<Role, SimTerminal[]> = { pos: [], gate: [], station: [] };
  const clocks = random.fork("clocks");
  const enrol = async (role: Role) => {
    for (let i = 0; i < options.terminals[role]; i++) {
      // Ahead only: readers judge a revoked terminal's writes by the time the writer itself signed, so the
      // first writes of a revoked terminal running behind would be dated before its revocation and pass
      // (docs/simulation.md, "Findings"); the revoked-terminal attack is about writes after it.
      const skew = clocks.next() * options.clockSkewSeconds;
      const terminal = await SimTerminal.open(`${role}-${i}`, role, skew, context.urls);
      await terminal.enrol(await operator.enrolmentCode(role, `Simulated ${role} ${i}`, LOCATION[role]));
      fleet.push(terminal);
      byRole[role].push(terminal);
    }
    if (options.terminals[role] > 0) log(`enrolled ${options.terminals[role]} ${role} terminals`);
  };
  await enrol("station");
  // The tills and gates are set up while the stations issue the cards: the grants Worker enrols 30 terminals
  // a minute per address, so a large fleet takes minutes to enrol, and nothing else waits for them.
  const enrolTillsAndGates = (async () => {
    await enrol("pos");
    await enrol("gate");
  })();
  // Marked as handled here; awaited after the issuance, which is where a failure surfaces.
  enrolTillsAndGates.catch(() => undefined);
  const certificateKeys = (await (
    await fetch(`${context.urls.grants}/.well-known/tessera-certificate-keys.json`)
  ).json()) as { keys: { kid: string; x: string }[] };
  const keys = await keysByVersion(certificateKeys, "certificate");
  /** What any reader with the backend's certificate keys sees on a chip (no deny list, no memory). */
  const readChip = (chip: VirtualNtag): Promise<CardVerdict> =>
    verifyCard(cardImageFromRead(chip.read()), {
      keys,
      policy: { readableLayouts: policy.layouts.readable, acceptedKeyVersions: policy.keys.acceptedVersions },
    });
  const tears: Record<TearOutcome, number> = {
    landed: 0,
    lost: 0,
    rolled_back: 0,
    unreadable: 0,
    unexplained: 0,
  };
  const timing = { tapMs: 0, syncMs: 0 };

  /**
   * One tap through the engine, counted and booked. An unconfirmed write is followed by a second read at the
   * same terminal, as the screen asks ("tap again"), and booked by what the chip then shows.
   */
  const tap = async (
    terminal: SimTerminal,
    card: SimCard | null,
    request: OperationRequest,
    transport: VirtualCardTransport | undefined = card?.transport,
  ): Promise<TapResult> => {
    if (!transport) throw new Error("a tap needs a card on the reader");
    const began = performance.now();
    const result = await terminal.engine.tap(transport, request);
    timing.tapMs += performance.now() - began;
    tally.count(request, result);
    const genuine = card !== null && transport === card.transport && !card.attacked;
    if (!genuine || !card || result.kind === "refused") return result;
    if (terminal.revoked) {
      // Its writes after revocation are the attack: other terminals refuse the card from now on.
      card.attacked = true;
      return result;
    }
    card.writers.add(terminal);
    const write = bookedWrite(result.event, valueMoved(request, policy.sessions.entryFee, card.book));
    if (result.kind === "done") {
      card.book.applied(write, result.state);
      return result;
    }
    await terminal.engine.readCard(transport);
    tears[card.book.unconfirmed(write, chipStateOf(await readChip(card.chip)))]++;
    return result;
  };
  const syncAll = async (terminals: SimTerminal[]) => {
    const began = performance.now();
    // A few at a time: every terminal of a large fleet at once would only queue up in the local Workers.
    for (let from = 0; from < terminals.length; from += SYNC_CONCURRENCY)
      await Promise.all(terminals.slice(from, from + SYNC_CONCURRENCY).map((t) => t.sync()));
    timing.syncMs += performance.now() - began;
  };

  // ---- Cards: issued and topped up at stations, all online -----------------------------------------
  lap("setup");
  const uids = random.fork("uids");
  const issuance = Array.from({ length: options.cards }, (_, i) => ({
    station: byRole.station[i % byRole.station.length]!,
    chip: new VirtualNtag({ model: "NTAG215", uid: chipUid(uids) }),
    topup: traffic.int(4, 10) * 500,
  }));
  const cards: SimCard[] = new Array(options.cards);
  let issued = 0;
  const issueEvery = Math.max(1, Math.floor(options.cards / 10));
  // Each station works through its own queue of blank cards; the stations work side by side.
  await Promise.all(
    byRole.station.map(async (station) => {
      for (const [i, job] of issuance.entries()) {
        if (job.station !== station) continue;
        const transport = new VirtualCardTransport(job.chip);
        const result = await station.engine.tap(transport, { op: "issue" });
        tally.count({ op: "issue" }, result);
        if (result.kind !== "done") throw new Error(`issuing card ${i} failed: ${JSON.stringify(result)}`);
        const card: SimCard = {
          chip: job.chip,
          transport,
          cardId: result.cardId,
          book: new CardBook(),
          attacked: false,
          writers: new Set([station]),
          restores: 0,
        };
        card.book.applied(bookedWrite(result.event, 0), result.state);
        cards[i] = card;
        await tap(station, card, { op: "topup", amount: job.topup });
        if (++issued % issueEvery === 0) log(`issued and topped up ${issued}/${options.cards} cards`);
      }
    }),
  );
  await syncAll(byRole.station);
  lap("issue");
  await enrolTillsAndGates;
  lap("waitForFleet");
  const byName = new Map(fleet.map((t) => [t.name, t]));

  // ---- The plan: offline windows, attacks, tears, lost answers ------------------------------------
  const taps = options.taps;
  const syncEvery = options.syncEvery > 0 ? options.syncEvery : Math.max(10, Math.ceil(taps / 10));
  const concurrency =
    options.concurrency > 0 ? options.concurrency : Math.min(32, Math.max(1, Math.floor(fleet.length / 2)));
  const offlineAt = new Map<number, { terminal: SimTerminal; online: boolean }[]>();
  const schedule = (index: number, terminal: SimTerminal, online: boolean) => {
    const at = Math.min(index, taps);
    offlineAt.set(at, [...(offlineAt.get(at) ?? []), { terminal, online }]);
  };
  let offlineWindows = 0;
  for (const terminal of [...byRole.pos, ...byRole.gate]) {
    if (!plan.chance(options.offlineShare)) continue;
    const length = Math.max(0.05, plan.next() * options.offlineLength);
    const from = plan.next() * (1 - length);
    const [a, b] = tapRange({ from, to: from + length }, taps);
    schedule(a, terminal, false);
    schedule(b, terminal, true);
    offlineWindows++;
  }
  for (const [name, windows] of Object.entries(options.offline)) {
    const terminal = byName.get(name);
    if (!terminal) throw new Error(`--offline names ${name}, which is not in the fleet`);
    for (const window of windows) {
      const [a, b] = tapRange(window, taps);
      schedule(a, terminal, false);
      schedule(b, terminal, true);
      offlineWindows++;
    }
  }

  type AttackKind = keyof AttackCounts;
  const attackQueue: AttackKind[] = [];
  for (const [kind, count] of Object.entries(options.attacks) as [AttackKind, number][])
    for (let i = 0; i < count; i++) attackQueue.push(kind);
  const attackAt = new Map<number, AttackKind[]>();
  for (const [i, kind] of attackQueue.entries()) {
    // Spread over the middle of the run, so traffic happens before and after each.
    const at = Math.floor(taps * (0.15 + (0.7 * (i + 0.5)) / Math.max(1, attackQueue.length)));
    attackAt.set(at, [...(attackAt.get(at) ?? []), kind]);
  }
  const payloadBytes = cardImageFromRead(cards[0]!.chip.read()).payload?.length ?? 0;
  const tearAt = planTears(options.tears, taps, payloadBytes, faults.fork("tears"));
  const lostAt = new Set<number>();
  const ticks = Math.floor(taps / syncEvery);
  while (lostAt.size < Math.min(options.lostUploads, ticks)) lostAt.add(faults.int(1, ticks) * syncEvery);

  // Terminals set aside by attacks: the revoked ones stay dark until the end; none takes part in another.
  const revoked = new Set<SimTerminal>();
  const attackInstances = new Map<AttackKind, AttackInstance[]>();
  const checks: [AttackKind, (flags: RaisedFlag[]) => AttackInstance][] = [];
  const attackTerminals = (count: number): SimTerminal[] => {
    const usable = byRole.pos.filter((t) => !revoked.has(t));
    if (usable.length < count) throw new Error(`attacks need ${count} POS terminals that are not revoked`);
    const chosen: SimTerminal[] = [];
    while (chosen.length < count) {
      const next = plan.pick(usable);
      if (!chosen.includes(next)) chosen.push(next);
    }
    return chosen;
  };
  /** Cards the venue's traffic may bring: not an attack's, and not waiting at a station for a restore. */
  const liveCards = () => cards.filter((card) => !card.attacked && !card.book.awaitingRestore);
  const station = () => {
    const online = byRole.station.filter((t) => t.network.online);
    return online.length > 0 ? plan.pick(online) : undefined;
  };
  const recovery = {
    restored: 0,
    settled: { applied: 0, void: 0, neither: 0 } as Record<RestoreSettlement, number>,
    failed: 0,
    nextVisits: 0,
  };

  /**
   * The cardholder brings a card that reads as nothing to a station, which restores it from the reconciled
   * ledger as the kiosk's Restore does (docs/operations.md): once every terminal that wrote the card has
   * uploaded, the station reads `GET /v1/cards/{id}/restore` and writes a reissue from it onto the card in
   * hand. The book then settles the torn write by the state the ledger restored from.
   */
  const restoreAtStation = async (card: SimCard): Promise<boolean> => {
    for (const writer of card.writers) if (!writer.network.online || writer.outboxDepth() > 0) return false;
    const at = station();
    if (!at) return false;
    const ledger = await at.engine.cardLedger(card.cardId).catch(() => undefined);
    // An open gap means events of the card may still be on their way: the operator waits (operations.md).
    if (ledger?.complete !== true) return false;
    const restore = {
      cardId: card.cardId,
      balance: ledger.balance,
      counter: ledger.counter,
      chain: ledger.chain,
    };
    // The engine asks the backend to authorise the restore of exactly this balance and counter.
    const result = await tap(at, card, { op: "reissue", restore });
    const wrote = result.kind !== "refused" && card.book.last?.eventId === result.event.id;
    if (!wrote) {
      recovery.failed++;
      return false;
    }
    recovery.restored++;
    card.restores++;
    recovery.settled[card.book.restoredFrom(ledger.chain)]++;
    return true;
  };

  /**
   * A card a tear left one state back and nothing wrote since: until its next write the ledger still holds
   * the undone write, since it learns of the rollback only from the card's own recovered state (ADR 0002).
   * The cardholder's next visit writes it — a top-up at a station, or a small debit at a POS when the card is
   * at its cap; a terminal that saw the newer state refuses the card as a rollback, so the visit moves on.
   */
  const nextVisit = async (card: SimCard): Promise<boolean> => {
    const topup = Math.min(500, policy.balanceCap - card.book.expected);
    const candidates: [SimTerminal, OperationRequest][] =
      topup > 0
        ? byRole.station.map((t) => [t, { op: "topup", amount: topup }])
        : byRole.pos.filter((t) => !revoked.has(t)).map((t) => [t, { op: "debit", amount: 50 }]);
    const first = plan.int(0, candidates.length - 1);
    for (let k = 0; k < candidates.length; k++) {
      const [terminal, request] = candidates[(first + k) % candidates.length]!;
      if ((await tap(terminal, card, request)).kind !== "refused") {
        recovery.nextVisits++;
        return true;
      }
    }
    return false;
  };

  /** Tops a card up at an online station until it holds `amount` (attacks that need a rich card). */
  const ensureBalance = async (card: SimCard, amount: number) => {
    for (let guard = 0; card.book.expected < amount && guard < 20; guard++) {
      const at = station();
      if (!at) return;
      const topup = Math.min(5_000, amount - card.book.expected, policy.balanceCap - card.book.expected);
      if (topup <= 0) return;
      await tap(at, card, { op: "topup", amount: topup });
    }
  };
  const victim = (minimum = 0): SimCard => {
    const live = liveCards();
    const rich = live.filter((card) => card.book.expected >= minimum);
    return plan.pick(rich.length > 0 ? rich : live);
  };
  const record = (kind: AttackKind, instance: AttackInstance) =>
    attackInstances.set(kind, [...(attackInstances.get(kind) ?? []), instance]);
  /** Checks an attack leaves for the end, once every terminal is home with the newest deny list. */
  const atHome: (() => Promise<void>)[] = [];
  const describe = (result: TapResult) =>
    result.kind === "refused" ? `refused (${refusalReason(result)})` : `accepted (${result.kind})`;
  const refusedHere = (result: TapResult, evidence: string[]) => {
    if (result.kind === "refused") evidence.push(`terminal refused: ${refusalReason(result)}`);
    return result.kind === "refused";
  };

  // Each attack runs at its point in the run and returns a check that reads the flags at the end.
  const attacks: Record<AttackKind, () => Promise<(flags: RaisedFlag[]) => AttackInstance>> = {
    cloneSameUid: async () => {
      const [a, b] = attackTerminals(2) as [SimTerminal, SimTerminal];
      const card = victim(600);
      await ensureBalance(card, 600);
      const clone = card.chip.cloneTo(card.chip.uid);
      await tap(a, card, { op: "debit", amount: 200 });
      card.attacked = true;
      const evidence: string[] = [];
      const refused = refusedHere(
        await tap(b, null, { op: "debit", amount: 300 }, new VirtualCardTransport(clone)),
        evidence,
      );
      return (flags) => verdictFor(card.cardId, refused, evidence, flags, ["clone_replay"]);
    },
    cloneNewUid: async () => {
      const [b] = attackTerminals(1) as [SimTerminal];
      const card = victim(300);
      const clone = card.chip.cloneTo(chipUid(plan));
      const evidence: string[] = [];
      const refused = refusedHere(
        await tap(b, null, { op: "debit", amount: 300 }, new VirtualCardTransport(clone)),
        evidence,
      );
      return (flags) => verdictFor(card.cardId, refused, evidence, flags, ["clone_replay", "bad_signature"]);
    },
    replay: async () => {
      const [a, b] = attackTerminals(2) as [SimTerminal, SimTerminal];
      const card = victim(400);
      await ensureBalance(card, 400);
      const image = card.chip.snapshot();
      await tap(a, card, { op: "debit", amount: 200 });
      card.attacked = true;
      card.chip.restore(image);
      const evidence: string[] = [];
      const refused = refusedHere(await tap(b, null, { op: "debit", amount: 200 }, card.transport), evidence);
      return (flags) => verdictFor(card.cardId, refused, evidence, flags, ["clone_replay"]);
    },
    tamper: async () => {
      const [a] = attackTerminals(1) as [SimTerminal];
      const card = victim();
      card.attacked = true;
      // One byte in the middle of each of the two slots, so neither verifies and no older state survives.
      for (const page of [30, 90]) {
        const bytes = card.chip.readPage(page);
        bytes[1] = bytes[1]! ^ 0x40;
        card.chip.writePage(page, bytes);
      }
      const evidence: string[] = [];
      const refused = refusedHere(await tap(a, null, { op: "debit", amount: 100 }, card.transport), evidence);
      return (flags) => verdictFor(card.cardId, refused, evidence, flags, ["chain_break", "bad_signature"]);
    },
    revokedTerminal: async () => {
      const [r] = attackTerminals(1) as [SimTerminal];
      revoked.add(r);
      r.network.set(false);
      await operator.revokeTerminal(r.terminalId, "fleet simulation: revoked while offline");
      r.revoked = true;
      // It does not know, and keeps selling offline: three debits on cards that then carry its writes.
      const written: SimCard[] = [];
      for (let i = 0; i < 3; i++) {
        const card = victim(100);
        if ((await tap(r, card, { op: "debit", amount: 100 })).kind !== "refused") written.push(card);
      }
      // Its customers come back once the venue's terminals hold the new deny list: one pays at another till.
      let presented: TapResult | undefined;
      let till: SimTerminal | undefined;
      atHome.push(async () => {
        // Chosen then, among the tills not revoked by the end, so it holds the newest deny list.
        till = plan.pick(byRole.pos.filter((t) => !revoked.has(t)));
        const card = written[0];
        if (card) presented = await tap(till, null, { op: "debit", amount: 50 }, card.transport);
      });
      return (flags) => {
        const evidence: string[] = [];
        const refused =
          presented?.kind === "refused" &&
          presented.code === "card_not_valid" &&
          presented.verdict?.kind === "revoked_terminal";
        if (presented && till)
          evidence.push(`${till.name}, with the new deny list, ${describe(presented)} a card it wrote`);
        const flagged = flags.filter(
          (f) => f.kind === "revoked_terminal" && f.terminalIds.includes(r.terminalId),
        );
        if (flagged.length > 0) evidence.push(`reconciliation: ${flagged.length} revoked_terminal flags`);
        const where: DetectedAt | null = refused ? "terminal" : flagged.length > 0 ? "reconciliation" : null;
        return { target: r.terminalId, detected: where !== null, where, evidence };
      };
    },
    expiredGrant: async () => {
      const [e] = attackTerminals(1) as [SimTerminal];
      const wasOnline = e.network.online;
      e.network.set(false);
      const grant = e.engine.getSnapshot().grant;
      // Hours pass while it is offline: its clock runs past the grant's expiry.
      e.clock.jumpSeconds = (grant?.expiresAt ?? 0) - Math.floor(e.clock.now() / 1000) + 60;
      const card = victim(100);
      const evidence: string[] = [];
      const refused = refusedHere(await tap(e, card, { op: "debit", amount: 100 }), evidence);
      e.clock.jumpSeconds = 0;
      e.network.set(wasOnline);
      return () => ({
        target: e.terminalId,
        detected: refused,
        where: refused ? "terminal" : null,
        evidence,
      });
    },
    overTransactionLimit: async () => {
      const [a] = attackTerminals(1) as [SimTerminal];
      const amount = policy.roles.pos.offline.perTransaction + 1;
      const card = victim(amount);
      await ensureBalance(card, amount);
      const evidence: string[] = [];
      const refused = refusedHere(await tap(a, card, { op: "debit", amount }), evidence);
      return (flags) => verdictFor(card.cardId, refused, evidence, flags, ["over_transaction_limit"]);
    },
    overDailyLimit: async () => {
      const perTap = Math.min(policy.roles.pos.offline.perTransaction, 4_000);
      const count = Math.floor(policy.cardLimits.daily / perTap) + 1;
      const card = victim(perTap * count);
      await ensureBalance(card, perTap * count);
      const spenders = byRole.pos.filter((t) => !revoked.has(t));
      for (let i = 0; i < count; i++)
        await tap(spenders[i % spenders.length]!, card, { op: "debit", amount: perTap });
      return (flags) => verdictFor(card.cardId, false, [], flags, ["over_daily_limit"]);
    },
  };

  // ---- Traffic -------------------------------------------------------------------------------------
  const roles = (["pos", "gate", "station"] as const).filter((role) => byRole[role].length > 0);
  const shareTotal = roles.reduce((sum, role) => sum + TRAFFIC_SHARE[role], 0);
  const pickRole = (): Role => {
    let roll = traffic.next() * shareTotal;
    for (const role of roles) {
      roll -= TRAFFIC_SHARE[role];
      if (roll < 0) return role;
    }
    return roles.at(-1)!;
  };
  let lostInjected = 0;
  const tapPhase = Date.now();
  const syncMsBeforeTaps = timing.syncMs;
  const progressEvery = Math.max(1, Math.floor(taps / 20));
  /** Offline switches, attacks and upload rounds happen between taps, with no tap in flight. */
  const boundary = (i: number) => offlineAt.has(i) || attackAt.has(i) || (i > 0 && i % syncEvery === 0);
  interface TapSpec {
    index: number;
    terminal: SimTerminal;
    card: SimCard;
    amount: number;
    tear: Tear | null;
  }
  // What the seed picks from changes only at boundaries (attacks take cards, revocations terminals, stations
  // give restored cards back), never with the outcome of a tap still in flight: draws do not depend on timing.
  let live = liveCards();
  const usable = (role: Role) => byRole[role].filter((t) => !revoked.has(t));
  let terminalsByRole = { pos: usable("pos"), gate: usable("gate"), station: usable("station") };
  /** The next tap as the seed decides it; the gate's check-in or check-out is decided when it runs. */
  const draw = (index: number): TapSpec | undefined => {
    const role = pickRole();
    // A revoked terminal made its few writes when revoked; the traffic goes to terminals the venue still runs.
    const terminal = traffic.pick(terminalsByRole[role]);
    if (live.length === 0) return undefined;
    const card = traffic.pick(live);
    const amount =
      role === "pos" ? traffic.int(1, 20) * 50 : role === "station" ? traffic.int(2, 10) * 500 : 0;
    return { index, terminal, card, amount, tear: tearAt.get(index) ?? null };
  };
  const perform = async ({ terminal, card, amount, tear }: TapSpec) => {
    const request: OperationRequest =
      terminal.role === "pos"
        ? { op: "debit", amount }
        : terminal.role === "station"
          ? { op: "topup", amount }
          : card.book.inSession
            ? { op: "checkout", amount: 0 }
            : { op: "checkin", zone: 1 };
    card.transport.nextTear = tear;
    await tap(terminal, card, request);
    card.transport.nextTear = null;
  };
  /** Cards that read as nothing go to a station once their events are home (in card order: seeded). */
  const restoreWaiting = async () => {
    for (const card of cards) if (!card.attacked && card.book.awaitingRestore) await restoreAtStation(card);
  };

  const window = new TapWindow<SimTerminal, SimCard>(concurrency);
  for (let i = 0; i < taps; i++) {
    if (boundary(i)) {
      await window.drain();
      for (const { terminal, online } of offlineAt.get(i) ?? []) {
        if (revoked.has(terminal)) continue;
        terminal.network.set(online);
        if (online) await terminal.sync();
      }
      for (const kind of attackAt.get(i) ?? []) checks.push([kind, await attacks[kind]()]);
      if (i > 0 && i % syncEvery === 0) {
        if (lostAt.has(i)) {
          const busy = fleet.filter((t) => t.network.online && !revoked.has(t) && t.outboxDepth() > 0);
          if (busy.length > 0) {
            faults.pick(busy).loseNextUploadAnswers++;
            lostInjected++;
          }
        }
        await syncAll(fleet.filter((t) => !revoked.has(t)));
        await restoreWaiting();
      }
      live = liveCards();
      terminalsByRole = { pos: usable("pos"), gate: usable("gate"), station: usable("station") };
    }
    const spec = draw(i);
    if (!spec) break;
    await window.submit(spec.terminal, spec.card, () => perform(spec));
    if ((i + 1) % progressEvery === 0)
      log(
        `taps ${i + 1}/${taps} drawn: approved ${tally.approved}, refused ${tally.refused}, uncertain ${tally.uncertain}, offline ${fleet.filter((t) => !t.network.online).length}/${fleet.length} terminals`,
      );
  }
  await window.drain();
  const tapSeconds = (Date.now() - tapPhase) / 1000;
  const roundsInTapPhaseSeconds = (timing.syncMs - syncMsBeforeTaps) / 1000;
  lap("taps");

  // ---- Home: every terminal online, every outbox emptied ---------------------------------------------
  log("bringing every terminal online and uploading");
  for (const terminal of fleet) {
    terminal.clock.jumpSeconds = 0;
    terminal.network.set(true);
  }
  const uploadEverything = async () => {
    for (let round = 0; round < 5; round++) {
      await syncAll(fleet);
      if (fleet.every((t) => t.outboxDepth() === 0)) break;
    }
  };
  await uploadEverything();
  // With every event home, the cards still reading as nothing are restored, and the cards a tear left one
  // state back get their next write; then those writes go home too.
  const restoredBefore = recovery.restored;
  await restoreWaiting();
  let visited = 0;
  for (const card of cards) if (!card.attacked && card.book.rolledBack && (await nextVisit(card))) visited++;
  for (const check of atHome) await check();
  if (visited > 0 || recovery.restored > restoredBefore || fleet.some((t) => t.outboxDepth() > 0))
    await uploadEverything();
  const leftInOutboxes = fleet.reduce((sum, t) => sum + t.outboxDepth(), 0);

  // ---- Verdicts ---------------------------------------------------------------------------------------
  lap("home");
  log("reading the ledger and the flags");
  const [ledger, flags] = await Promise.all([operator.cards(), operator.flags()]);
  const ledgerById = new Map(ledger.map((c) => [c.cardId, c.balance]));
  const tearRecoveries = flags.filter((f) => f.kind === "tear_recovery");
  const inTearRecovery = (card: SimCard, write: BookedWrite) =>
    tearRecoveries.some((f) => f.cardId === card.cardId && f.eventIds.includes(write.eventId));
  const conservation: Conservation = {
    ok: true,
    cards: 0,
    ledger: 0,
    expected: 0,
    topups: 0,
    debits: 0,
    recoveredByTears: 0,
    checkedCards: 0,
    attackedCards: 0,
    restoredCards: 0,
    undoneWrites: 0,
    undoneWritesFlagged: 0,
    leftOutByRestores: 0,
    leftOutByRestoresFlagged: 0,
    mismatches: [],
  };
  // Every chip read with the backend's keys, many at once: WebCrypto verifies on Node's thread pool.
  const onChip = new Map<SimCard, number | null>();
  for (let from = 0; from < cards.length; from += 64)
    await Promise.all(
      cards.slice(from, from + 64).map(async (card) => {
        if (!card.attacked) onChip.set(card, verdictState(await readChip(card.chip))?.balance ?? null);
      }),
    );
  for (const card of cards) {
    if (card.attacked) {
      conservation.attackedCards++;
      continue;
    }
    const { book } = card;
    const onCard = onChip.get(card) ?? null;
    const inLedger = ledgerById.get(card.cardId) ?? null;
    conservation.checkedCards++;
    conservation.cards += onCard ?? 0;
    conservation.ledger += inLedger ?? 0;
    conservation.expected += book.expected;
    conservation.topups += book.topups;
    conservation.debits += book.debits;
    conservation.recoveredByTears += book.recovered;
    if (card.restores > 0) conservation.restoredCards++;
    const notes: string[] = [];
    if (book.awaitingRestore) notes.push("reads as nothing and was not restored at a station");
    if (book.rolledBack) notes.push("left one state back by a tear and not written since");
    for (const undone of book.undone) {
      conservation.undoneWrites++;
      // Value a tear gave back is accounted for only if reconciliation reports the write it undid.
      if (inTearRecovery(card, undone)) conservation.undoneWritesFlagged++;
      else notes.push(`${undone.op} ${undone.eventId}, undone by a tear, is in no tear_recovery flag`);
    }
    for (const left of book.leftOutByRestores) {
      conservation.leftOutByRestores++;
      // A restore that leaves out an unconfirmed write is accounted for only if reconciliation flags it.
      if (inTearRecovery(card, left)) conservation.leftOutByRestoresFlagged++;
      else notes.push(`${left.op} ${left.eventId}, left out by a restore, is in no tear_recovery flag`);
    }
    if (onCard !== book.expected || inLedger !== book.expected || notes.length > 0)
      conservation.mismatches.push({
        cardId: card.cardId,
        card: onCard,
        ledger: inLedger,
        expected: book.expected,
        ...(notes.length > 0 ? { notes } : {}),
      });
  }
  conservation.ok = conservation.mismatches.length === 0 && leftInOutboxes === 0 && tears.unexplained === 0;

  for (const [kind, check] of checks) record(kind, check(flags));
  lap("verdicts");
  const attackOutcomes: AttackOutcome[] = [...attackInstances].map(([kind, instances]) => ({
    kind: ATTACK_NAMES[kind],
    injected: instances.length,
    detected: instances.filter((i) => i.detected).length,
    where: instances.find((i) => i.where)?.where ?? null,
    instances,
  }));

  const stats = fleet.map((t) => t.stats);
  const lostAnswers = stats.reduce((sum, s) => sum + s.lostAnswers, 0);
  const faultOutcomes: FaultOutcome[] = [
    {
      kind: "torn_write",
      injected: tearAt.size,
      outcome: `${tally.uncertain} taps unconfirmed and re-read: ${tears.landed} writes had landed, ${tears.lost} had not, ${tears.rolled_back} left the card one state further back, ${tears.unreadable} left it reading as nothing (restored at a station: ${recovery.restored}), ${tears.unexplained} unexplained; tears after the last page write complete normally`,
    },
    {
      kind: "lost_upload_answer",
      injected: lostInjected,
      outcome: `${lostAnswers} answers dropped after the server stored the batch; retried with the same Idempotency-Key`,
    },
    {
      kind: "offline_window",
      injected: offlineWindows,
      outcome: "terminals sold offline and uploaded when back",
    },
    {
      kind: "clock_skew",
      injected: fleet.length,
      outcome: `clocks ahead by up to ${options.clockSkewSeconds} s (largest ${Math.max(...fleet.map((t) => Math.abs(t.clock.skewMs))) / 1000} s)`,
    },
  ];
  const flagCounts: Record<string, number> = {};
  for (const flag of flags) flagCounts[flag.kind] = (flagCounts[flag.kind] ?? 0) + 1;

  const report: SimulationReport = {
    ok: conservation.ok && attackOutcomes.every((a) => a.detected === a.injected),
    seed: options.seed,
    options,
    startedAt: new Date(started).toISOString(),
    durationSeconds: (Date.now() - started) / 1000,
    msPerTap: taps > 0 ? (tapSeconds * 1000) / taps : 0,
    time: {
      tapPhaseSeconds: tapSeconds,
      inEngineTapsSeconds: timing.tapMs / 1000,
      meanEngineTapMs: tally.attempted > 0 ? timing.tapMs / tally.attempted : 0,
      inSyncSeconds: timing.syncMs / 1000,
      roundsInTapPhaseSeconds,
      phases,
      // Summed over terminals (several sync at once): what the upload and sync rounds spend their time on.
      calls: backendCalls(stats),
      roundsByPart: {
        uploadSeconds: stats.reduce((sum, s) => sum + s.uploadMs, 0) / 1000,
        grantSeconds: stats.reduce((sum, s) => sum + s.grantMs, 0) / 1000,
        documentsSeconds: stats.reduce((sum, s) => sum + s.documentsMs, 0) / 1000,
      },
    },
    policyVersion,
    taps: {
      attempted: tally.attempted,
      approved: tally.approved,
      uncertain: tally.uncertain,
      refused: tally.refused,
      refusedByReason: tally.refusedByReason,
      byOperation: tally.byOperation,
    },
    events: {
      uploaded: stats.reduce((sum, s) => sum + s.uploaded, 0),
      leftInOutboxes,
      lostAnswers,
      failedUploads: stats.reduce((sum, s) => sum + s.uploadFailures, 0),
    },
    conservation,
    tears: {
      injected: tearAt.size,
      unconfirmed: tally.uncertain,
      outcomes: { ...tears },
      restoredAtStations: recovery.restored,
      settledAtRestore: { ...recovery.settled },
      restoresFailed: recovery.failed,
      nextVisits: recovery.nextVisits,
    } satisfies TearReport,
    attacks: attackOutcomes,
    faults: faultOutcomes,
    flags: flagCounts,
  };
  for (const terminal of fleet) await terminal.engine.close();
  return report;
}

/** Every terminal's backend calls by route, summed, slowest in total first. */
function backendCalls(stats: TerminalStats[]): SimulationReport["time"]["calls"] {
  const calls = new Map<string, { count: number; ms: number }>();
  for (const s of stats)
    for (const [route, call] of Object.entries(s.calls)) {
      const sum = calls.get(route) ?? { count: 0, ms: 0 };
      calls.set(route, { count: sum.count + call.count, ms: sum.ms + call.ms });
    }
  return [...calls]
    .sort((a, b) => b[1].ms - a[1].ms)
    .map(([route, { count, ms }]) => ({ route, count, meanMs: count > 0 ? ms / count : 0 }));
}

const ATTACK_NAMES: Record<keyof AttackCounts, string> = {
  cloneSameUid: "cloned_card",
  cloneNewUid: "cloned_card_new_uid",
  replay: "replayed_image",
  tamper: "tampered_bytes",
  revokedTerminal: "revoked_terminal",
  expiredGrant: "expired_grant",
  overTransactionLimit: "over_transaction_limit",
  overDailyLimit: "over_daily_limit",
};

/** Caught at a terminal if a tap of the attack was refused there, else at reconciliation if flagged. */
function verdictFor(
  cardId: string,
  refusedAtTerminal: boolean,
  evidence: string[],
  flags: RaisedFlag[],
  kinds: string[],
): AttackInstance {
  const flagged = flags.filter((f) => f.cardId === cardId && kinds.includes(f.kind));
  const seen = [
    ...evidence,
    ...[...new Set(flagged.map((f) => f.kind))].map((k) => `reconciliation flagged ${k}`),
  ];
  const where: DetectedAt | null = refusedAtTerminal
    ? "terminal"
    : flagged.length > 0
      ? "reconciliation"
      : null;
  return { target: cardId, detected: where !== null, where, evidence: seen };
}
