/**
 * The terminal report: a heartbeat with outbox depth, grant expiry, versions, tap counts, the last errors
 * and what this build reads and writes (the fleet-readiness gate counts on it, ADR 0005), sent on the
 * policy's cadence. Fire-and-forget: nothing waits on it, and a failed report only
 * means the next one carries the same errors.
 */
import { reportErrors, TERMINAL_CAPABILITIES, TerminalReport } from "@tessera/protocol";
import { PATHS } from "../backend/contract.ts";
import { EngineError } from "../errors.ts";
import { grantCredentials, nowSeconds, type Runtime } from "../runtime.ts";
import { inTransaction } from "../storage/database.ts";

export async function buildReport(rt: Runtime): Promise<{ report: TerminalReport; errorIds: number[] }> {
  if (!rt.terminal) throw new EngineError("not_enrolled", "enrol this terminal first");
  const stored = await rt.db.getAll("reportErrors");
  const errors = reportErrors(stored.map(({ at, code, message }) => ({ at, code, message })));
  const snapshot = rt.state.getSnapshot();
  const report = TerminalReport.parse({
    terminalId: rt.terminal.terminalId,
    at: nowSeconds(rt),
    softwareVersion: rt.settings.softwareVersion,
    online: snapshot.connectivity === "online",
    outboxDepth: snapshot.outbox.depth,
    ...(snapshot.outbox.oldestAt !== null ? { oldestPendingAt: snapshot.outbox.oldestAt } : {}),
    ...(rt.grant ? { grantExpiresAt: rt.grant.scope.expiresAt } : {}),
    ...(rt.policy ? { policyVersion: rt.policy.document.version } : {}),
    denyListVersion: rt.denyList.version,
    counters: { ...rt.counters },
    errors,
    capabilities: TERMINAL_CAPABILITIES,
  });
  return { report, errorIds: stored.flatMap((error) => (error.id === undefined ? [] : [error.id])) };
}

export async function sendReport(rt: Runtime): Promise<void> {
  const credentials = grantCredentials(rt);
  if (!credentials) throw new EngineError("no_grant", "reports are sent with a session grant in force");
  const { report, errorIds } = await buildReport(rt);
  await rt.client.send("reconciliation", "POST", PATHS.reports, { credentials, proof: true, body: report });
  // Counts and errors are "since the previous report": only what this report carried is cleared.
  const sent = report.counters!;
  rt.counters.tapsApproved -= sent.tapsApproved;
  rt.counters.tapsRefused -= sent.tapsRefused;
  rt.counters.uncertain -= sent.uncertain;
  await inTransaction(rt.db, ["reportErrors"], "readwrite", async (tx) => {
    for (const id of errorIds) await tx.objectStore("reportErrors").delete(id);
  });
}
