/**
 * The fleet simulation: enrols terminals through the grants Worker, issues and tops up virtual cards at
 * stations, then runs seeded random traffic with offline windows, tears, lost upload answers and attacks,
 * brings every terminal home, and compares cards, the reconciled ledger and its own book.
 *
 * Time is wall time (plus each terminal's skew): the Workers check DPoP proofs, grant windows and event
 * times against their own clocks, so a terminal's clock may only run far ahead while it is offline and
 * cannot upload (the expired-grant attack). Offline windows are stretches of the run, not of the day.
 * Taps run one at a time, in an order fixed by the seed, so a seed repeats the same run.
 */
import "fake-indexeddb/auto";
import {
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
} from "./report.ts";
import { SimTerminal } from "./terminal.ts";

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
  /** Value this chip holds by the simulation's own book: its top-ups minus its debits. */
  expected: number;
  topups: number;
  debits: number;
  /** Value a torn write gave back by leaving the card at an older state (its last write undone). */
  recovered: number;
  inSession: boolean;
  /** An attack wrote to it: it leaves the random traffic and the one-by-one comparison. */
  attacked: boolean;
}

/** Raised limits so one grant covers a station issuing thousands of cards; per-transaction limits stay. */
const SIMULATION_CUMULATIVE_VALUE = 1_000_000_000;
const SIMULATION_CUMULATIVE_COUNT = 10_000_000;
const LOCATION: Record<Role, string> = { pos: "canteen", station: "canteen", gate: "entrance" };
const TRAFFIC_SHARE: Record<Role, number> = { pos: 0.7, gate: 0.2, station: 0.1 };
const SYNC_CONCURRENCY = 8;

/** Its own stream of garbage for one garbled page, drawn from the faults stream in run order. */
function garbleSource(faults: SeededRandom): () => number {
  const stream = faults.fork("garble");
  return () => stream.next();
}

function signedAmount(request: OperationRequest): number {
  switch (request.op) {
    case "topup":
      return request.amount;
    case "debit":
    case "checkout":
      return -request.amount;
    default:
      return 0;
  }
}

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
  const fleet: SimTerminal[] = [];
  const byRole: Record<Role, SimTerminal[]> = { pos: [], gate: [], station: [] };
  const clocks = random.fork("clocks");
  for (const role of ["station", "pos", "gate"] as const) {
    for (let i = 0; i < options.terminals[role]; i++) {
      // Ahead only: a grant's nbf is its issue time with no allowance, so a terminal running behind the
      // backend cannot use a fresh grant until its clock catches up (docs/simulation.md).
      const skew = clocks.next() * options.clockSkewSeconds;
      const terminal = await SimTerminal.open(`${role}-${i}`, role, skew, context.urls);
      await terminal.enrol(await operator.enrolmentCode(role, `Simulated ${role} ${i}`, LOCATION[role]));
      fleet.push(terminal);
      byRole[role].push(terminal);
    }
    if (options.terminals[role] > 0) log(`enrolled ${options.terminals[role]} ${role} terminals`);
  }
  const byName = new Map(fleet.map((t) => [t.name, t]));
  const certificateKeys = (await (
    await fetch(`${context.urls.grants}/.well-known/tessera-certificate-keys.json`)
  ).json()) as { keys: { kid: string; x: string }[] };
  const keys = await keysByVersion(certificateKeys, "certificate");
  /** What any reader with the backend's certificate keys sees on a chip (no deny list, no memory). */
  const chipBalance = async (chip: VirtualNtag): Promise<number | null> => {
    const verdict = await verifyCard(cardImageFromRead(chip.read()), {
      keys,
      policy: { readableLayouts: policy.layouts.readable, acceptedKeyVersions: policy.keys.acceptedVersions },
    });
    return verdictState(verdict)?.balance ?? null;
  };

  /** One tap through the engine, counted; an unconfirmed write is followed by a re-tap, as the screen asks. */
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
    if (!genuine || !card) return result;
    if (terminal.revoked && result.kind !== "refused") {
      // Its writes after revocation are the attack: other terminals refuse the card from now on.
      card.attacked = true;
      return result;
    }
    const delta = signedAmount(request);
    let applied = result.kind === "done";
    if (result.kind === "uncertain") {
      await terminal.engine.readCard(transport);
      // The chip is the truth of what the cardholder holds after a torn write: the new state, the old one,
      // or (a garbled page in the slot being rewritten) the state before the old one, which also undoes the
      // previous write; reconciliation settles that one as a tear recovery.
      const onChip = await chipBalance(card.chip);
      applied = delta !== 0 && onChip === card.expected + delta;
      if (applied) tearOutcomes.landed++;
      else if (onChip === card.expected || onChip === null) tearOutcomes.lost++;
      else {
        tearOutcomes.rolledBack++;
        card.recovered += onChip - card.expected;
        card.expected = onChip;
      }
    }
    if (applied) {
      card.expected += delta;
      if (delta > 0) card.topups += delta;
      else card.debits -= delta;
      if (request.op === "checkin") card.inSession = true;
      if (request.op === "checkout") card.inSession = false;
    }
    return result;
  };
  const tearOutcomes = { landed: 0, lost: 0, rolledBack: 0 };
  const timing = { tapMs: 0, syncMs: 0 };
  const syncAll = async (terminals: SimTerminal[]) => {
    const began = performance.now();
    // A few at a time: every terminal of a large fleet at once would only queue up in the local Workers.
    for (let from = 0; from < terminals.length; from += SYNC_CONCURRENCY)
      await Promise.all(terminals.slice(from, from + SYNC_CONCURRENCY).map((t) => t.sync()));
    timing.syncMs += performance.now() - began;
  };

  // ---- Cards: issued and topped up at stations, all online -----------------------------------------
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
          expected: 0,
          topups: 0,
          debits: 0,
          recovered: 0,
          inSession: false,
          attacked: false,
        };
        cards[i] = card;
        await tap(station, card, { op: "topup", amount: job.topup });
        if (++issued % issueEvery === 0) log(`issued and topped up ${issued}/${options.cards} cards`);
      }
    }),
  );
  await syncAll(byRole.station);

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
  const tearAt = new Set<number>();
  while (tearAt.size < Math.min(options.tears, taps)) tearAt.add(faults.int(0, Math.max(0, taps - 1)));
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
  const liveCards = () => cards.filter((card) => !card.attacked);
  const station = () => {
    const online = byRole.station.filter((t) => t.network.online);
    return online.length > 0 ? plan.pick(online) : undefined;
  };
  /** Tops a card up at an online station until it holds `amount` (attacks that need a rich card). */
  const ensureBalance = async (card: SimCard, amount: number) => {
    for (let guard = 0; card.expected < amount && guard < 20; guard++) {
      const at = station();
      if (!at) return;
      const topup = Math.min(5_000, amount - card.expected, policy.balanceCap - card.expected);
      if (topup <= 0) return;
      await tap(at, card, { op: "topup", amount: topup });
    }
  };
  const victim = (minimum = 0): SimCard => {
    const live = liveCards();
    const rich = live.filter((card) => card.expected >= minimum);
    return plan.pick(rich.length > 0 ? rich : live);
  };
  const record = (kind: AttackKind, instance: AttackInstance) =>
    attackInstances.set(kind, [...(attackInstances.get(kind) ?? []), instance]);
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
      for (let i = 0; i < 3; i++) await tap(r, victim(100), { op: "debit", amount: 100 });
      return (flags) => {
        const evidence: string[] = [];
        const atTerminal = tally.refusedByReason["card_not_valid: revoked_terminal"] ?? 0;
        if (atTerminal > 0)
          evidence.push(`terminals refused ${atTerminal} taps on cards it wrote after revocation`);
        const flagged = flags.filter(
          (f) => f.kind === "revoked_terminal" && f.terminalIds.includes(r.terminalId),
        );
        if (flagged.length > 0) evidence.push(`reconciliation: ${flagged.length} revoked_terminal flags`);
        const where: DetectedAt | null =
          atTerminal > 0 ? "terminal" : flagged.length > 0 ? "reconciliation" : null;
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
  const progressEvery = Math.max(1, Math.floor(taps / 20));
  let nextProgress = progressEvery;
  /** Offline switches, attacks and upload rounds happen between taps, never while a batch is in flight. */
  const boundary = (i: number) => offlineAt.has(i) || attackAt.has(i) || (i > 0 && i % syncEvery === 0);
  interface TapSpec {
    index: number;
    terminal: SimTerminal;
    card: SimCard;
    amount: number;
    tear: Tear | null;
  }
  /** The next tap as the seed decides it; the gate's check-in or check-out is decided when it runs. */
  const draw = (index: number): TapSpec | undefined => {
    const role = pickRole();
    // A revoked terminal made its few writes when revoked; the traffic goes to terminals the venue still runs.
    const terminal = traffic.pick(byRole[role].filter((t) => !revoked.has(t)));
    const live = liveCards();
    if (live.length === 0) return undefined;
    const card = traffic.pick(live);
    const amount =
      role === "pos" ? traffic.int(1, 20) * 50 : role === "station" ? traffic.int(2, 10) * 500 : 0;
    const tear: Tear | null = tearAt.has(index)
      ? { atPage: faults.int(0, 120), model: index % 2 ? "cut" : "garble", random: garbleSource(faults) }
      : null;
    return { index, terminal, card, amount, tear };
  };
  const perform = async ({ terminal, card, amount, tear }: TapSpec) => {
    const request: OperationRequest =
      terminal.role === "pos"
        ? { op: "debit", amount }
        : terminal.role === "station"
          ? { op: "topup", amount }
          : card.inSession
            ? { op: "checkout", amount: 0 }
            : { op: "checkin", zone: 1 };
    card.transport.nextTear = tear;
    await tap(terminal, card, request);
    card.transport.nextTear = null;
  };

  let carried: TapSpec | undefined;
  let i = 0;
  while (i < taps) {
    if (!carried) {
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
      }
    }
    // Taps at different terminals on different cards share nothing, so they run together; the batch ends
    // where the seed's next tap reuses a terminal or a card, or at the next boundary. The outcome is the
    // same as one tap at a time, only sooner.
    const batch: TapSpec[] = [];
    const busyTerminals = new Set<SimTerminal>();
    const busyCards = new Set<SimCard>();
    while (i < taps && batch.length < concurrency && (batch.length === 0 || !boundary(i))) {
      const spec = carried ?? draw(i);
      carried = undefined;
      if (!spec) break;
      if (busyTerminals.has(spec.terminal) || busyCards.has(spec.card)) {
        carried = spec;
        break;
      }
      batch.push(spec);
      busyTerminals.add(spec.terminal);
      busyCards.add(spec.card);
      i++;
    }
    if (batch.length === 0) break;
    await Promise.all(batch.map(perform));
    if (i >= nextProgress) {
      nextProgress += progressEvery;
      log(
        `taps ${i}/${taps}: approved ${tally.approved}, refused ${tally.refused}, uncertain ${tally.uncertain}, offline ${fleet.filter((t) => !t.network.online).length}/${fleet.length} terminals`,
      );
    }
  }
  const tapSeconds = (Date.now() - tapPhase) / 1000;

  // ---- Home: every terminal online, every outbox emptied ---------------------------------------------
  log("bringing every terminal online and uploading");
  for (const terminal of fleet) {
    terminal.clock.jumpSeconds = 0;
    terminal.network.set(true);
  }
  for (let round = 0; round < 5; round++) {
    await syncAll(fleet);
    if (fleet.every((t) => t.outboxDepth() === 0)) break;
  }
  const leftInOutboxes = fleet.reduce((sum, t) => sum + t.outboxDepth(), 0);

  // ---- Verdicts ---------------------------------------------------------------------------------------
  log("reading the ledger and the flags");
  const [ledger, flags] = await Promise.all([operator.cards(), operator.flags()]);
  const ledgerById = new Map(ledger.map((c) => [c.cardId, c.balance]));
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
    mismatches: [],
  };
  for (const card of cards) {
    if (card.attacked) {
      conservation.attackedCards++;
      continue;
    }
    const onCard = await chipBalance(card.chip);
    const inLedger = ledgerById.get(card.cardId) ?? null;
    conservation.checkedCards++;
    conservation.cards += onCard ?? 0;
    conservation.ledger += inLedger ?? 0;
    conservation.expected += card.expected;
    conservation.topups += card.topups;
    conservation.debits += card.debits;
    conservation.recoveredByTears += card.recovered;
    if (onCard !== card.expected || inLedger !== card.expected)
      conservation.mismatches.push({
        cardId: card.cardId,
        card: onCard,
        ledger: inLedger,
        expected: card.expected,
      });
  }
  conservation.ok = conservation.mismatches.length === 0 && leftInOutboxes === 0;

  for (const [kind, check] of checks) record(kind, check(flags));
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
      outcome: `${tally.uncertain} taps unconfirmed and re-read: ${tearOutcomes.landed} writes had landed, ${tearOutcomes.lost} had not, ${tearOutcomes.rolledBack} left the card one state further back (tears after the last page write complete normally)`,
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
    attacks: attackOutcomes,
    faults: faultOutcomes,
    flags: flagCounts,
  };
  for (const terminal of fleet) await terminal.engine.close();
  return report;
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
