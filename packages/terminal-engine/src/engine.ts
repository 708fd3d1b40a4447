/**
 * The terminal engine: everything a Tessera terminal does except drawing it. It opens the terminal's
 * IndexedDB, loads what the last run left (grant, policy, deny list, outbox, card memory) so it can sell
 * offline at once, then keeps those fresh in the background while taps go through the crash-safe path.
 * The web app and the fleet simulator run this same code.
 */
import {
  type CardTransport,
  type CatalogProduct,
  DEFAULT_POLICY,
  generateSigningKeyPair,
  jwkThumbprint,
  type OperationRequest,
  type PolicyDocument,
  publicKeyToJwk,
} from "@tessera/protocol";
import { BackendClient, BackendError, type Endpoints } from "./backend/backend-client.ts";
import { CardLedgerAnswer, EnrolmentAnswer, PATHS } from "./backend/contract.ts";
import { Backoff } from "./backoff.ts";
import { CardMemory } from "./cards/card-memory.ts";
import { type Clock, epochSeconds, systemClock } from "./clock.ts";
import { EngineError } from "./errors.ts";
import { loadGrant, refreshGrant } from "./grant/session-grant.ts";
import { OutboxGauge } from "./outbox/gauge.ts";
import { type UploadSummary, uploadOutbox } from "./outbox/upload.ts";
import { sendReport } from "./reports/report.ts";
import {
  flushSettlements,
  grantCredentials,
  grantInForce,
  publishGrant,
  publishOutbox,
  publishShift,
  type Runtime,
  recordError,
  settledRecord,
  type TapStep,
} from "./runtime.ts";
import { JobScheduler } from "./scheduler.ts";
import {
  type ClosedShift,
  countEvent,
  isEmptyShift,
  openShift,
  type ShiftTally,
} from "./shift/shift-tally.ts";
import { type TerminalInfo, type TerminalSnapshot, TerminalStateStore } from "./state/terminal-state.ts";
import {
  CURRENT,
  DEFAULT_DATABASE_NAME,
  DEVICE,
  inTransaction,
  openTerminalDatabase,
  TERMINAL,
  type TerminalDatabase,
} from "./storage/database.ts";
import type { DeviceRecord, OutboxRecord, TerminalRecord } from "./storage/records.ts";
import { loadDenyList, syncDenyList } from "./sync/deny-list.ts";
import { syncCatalog, syncPolicy } from "./sync/documents.ts";
import type { CardReadResultView, TapResult } from "./tap/results.ts";
import { performTap, readCard } from "./tap/tap.ts";

/** Whether the device has a network at all, and when that changes (the browser's online/offline events). */
export interface NetworkStatus {
  isOnline(): boolean;
  subscribe(onChange: () => void): () => void;
}

/** navigator.onLine and the window's online/offline events where they exist; always "online" elsewhere. */
export function defaultNetworkStatus(): NetworkStatus {
  const target = globalThis as unknown as Partial<Pick<Window, "addEventListener" | "removeEventListener">>;
  return {
    isOnline: () =>
      typeof navigator !== "undefined" && typeof navigator.onLine === "boolean" ? navigator.onLine : true,
    subscribe(onChange) {
      if (typeof target.addEventListener !== "function") return () => {};
      target.addEventListener("online", onChange);
      target.addEventListener("offline", onChange);
      return () => {
        target.removeEventListener?.("online", onChange);
        target.removeEventListener?.("offline", onChange);
      };
    },
  };
}

export interface TerminalEngineOptions {
  /** Base URLs of the three Workers, without a trailing slash. */
  endpoints: Endpoints;
  /** Sent at enrolment and in reports; policy switches card layouts only once the fleet runs new enough software. */
  softwareVersion: string;
  fetch?: typeof fetch;
  clock?: Clock;
  /** Source of jitter, values in [0, 1). */
  random?: () => number;
  network?: NetworkStatus;
  databaseName?: string;
  requestTimeoutMs?: number;
  /** How long an unconfirmed tap waits for its card to come back before it uploads as uncertain. */
  uncertainHoldSeconds?: number;
  /** Bounds of the card memory. */
  rememberedCards?: number;
  knownCardStates?: number;
  /**
   * Called at each step boundary of a tap. Tests throw here to simulate a crash at that point; the engine
   * must then be abandoned (closed) and a new one opened on the same storage.
   */
  onTapStep?: (step: TapStep) => void | Promise<void>;
}

type JobName = "grant" | "documents" | "denyList" | "upload" | "report";

const SECOND = 1000;
/** A grant answer that asks to be refreshed at once (an edge-cached repeat) must not cause a refresh loop. */
const MIN_GRANT_REFRESH_MS = 60 * SECOND;
/** Jobs that cannot do anything yet (not enrolled) look again after this, or when enrolment starts them. */
const IDLE_MS = 60 * 60 * SECOND;

export class TerminalEngine {
  readonly #rt: Runtime;
  readonly #scheduler: JobScheduler<JobName>;
  readonly #network: NetworkStatus;
  readonly #backoff: Record<JobName, Backoff>;
  #tapQueue: Promise<unknown> = Promise.resolve();
  /** Card operations queued or running. */
  #queued = 0;
  #flushTimer: unknown;
  #validityTimer: unknown;
  #unsubscribeNetwork: (() => void) | undefined;
  #closed = false;

  /** Subscribe to snapshot changes (React: `useSyncExternalStore(engine.subscribe, engine.getSnapshot)`). */
  readonly subscribe: (listener: () => void) => () => void;
  readonly getSnapshot: () => TerminalSnapshot;

  private constructor(rt: Runtime, network: NetworkStatus) {
    this.#rt = rt;
    this.#network = network;
    this.subscribe = rt.state.subscribe;
    this.getSnapshot = rt.state.getSnapshot;
    const backoff = () => new Backoff({ baseMs: 2 * SECOND, maxMs: 5 * 60 * SECOND }, rt.random);
    this.#backoff = {
      grant: backoff(),
      documents: backoff(),
      denyList: backoff(),
      upload: backoff(),
      report: backoff(),
    };
    this.#scheduler = new JobScheduler<JobName>(rt.clock, {
      grant: () => this.#grantJob(),
      documents: () => this.#documentsJob(),
      denyList: () => this.#denyListJob(),
      upload: () => this.#uploadJob(),
      report: () => this.#reportJob(),
    });
  }

  /** Opens the terminal's storage and loads everything the last run left; the terminal can tap offline after this. */
  static async open(options: TerminalEngineOptions): Promise<TerminalEngine> {
    const db = await openTerminalDatabase(options.databaseName ?? DEFAULT_DATABASE_NAME);
    try {
      return await TerminalEngine.#load(db, options);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  static async #load(db: TerminalDatabase, options: TerminalEngineOptions): Promise<TerminalEngine> {
    const clock = options.clock ?? systemClock;
    const network = options.network ?? defaultNetworkStatus();
    const state = new TerminalStateStore();
    const device = (await db.get("identity", DEVICE)) as DeviceRecord | undefined;
    const terminal = (await db.get("identity", TERMINAL)) as TerminalRecord | undefined;
    const hold = options.uncertainHoldSeconds ?? 15 * 60;
    const now = epochSeconds(clock);

    // Recovery: a pending write outlived its tap (crash, power loss, closed tab). Whether the card was
    // written is unknown, so it becomes uncertain and waits for the card's next read to settle it.
    const journal = await inTransaction(db, ["outbox"], "readwrite", async (tx) => {
      const outbox = tx.objectStore("outbox");
      const records = await outbox.index("seq").getAll();
      const recovered: Promise<unknown>[] = [];
      // Settlements a later record carried stand for the settled records (see tap.ts): rewrite them first.
      const byId = new Map(records.map((record, i) => [record.id, i]));
      for (const carrier of records) {
        for (const { id, status } of carrier.settles ?? []) {
          const i = byId.get(id);
          const settled = i === undefined ? undefined : settledRecord(records[i]!, status);
          if (i === undefined || !settled) continue;
          records[i] = settled;
          recovered.push(outbox.put(settled));
        }
      }
      records.forEach((record, i) => {
        if (record.status !== "pending_write") return;
        const uncertain: OutboxRecord = {
          ...record,
          status: "uncertain",
          heldUntil: Math.max(record.heldUntil, now + hold),
        };
        records[i] = uncertain;
        recovered.push(outbox.put(uncertain));
      });
      await Promise.all(recovered);
      return records;
    });

    // What the outbox's events carry (see records.ts) is added to what the other stores hold.
    const cards = await CardMemory.load(
      db,
      {
        rememberedCards: options.rememberedCards ?? 10_000,
        knownCardStates: options.knownCardStates ?? 1_000,
      },
      journal,
    );
    const outbox = OutboxGauge.fromJournal(journal);
    const policy = await db.get("policy", CURRENT);
    const grant = await loadGrant(db, (policy?.document ?? DEFAULT_POLICY).clockSkewSeconds);
    let usage = grant ? await db.get("offlineUsage", grant.scope.grantId) : undefined;
    for (const record of journal) {
      const counted = record.usage;
      if (counted && counted.grantId === grant?.scope.grantId && counted.count > (usage?.count ?? -1))
        usage = { ...counted, updatedAt: record.at };
    }
    let base = await db.get("shift", CURRENT);
    if (!base) {
      // The first start of a terminal, or of the software that keeps the tally here: a shift opens now.
      base = openShift(crypto.randomUUID(), clock.now());
      await db.put("shift", base, CURRENT);
    }
    let shift = base;
    for (const record of journal)
      if (record.shiftId === base.id) shift = countEvent(shift, record.status, record.event);
    const lastSeq = terminal ? await lastSeqOf(db, terminal.terminalId) : 0;

    const rt: Runtime = {
      db,
      clock,
      random: options.random ?? Math.random,
      client: new BackendClient({
        fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
        endpoints: options.endpoints,
        clock,
        isOnline: () => network.isOnline(),
        onConnectivity: (connectivity) => state.update({ connectivity }),
        timeoutMs: options.requestTimeoutMs ?? 15 * SECOND,
      }),
      state,
      settings: { softwareVersion: options.softwareVersion, uncertainHoldSeconds: hold },
      cards,
      outbox,
      shift,
      device,
      terminal,
      grant,
      policy,
      catalog: await db.get("catalog", CURRENT),
      denyList: await loadDenyList({ db }),
      usage,
      lastSeq,
      counters: { tapsApproved: 0, tapsRefused: 0, uncertain: 0 },
      lastUploadAt: null,
      held: [],
      carried: new Map(),
      requestFlush: () => {},
      checkpoint: async (step) => {
        try {
          await options.onTapStep?.(step);
        } catch (error) {
          // A crash at a step boundary: what only memory held goes with it.
          rt.held.length = 0;
          throw error;
        }
      },
      requestUpload: () => {},
    };
    const engine = new TerminalEngine(rt, network);
    rt.requestUpload = () => engine.#requestUpload();
    rt.requestFlush = () => engine.#requestFlush();
    await engine.#publishAll();
    return engine;
  }

  async #publishAll(): Promise<void> {
    const rt = this.#rt;
    const last = rt.cards.lastKnown;
    // The newest event still on this device is the last tap, as far as a restart can tell.
    const newest = await rt.db.transaction("outbox").store.index("seq").openCursor(null, "prev");
    rt.state.update({
      phase: rt.terminal ? "ready" : "not_enrolled",
      connectivity: this.#network.isOnline() ? "checking" : "offline",
      terminal: rt.terminal ? terminalInfo(rt.terminal) : null,
      policyVersion: rt.policy?.document.version ?? null,
      catalogVersion: rt.catalog?.document.version ?? null,
      denyListVersion: rt.denyList.version,
      lastCard: last ? { verdict: last.verdict, uid: last.uid, state: last } : null,
      lastTap: newest
        ? {
            at: newest.value.at,
            op: newest.value.event.op,
            kind: newest.value.status === "confirmed" ? "done" : "uncertain",
            cardId: newest.value.cardId,
            amount: newest.value.event.amount,
          }
        : null,
    });
    this.#publishGrant();
    publishOutbox(rt);
    publishShift(rt);
  }

  /** Publishes the grant and re-publishes it when it comes into force or expires. */
  #publishGrant(): void {
    const rt = this.#rt;
    publishGrant(rt);
    if (this.#validityTimer !== undefined) rt.clock.clearTimer(this.#validityTimer);
    this.#validityTimer = undefined;
    const grant = rt.grant;
    if (!grant || this.#closed) return;
    const now = epochSeconds(rt.clock);
    const next =
      now < grant.scope.notBefore
        ? grant.scope.notBefore
        : now < grant.scope.expiresAt
          ? grant.scope.expiresAt
          : undefined;
    if (next !== undefined) {
      this.#validityTimer = rt.clock.setTimer(() => this.#publishGrant(), (next - now) * SECOND);
    }
  }

  /** Starts the background jobs: grant refresh, policy/catalog and deny-list sync, uploads and reports. */
  start(): void {
    if (this.#closed) throw new EngineError("closed", "this engine has been closed");
    if (this.#scheduler.running) return;
    this.#unsubscribeNetwork = this.#network.subscribe(() => this.#networkChanged());
    // The grant first: everything else authenticates with it.
    this.#scheduler.start({ documents: 0, denyList: SECOND, upload: 2 * SECOND, report: 5 * SECOND });
  }

  /** Stops the background jobs and waits for the running ones to finish. */
  async stop(): Promise<void> {
    this.#scheduler.stop();
    this.#unsubscribeNetwork?.();
    this.#unsubscribeNetwork = undefined;
    await this.#scheduler.idle();
  }

  /**
   * Stops everything and closes the storage. It writes only the held settlements of taps already shown (a
   * crash at a tap step drops those, as a real one would), so it is safe right after a simulated crash.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.stop();
    // An orderly close is no crash: the settlements of taps already shown are written first.
    await this.#tapQueue;
    await flushSettlements(this.#rt);
    if (this.#flushTimer !== undefined) this.#rt.clock.clearTimer(this.#flushTimer);
    if (this.#validityTimer !== undefined) this.#rt.clock.clearTimer(this.#validityTimer);
    this.#rt.db.close();
    this.#rt.state.update({ phase: "closed" });
  }

  /** Resolves once no background job is running (for tests and orderly shutdown). */
  whenIdle(): Promise<void> {
    return this.#scheduler.idle();
  }

  #assertOpen(): void {
    if (this.#closed) throw new EngineError("closed", "this engine has been closed");
  }

  /**
   * Enrols with a one-time code. The device key is generated here (non-extractable) and stored before the
   * request goes out, so a lost answer never leaves the backend holding a key this device does not have.
   */
  async enrol(code: string): Promise<TerminalInfo> {
    this.#assertOpen();
    const rt = this.#rt;
    if (rt.terminal)
      throw new EngineError("already_enrolled", `already enrolled as ${rt.terminal.terminalId}`);
    if (!rt.device) {
      const keyPair = await generateSigningKeyPair(false);
      const publicJwk = await publicKeyToJwk(keyPair.publicKey);
      const device: DeviceRecord = {
        kind: "device",
        keyPair,
        publicJwk,
        jkt: await jwkThumbprint(publicJwk),
        createdAt: epochSeconds(rt.clock),
      };
      await rt.db.put("identity", device, DEVICE);
      rt.device = device;
    }
    const answer = EnrolmentAnswer.parse(
      await rt.client.json("grants", "POST", PATHS.enrol, {
        body: { code, publicKey: rt.device.publicJwk, softwareVersion: rt.settings.softwareVersion },
      }),
    );
    const terminal: TerminalRecord = {
      kind: "terminal",
      terminalId: answer.terminalId,
      terminalNumber: answer.terminalNumber,
      role: answer.role,
      locationId: answer.locationId,
      name: answer.name,
      enrolledAt: epochSeconds(rt.clock),
    };
    await rt.db.put("identity", terminal, TERMINAL);
    rt.terminal = terminal;
    rt.lastSeq = await lastSeqOf(rt.db, terminal.terminalId);
    rt.state.update({ phase: "ready", terminal: terminalInfo(terminal) });
    if (this.#scheduler.running)
      for (const job of ["grant", "documents"] as const) void this.#scheduler.run(job);
    return terminalInfo(terminal);
  }

  /** One tap: verify, decide, write and confirm. Taps run one at a time, in the order asked. */
  tap(transport: CardTransport, request: OperationRequest): Promise<TapResult> {
    this.#assertOpen();
    return this.#betweenTaps(() => performTap(this.#rt, transport, request));
  }

  /** Reads and verifies a card without writing (balance view); settles earlier uncertain taps of the chip. */
  readCard(transport: CardTransport): Promise<CardReadResultView> {
    this.#assertOpen();
    return this.#betweenTaps(() => readCard(this.#rt, transport));
  }

  /** The end-of-shift tally of the shift in progress (also in every snapshot). */
  shift(): ShiftTally {
    return this.#rt.shift;
  }

  /**
   * Closes the shift and opens the next one in one transaction, between taps (a tap in progress is counted
   * in the shift it started in). Returns the closed shift's tally.
   */
  closeShift(): Promise<ClosedShift> {
    this.#assertOpen();
    return this.#betweenTaps(async () => {
      const rt = this.#rt;
      const closedAt = rt.clock.now();
      const next = openShift(crypto.randomUUID(), closedAt);
      await inTransaction(rt.db, ["shift"], "readwrite", (tx) => tx.objectStore("shift").put(next, CURRENT));
      const closed = { ...rt.shift, closedAt };
      rt.shift = next;
      publishShift(rt);
      return closed;
    });
  }

  /**
   * Takes over a tally kept elsewhere by earlier software (the web app kept it in localStorage), once: only
   * while this shift has counted nothing, so no tap is ever counted twice or dropped. Returns whether it did.
   */
  adoptShift(earlier: Omit<ShiftTally, "id">): Promise<boolean> {
    this.#assertOpen();
    return this.#betweenTaps(async () => {
      const rt = this.#rt;
      if (!isEmptyShift(rt.shift)) return false;
      const adopted: ShiftTally = { ...earlier, id: rt.shift.id };
      await inTransaction(rt.db, ["shift"], "readwrite", (tx) =>
        tx.objectStore("shift").put(adopted, CURRENT),
      );
      rt.shift = adopted;
      publishShift(rt);
      return true;
    });
  }

  /** Runs `work` in the queue taps run in, so it never interleaves with a tap's transactions. */
  #betweenTaps<T>(work: () => Promise<T>): Promise<T> {
    this.#queued++;
    const run = this.#tapQueue.then(work).finally(() => {
      this.#queued--;
      if (this.#rt.held.length > 0 || this.#rt.carried.size > 0) this.#requestFlush();
    });
    this.#tapQueue = run.catch(() => undefined);
    return run;
  }

  /**
   * Flushes held settlements once no card operation is queued or running; while one is, it carries them in
   * its own write or asks again when it ends.
   */
  #requestFlush(): void {
    if (this.#flushTimer !== undefined || this.#closed) return;
    this.#flushTimer = this.#rt.clock.setTimer(() => {
      this.#flushTimer = undefined;
      if (this.#queued > 0 || (this.#rt.held.length === 0 && this.#rt.carried.size === 0)) return;
      void this.#betweenTaps(() => flushSettlements(this.#rt));
    }, 0);
  }

  /** Fetches and adopts a new grant now; throws if that fails (the current grant is kept). */
  async refreshGrant(): Promise<void> {
    this.#assertOpen();
    await refreshGrant(this.#rt);
    this.#afterGrant();
  }

  /** Syncs policy, catalog and deny list now; throws the first failure after trying all three. */
  async syncNow(): Promise<void> {
    this.#assertOpen();
    const outcomes = await Promise.allSettled([
      syncPolicy(this.#rt),
      syncCatalog(this.#rt),
      syncDenyList(this.#rt),
    ]);
    const failed = outcomes.find((outcome) => outcome.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }

  /** Uploads due events now; throws if the backend cannot be reached (nothing is lost). */
  uploadOutbox(): Promise<UploadSummary> {
    this.#assertOpen();
    return uploadOutbox(this.#rt);
  }

  sendReport(): Promise<void> {
    this.#assertOpen();
    return sendReport(this.#rt);
  }

  /** The grant's validity and time left by the engine's clock, for a ticking display. */
  grantStatus(): { valid: boolean; secondsLeft: number; expiresAt: number } | null {
    const grant = this.#rt.grant;
    if (!grant) return null;
    const now = epochSeconds(this.#rt.clock);
    return {
      valid: grantInForce(grant, now),
      secondsLeft: Math.max(0, grant.scope.expiresAt - now),
      expiresAt: grant.scope.expiresAt,
    };
  }

  /** The policy in force on this terminal (currency, session rules, limits), or null before the first sync. */
  policy(): PolicyDocument | null {
    return this.#rt.policy?.document ?? null;
  }

  /** The products this terminal sells: the catalog's entry for the grant's location. */
  products(): CatalogProduct[] {
    const location = this.#rt.grant?.scope.locationId ?? this.#rt.terminal?.locationId;
    return this.#rt.catalog?.document.locations.find((entry) => entry.id === location)?.products ?? [];
  }

  /** The reconciled ledger's view of a card, which a station restores (reissues) it from. Online only. */
  async cardLedger(cardId: string): Promise<CardLedgerAnswer> {
    this.#assertOpen();
    const credentials = grantCredentials(this.#rt);
    if (!credentials)
      throw new EngineError("no_grant", "a card's ledger is read with a session grant in force");
    return CardLedgerAnswer.parse(
      await this.#rt.client.json("reconciliation", "GET", PATHS.cardRestore(cardId), {
        credentials,
        proof: true,
      }),
    );
  }

  #afterGrant(): void {
    const rt = this.#rt;
    this.#publishGrant();
    if (!this.#scheduler.running || !rt.grant) return;
    // The grant was issued under a newer policy than this terminal holds: fetch it now. The deny list is
    // checked at every new grant (a cheap delta): it is what makes revocations reach the terminal.
    if ((rt.policy?.document.version ?? 0) < rt.grant.record.claims.pv) void this.#scheduler.run("documents");
    void this.#scheduler.run("denyList");
    this.#requestUpload();
  }

  #requestUpload(): void {
    // A backing-off upload keeps its pace; otherwise events go up as soon as they exist.
    if (this.#scheduler.running && this.#backoff.upload.attempt === 0) void this.#scheduler.run("upload");
  }

  #networkChanged(): void {
    if (!this.#network.isOnline()) {
      this.#rt.state.update({ connectivity: "offline" });
      return;
    }
    // Back online: everything that waited goes now, not at the end of a long backoff.
    this.#rt.state.update({ connectivity: "checking" });
    for (const name of Object.keys(this.#backoff) as JobName[]) {
      this.#backoff[name].succeed();
      void this.#scheduler.run(name);
    }
  }

  /** How long to wait after a failure: the backoff, or longer if the server asked (Retry-After). */
  async #failed(name: JobName, code: string, error: unknown): Promise<number> {
    const backoff = this.#backoff[name];
    // The first failure of a streak is worth a report; the rest of the streak is the same story.
    if (backoff.attempt === 0) await recordError(this.#rt, code, error);
    let delay = backoff.fail();
    const retryAfter = error instanceof BackendError ? error.retryAfterSeconds : undefined;
    if (retryAfter !== undefined) delay = Math.max(delay, retryAfter * SECOND);
    return delay;
  }

  async #grantJob(): Promise<number> {
    const rt = this.#rt;
    if (!rt.terminal) return IDLE_MS;
    const now = epochSeconds(rt.clock);
    const grant = rt.grant;
    if (grant && grantInForce(grant, now) && now < grant.record.refreshAt) {
      return (grant.record.refreshAt - now) * SECOND;
    }
    try {
      await refreshGrant(rt);
    } catch (error) {
      // The grant in force (if any) stays: a failed refresh never takes away the right to sell.
      return this.#failed("grant", "grant_refresh_failed", error);
    }
    this.#backoff.grant.succeed();
    this.#afterGrant();
    const refreshAt = rt.grant!.record.refreshAt;
    return Math.max((refreshAt - epochSeconds(rt.clock)) * SECOND, MIN_GRANT_REFRESH_MS);
  }

  #policy() {
    return this.#rt.policy?.document ?? DEFAULT_POLICY;
  }

  async #documentsJob(): Promise<number> {
    const rt = this.#rt;
    if (!rt.terminal) return IDLE_MS;
    try {
      await syncPolicy(rt);
      await syncCatalog(rt);
    } catch (error) {
      return this.#failed("documents", "policy_sync_failed", error);
    }
    this.#backoff.documents.succeed();
    return this.#policy().reports.cadenceSeconds * SECOND;
  }

  async #denyListJob(): Promise<number> {
    const rt = this.#rt;
    const cadence = this.#policy().upload.cadenceSeconds * SECOND;
    if (!rt.terminal || !grantCredentials(rt)) return rt.terminal ? cadence : IDLE_MS;
    try {
      await syncDenyList(rt);
    } catch (error) {
      return this.#failed("denyList", "deny_list_sync_failed", error);
    }
    this.#backoff.denyList.succeed();
    return cadence;
  }

  async #uploadJob(): Promise<number> {
    const rt = this.#rt;
    const cadence = this.#policy().upload.cadenceSeconds * SECOND;
    if (!rt.terminal) return IDLE_MS;
    // Without a grant in force nothing can be sent; the grant job asks for an upload once it has one.
    if (!grantCredentials(rt)) return cadence;
    try {
      await uploadOutbox(rt);
    } catch (error) {
      if (
        error instanceof BackendError &&
        (error.code === "grant_expired" || error.code === "grant_invalid")
      ) {
        void this.#scheduler.run("grant");
      }
      return this.#failed("upload", "upload_failed", error);
    }
    this.#backoff.upload.succeed();
    return cadence;
  }

  async #reportJob(): Promise<number> {
    const rt = this.#rt;
    const cadence = this.#policy().reports.cadenceSeconds * SECOND;
    if (!rt.terminal || !grantCredentials(rt)) return rt.terminal ? cadence : IDLE_MS;
    try {
      await sendReport(rt);
    } catch {
      // Reports are fire-and-forget: a failed one is not an error worth reporting, and the next one
      // carries the same errors and counts.
      return Math.min(this.#backoff.report.fail(), cadence);
    }
    this.#backoff.report.succeed();
    return cadence;
  }
}

/** The last `seq` given: the sequence store marks what has left the outbox; the outbox holds the rest. */
async function lastSeqOf(db: TerminalDatabase, terminalId: string): Promise<number> {
  const [stored, newest] = await Promise.all([
    db.get("sequence", terminalId),
    db.transaction("outbox").store.index("seq").openCursor(null, "prev"),
  ]);
  return Math.max(stored?.lastSeq ?? 0, newest?.value.seq ?? 0);
}

function terminalInfo(terminal: TerminalRecord): TerminalInfo {
  return {
    terminalId: terminal.terminalId,
    terminalNumber: terminal.terminalNumber,
    role: terminal.role,
    name: terminal.name,
    locationId: terminal.locationId,
  };
}
