// Test stand-in for the reconciliation Worker's AuditService (ADR 0003): it keeps appended entries in
// memory so tests can read back what the grants Worker audited.
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

export default {
  fetch() {
    return new Response("audit stub", { status: 404 });
  },
};
