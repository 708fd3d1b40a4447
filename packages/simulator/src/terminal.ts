/**
 * One simulated terminal: the real TerminalEngine on its own in-memory IndexedDB, with a clock that may be
 * skewed, a network switch the simulation flips, and a fetch that can lose an answer on its way back.
 */
import type { Role } from "@tessera/protocol";
import { BackendError, type Clock, type Endpoints, TerminalEngine } from "@tessera/terminal-engine";
import { TestNetwork } from "@tessera/terminal-engine/testing";
import { IDBFactory } from "fake-indexeddb";

/** Wall time plus this terminal's skew; `jumpSeconds` moves it further while the terminal is offline. */
export class TerminalClock implements Clock {
  readonly skewMs: number;
  jumpSeconds = 0;

  constructor(skewSeconds: number) {
    this.skewMs = Math.round(skewSeconds * 1000);
  }

  now(): number {
    return Date.now() + this.skewMs + this.jumpSeconds * 1000;
  }

  setTimer(callback: () => unknown, delayMs: number): unknown {
    // The only timer the engine sets without start() is the grant's expiry notice; it must not keep the
    // process alive after the run.
    const timer = setTimeout(callback, Math.min(Math.max(0, delayMs), 2_147_483_647));
    timer.unref();
    return timer;
  }

  clearTimer(handle: unknown): void {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  }
}

const UPLOAD_PATH = "/v1/reconciliation/batches";

/** A backend call's method and route, ids left out, so calls of one kind add up: `GET /v1/cards/{id}/restore`. */
export function routeOf(method: string, url: string): string {
  const path = new URL(url).pathname
    .split("/")
    .map((segment) => (/^[0-9a-f]{16}$|^[a-z]+_[0-9A-Za-z]+$/.test(segment) ? "{id}" : segment))
    .join("/");
  return `${method} ${path}`;
}

export interface TerminalStats {
  lostAnswers: number;
  uploadFailures: number;
  uploaded: number;
  syncFailures: number;
  /** Time spent in each part of `sync()`, milliseconds: where an upload round's time goes. */
  uploadMs: number;
  grantMs: number;
  documentsMs: number;
  /** Backend calls by route: how many, and milliseconds until each answer's headers arrived. */
  calls: Record<string, { count: number; ms: number }>;
}

export class SimTerminal {
  readonly name: string;
  readonly role: Role;
  readonly clock: TerminalClock;
  readonly network = new TestNetwork();
  readonly stats: TerminalStats = {
    lostAnswers: 0,
    uploadFailures: 0,
    uploaded: 0,
    syncFailures: 0,
    uploadMs: 0,
    grantMs: 0,
    documentsMs: 0,
    calls: {},
  };
  /** Upload answers to drop: the server stores the batch, the terminal never hears back. */
  loseNextUploadAnswers = 0;
  engine!: TerminalEngine;
  terminalId = "";
  revoked = false;

  private constructor(name: string, role: Role, skewSeconds: number) {
    this.name = name;
    this.role = role;
    this.clock = new TerminalClock(skewSeconds);
  }

  static async open(
    name: string,
    role: Role,
    skewSeconds: number,
    endpoints: Endpoints,
  ): Promise<SimTerminal> {
    const terminal = new SimTerminal(name, role, skewSeconds);
    // idb opens through the global factory; giving each terminal its own keeps their databases apart, as
    // two devices' browsers are. The engine holds the opened database, so the swap is safe afterwards.
    globalThis.indexedDB = new IDBFactory();
    terminal.engine = await TerminalEngine.open({
      endpoints,
      softwareVersion: "simulator-1",
      fetch: (input, init) => terminal.#fetch(input, init),
      clock: terminal.clock,
      network: terminal.network,
      databaseName: `tessera-sim-${name}`,
      // The simulation taps a card again right after an unconfirmed write, as the screen asks; what that
      // read cannot settle goes up at once rather than waiting out the usual hold.
      uncertainHoldSeconds: 0,
    });
    return terminal;
  }

  async #fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const began = performance.now();
    const response = await fetch(input, init);
    const route = routeOf(init?.method ?? "GET", url);
    const call = this.stats.calls[route] ?? { count: 0, ms: 0 };
    this.stats.calls[route] = call;
    call.count++;
    call.ms += performance.now() - began;
    if (this.loseNextUploadAnswers > 0 && init?.method === "POST" && url.endsWith(UPLOAD_PATH)) {
      this.loseNextUploadAnswers--;
      this.stats.lostAnswers++;
      await response.arrayBuffer();
      throw new TypeError("fetch failed: the connection dropped before the answer arrived");
    }
    return response;
  }

  /** Enrols with a code, waiting out the per-address enrolment rate limit when a large fleet hits it. */
  async enrol(code: string): Promise<void> {
    for (;;) {
      try {
        this.terminalId = (await this.engine.enrol(code)).terminalId;
        break;
      } catch (error) {
        if (!(error instanceof BackendError) || error.code !== "rate_limited") throw error;
        await new Promise((resolve) => setTimeout(resolve, (error.retryAfterSeconds ?? 5) * 1000));
      }
    }
    await this.engine.refreshGrant();
    await this.engine.syncNow();
  }

  /**
   * What the engine's background jobs do when online, run in step with the simulation: upload the outbox,
   * fetch a grant when the current one is due for refresh, sync policy, catalog and deny list. Failures are
   * counted, never fatal: the terminal keeps what it has, as it would in the field.
   */
  async sync(): Promise<void> {
    if (!this.network.online) return;
    let began = performance.now();
    try {
      const summary = await this.engine.uploadOutbox();
      this.stats.uploaded += summary.settled;
    } catch {
      this.stats.uploadFailures++;
    }
    this.stats.uploadMs += performance.now() - began;
    const grant = this.engine.getSnapshot().grant;
    const now = Math.floor(this.clock.now() / 1000);
    if (!this.revoked && (!grant?.valid || now >= grant.refreshAt)) {
      began = performance.now();
      try {
        await this.engine.refreshGrant();
      } catch {
        this.stats.syncFailures++;
      }
      this.stats.grantMs += performance.now() - began;
    }
    began = performance.now();
    try {
      await this.engine.syncNow();
    } catch {
      this.stats.syncFailures++;
    }
    this.stats.documentsMs += performance.now() - began;
  }

  outboxDepth(): number {
    return this.engine.getSnapshot().outbox.depth;
  }
}
