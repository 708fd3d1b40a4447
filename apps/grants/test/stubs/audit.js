// Test stand-in for the reconciliation Worker's entrypoints (ADR 0003).
//
// AuditService keeps appended entries in memory so tests can read back what the grants Worker audited.
//
// FleetService answers fleet readiness (ADR 0005) as a test sets it up: every active terminal ready, unless
// the test names terminals behind or unknown per capability, or takes the service down; it remembers each
// question. The setting is shared by the whole run, so only the key fleet-gate tests change it, and they put
// it back after each test.
import { WorkerEntrypoint } from "cloudflare:workers";

const entries = [];

export class AuditService extends WorkerEntrypoint {
  async append(entry) {
    entries.push(entry);
    return { seq: entries.length };
  }

  /** Test-only: the entries appended so far. */
  async entries() {
    return entries;
  }
}

const ACTIVE_TERMINALS = 4;
let fleet = { behind: {}, unknown: {}, down: false };
const questions = [];

const group = (terminals = []) => ({ count: terminals.length, terminals });

export class FleetService extends WorkerEntrypoint {
  async readiness(request) {
    questions.push(request.capabilities);
    if (fleet.down) throw new Error("fleet readiness unavailable");
    const capabilities = request.capabilities.map((capability) => {
      const behind = group(fleet.behind[capability]);
      const unknown = group(fleet.unknown[capability]);
      return { capability, ready: ACTIVE_TERMINALS - behind.count - unknown.count, behind, unknown };
    });
    return {
      at: Math.floor(Date.now() / 1000),
      staleAfterSeconds: 604800,
      activeTerminals: ACTIVE_TERMINALS,
      ready: capabilities.every((entry) => entry.behind.count + entry.unknown.count === 0),
      capabilities,
    };
  }

  /** Test-only: `{behind?: {capability: terminals}, unknown?: {…}, down?: boolean}`; the rest is ready. */
  async setFleet(next) {
    fleet = { behind: {}, unknown: {}, down: false, ...next };
  }

  /** Test-only: the capabilities of every question asked so far, oldest first. */
  async questions() {
    return questions;
  }
}

export default {
  fetch() {
    return new Response("reconciliation stub", { status: 404 });
  },
};
