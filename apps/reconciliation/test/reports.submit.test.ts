/** Terminal reports: 202 at once, stored after the answer, latest per terminal and history queryable. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runSweep } from "../src/scheduled.ts";
import { forgetReportProofs } from "../src/terminal-access.ts";
import { call, getJson, ORIGIN, terminalHeaders } from "./support/http.ts";
import { DAY, nowSeconds, setupTerminal, type TerminalSetup } from "./support/scheme.ts";

function report(terminalId: string, outboxDepth: number) {
  return {
    terminalId,
    at: nowSeconds(),
    softwareVersion: "1.4.2",
    online: true,
    outboxDepth,
    errors: [{ at: nowSeconds() - 30, code: "nfc_timeout", message: "The card left the field" }],
  };
}

async function send(setup: TerminalSetup, body: unknown, headers?: Record<string, string>) {
  const url = `${ORIGIN}/v1/reports`;
  return call(
    new Request(url, {
      method: "POST",
      headers: {
        ...(headers ?? (await terminalHeaders(setup, "POST", url))),
        "Content-Type": "application/json",
      },
      body: JSON.stringify(body),
    }),
  );
}

type Latest = { reports: { terminalId: string; report: { outboxDepth: number } }[] };

/** The write happens after the 202 (waitUntil): poll until it shows, a bounded number of times. */
async function latestFor(terminalId: string, depth: number): Promise<Latest> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const latest = await getJson<Latest>(`/v1/reports/latest?terminalId=${terminalId}`);
    if (latest.reports[0]?.report.outboxDepth === depth) return latest;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`report with outbox depth ${depth} never showed`);
}

describe("terminal reports", () => {
  it("answers 202 and keeps the newest report per terminal and the history", async () => {
    const gate = await setupTerminal("trm_gate_a");
    const before = (await getJson<{ reports: unknown[] }>("/v1/terminals/trm_gate_a/reports")).reports.length;
    expect((await send(gate, report("trm_gate_a", 3))).status).toBe(202);
    await latestFor("trm_gate_a", 3);
    expect((await send(gate, report("trm_gate_a", 0))).status).toBe(202);
    const latest = await latestFor("trm_gate_a", 0);
    expect(latest.reports).toHaveLength(1);
    const history = await getJson<{ reports: unknown[] }>("/v1/terminals/trm_gate_a/reports");
    expect(history.reports).toHaveLength(before + 2);
  });

  it("refuses a report about another terminal and a malformed one", async () => {
    const gate = await setupTerminal("trm_gate_a");
    expect((await send(gate, report("trm_pos_a", 1))).status).toBe(403);
    expect((await send(gate, { ...report("trm_gate_a", 1), outboxDepth: -1 })).status).toBe(422);
  });

  it("refuses a proof replayed to this isolate, and stores nothing for one replayed to another", async () => {
    const gate = await setupTerminal("trm_gate_a");
    const headers = await terminalHeaders(gate, "POST", `${ORIGIN}/v1/reports`);
    expect((await send(gate, report("trm_gate_a", 2), headers)).status).toBe(202);
    await latestFor("trm_gate_a", 2);
    const again = await send(gate, report("trm_gate_a", 2), headers);
    expect(again.status).toBe(401);
    expect(((await again.json()) as { code: string }).code).toBe("dpop_replayed");

    // Another isolate has not seen the proof: it answers, but the report the copy carries is never stored.
    const history = () =>
      getJson<{ reports: { report: { outboxDepth: number } }[] }>("/v1/terminals/trm_gate_a/reports");
    const before = (await history()).reports.length;
    forgetReportProofs();
    expect((await send(gate, report("trm_gate_a", 9), headers)).status).toBe(202);
    // A genuine report sent after it shows once stored; the copy's write came first.
    expect((await send(gate, report("trm_gate_a", 5))).status).toBe(202);
    await latestFor("trm_gate_a", 5);
    const after = (await history()).reports;
    expect(after).toHaveLength(before + 1);
    expect(after.map((r) => r.report.outboxDepth)).not.toContain(9);
  });

  it("drops reports older than policy.reports.retentionDays in the hourly sweep", async () => {
    const gate = await setupTerminal("trm_gate_a");
    expect((await send(gate, report("trm_gate_a", 7))).status).toBe(202);
    await latestFor("trm_gate_a", 7);
    const retention = env.TEST_FIXTURE.policy.reports.retentionDays;
    const summary = await runSweep(env, nowSeconds() + (retention + 1) * DAY);
    expect(summary.reportsDeleted).toBeGreaterThan(0);
    expect((await getJson<{ reports: unknown[] }>("/v1/terminals/trm_gate_a/reports")).reports).toEqual([]);
  });
});
