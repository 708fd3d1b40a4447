// Stand-in for the reconciliation Worker's AuditService in tests: records every entry in memory so tests
// can check who did what, when and with what diff. An entry mentioning "audit-outage-test" is refused,
// so a test can prove an admin action fails (and is undone) when its audit entry cannot be written.
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

export default {
  fetch() {
    return new Response("audit stub", { status: 404 });
  },
};
