// Stand-in for the reconciliation Worker's entrypoints in tests.
//
// AuditService records every entry in memory so tests can check who did what, when and with what diff. An
// entry mentioning "audit-outage-test" is refused, so a test can prove an admin action fails (and is undone)
// when its audit entry cannot be written.
//
// FleetService answers fleet readiness as a test sets it up: every active terminal ready, unless the test
// names terminals behind or unknown per capability, or takes the service down; it remembers each question.
import { WorkerEntrypoint } from "cloudflare:workers";

const entries = [];

export class AuditService extends WorkerEntrypoint {
  async append(entry) {
    if (JSON.stringify(entry).includes("audit-outage-test")) throw new Error("audit log unavailable");
    entries.push({ ...entry, seq: entries.length + 1 });
    return { seq: entries.length };
  }

  /** Test-only: the entries recorded so far. */
  async list() {
    return entries;
  }
}

const ACTIVE_TERMINALS = 3;
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
