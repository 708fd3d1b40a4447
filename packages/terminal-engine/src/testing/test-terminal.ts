/** A terminal engine enrolled against an in-process backend on a hand-moved clock: the start of most tests. */
import type { PolicyDocument, Role } from "@tessera/protocol";
import { T0 } from "@tessera/protocol/testing";
import { VirtualCardTransport, VirtualNtag } from "@tessera/protocol/virtual-card";
import { type NetworkStatus, TerminalEngine, type TerminalEngineOptions } from "../engine.ts";
import { FakeBackend } from "./fake-backend.ts";
import { ManualClock } from "./manual-clock.ts";

export interface TestTerminalOptions {
  role?: Role;
  policy?: Partial<PolicyDocument>;
  denyListChunkSize?: number;
  /** Extra engine options (crash hooks, bounds, hold). */
  engine?: Partial<TerminalEngineOptions>;
  /** Stop after opening the engine: no enrolment, grant or sync. */
  bare?: boolean;
  /** How far the backend's clock runs ahead of the terminal's (negative: behind), in ms. */
  backendClockAheadMs?: number;
}

/** A network flag tests flip by hand; the engine hears of every change. */
export class TestNetwork implements NetworkStatus {
  online = true;
  readonly #listeners = new Set<() => void>();

  isOnline(): boolean {
    return this.online;
  }

  subscribe(onChange: () => void): () => void {
    this.#listeners.add(onChange);
    return () => this.#listeners.delete(onChange);
  }

  set(online: boolean): void {
    this.online = online;
    for (const listener of this.#listeners) listener();
  }
}

export interface TestTerminal {
  clock: ManualClock;
  backend: FakeBackend;
  network: TestNetwork;
  engine: TerminalEngine;
  databaseName: string;
  /** Opens another engine on the same storage (a restart after a crash or reload). */
  reopen(extra?: Partial<TerminalEngineOptions>): Promise<TerminalEngine>;
  /** A fresh NTAG215 issued by the backend's own station with this balance, on a virtual reader. */
  card(balance: number): Promise<{ card: VirtualNtag; transport: VirtualCardTransport; cardId: string }>;
}

export async function createTestTerminal(options: TestTerminalOptions = {}): Promise<TestTerminal> {
  const clock = new ManualClock(T0 * 1000);
  const ahead = options.backendClockAheadMs ?? 0;
  const backend = await FakeBackend.create({
    clock: ahead === 0 ? clock : { now: () => clock.now() + ahead },
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.denyListChunkSize ? { denyListChunkSize: options.denyListChunkSize } : {}),
  });
  const network = new TestNetwork();
  const databaseName = `tessera-test-${crypto.randomUUID()}`;
  const open = (extra: Partial<TerminalEngineOptions> = {}) =>
    TerminalEngine.open({
      endpoints: backend.endpoints,
      fetch: backend.fetch,
      clock,
      // Mid-range jitter: delays are deterministic, and still differ from the bare exponential.
      random: () => 0.5,
      network,
      databaseName,
      softwareVersion: "engine-test-1",
      ...options.engine,
      ...extra,
    });
  const engine = await open();
  if (!options.bare) {
    await engine.enrol(backend.createEnrolmentCode({ role: options.role ?? "pos" }));
    await engine.refreshGrant();
    await engine.syncNow();
  }
  return {
    clock,
    backend,
    network,
    engine,
    databaseName,
    reopen: open,
    async card(balance) {
      const card = new VirtualNtag({ model: "NTAG215" });
      const cardId = await backend.issueCard(card, balance);
      return { card, transport: new VirtualCardTransport(card), cardId };
    },
  };
}
