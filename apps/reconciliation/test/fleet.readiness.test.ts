/**
 * Fleet readiness in the deployed Worker: `GET /v1/fleet/readiness` and `FleetService.readiness()` weigh the
 * grants Worker's active terminals (the stand-in serves the fixture's) against the latest report of each.
 */
import { createExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { type FleetReadiness, TERMINAL_CAPABILITIES, TerminalReport } from "@tessera/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { reportStore } from "../src/db/reports.ts";
import { FleetService } from "../src/fleet/service.ts";
import { auditor, call, credentialHeaders, getJson, ORIGIN, terminalHeaders } from "./support/http.ts";
import { DAY, nowSeconds, setupTerminal } from "./support/scheme.ts";

const service = (exports as unknown as { FleetService: Service<FleetService> }).FleetService;
const grants = env.GRANTS as unknown as { setDirectoryDown(down: boolean): Promise<void> };

const ids = (group: { terminals: { terminalId: string }[] }) => group.terminals.map((t) => t.terminalId);

function reportOf(terminalId: string, extra: Record<string, unknown> = {}) {
  return TerminalReport.parse({
    terminalId,
    at: nowSeconds(),
    softwareVersion: "2.0.0",
    online: true,
    outboxDepth: 0,
    errors: [],
    ...extra,
  });
}

let proof = 0;
/** Stores a report as the report route does after its 202, received at `receivedAt`. */
async function stored(terminalId: string, receivedAt: number, extra: Record<string, unknown> = {}) {
  proof += 1;
  const report = reportOf(terminalId, extra);
  expect(await reportStore(env.DB).insert(report, terminalId, receivedAt, `fleet-test-${proof}`)).toBe(true);
}

const readiness = (query: string, headers?: Record<string, string>) =>
  getJson<FleetReadiness>(`/v1/fleet/readiness?${query}`, headers);

afterEach(() => grants.setDirectoryDown(false));

describe("fleet readiness", () => {
  it("counts the active terminals by their latest report: ready, behind, or unknown", async () => {
    const now = nowSeconds();
    // The build of today: reads and writes layout 1, verifies split keys.
    await stored("trm_station_a", now - 60, { capabilities: TERMINAL_CAPABILITIES });
    // Software from before capability reports: behind on everything.
    await stored("trm_station_b", now - 60, { softwareVersion: "1.0.0" });
    // The build of today, but its last report came eight days ago.
    await stored("trm_pos_a", now - 8 * DAY, { capabilities: TERMINAL_CAPABILITIES });
    // Revoked in the directory: never counted, whatever it reported.
    await stored("trm_pos_revoked", now - 60, { capabilities: TERMINAL_CAPABILITIES });

    const answer = await readiness("capabilities=split_keys,reads_layout:1,reads_layout:2");
    expect(answer.ready).toBe(false);
    expect(answer.staleAfterSeconds).toBe(7 * DAY);
    const [split, reads1, reads2] = answer.capabilities;
    expect(split?.capability).toBe("split_keys");
    expect(split?.ready).toBe(1);
    expect(ids(split!.behind)).toEqual(["trm_station_b"]);
    expect(ids(split!.unknown)).toContain("trm_pos_a");
    // trm_pos_b never reported.
    expect(ids(split!.unknown)).toContain("trm_pos_b");
    expect(split!.behind.terminals[0]).toMatchObject({
      terminalNumber: 102,
      role: "station",
      softwareVersion: "1.0.0",
      lastReportAt: now - 60,
    });
    expect(reads1?.ready).toBe(1);
    // Nobody reads layout 2 yet: the build that does has not been shipped.
    expect(reads2).toMatchObject({ ready: 0, behind: { count: 2 } });
    for (const entry of answer.capabilities) {
      expect(entry.ready + entry.behind.count + entry.unknown.count).toBe(answer.activeTerminals);
      for (const group of [entry.behind, entry.unknown]) expect(ids(group)).not.toContain("trm_pos_revoked");
    }

    // A longer window takes the eight-day-old report at its word.
    const lenient = await readiness(`capabilities=split_keys&staleAfterSeconds=${9 * DAY}`);
    expect(lenient.capabilities[0]?.ready).toBe(2);
  });

  it("follows a terminal's newest report, as the report route stores it", async () => {
    const gate = await setupTerminal("trm_gate_a");
    await stored("trm_gate_a", nowSeconds() - 120, { softwareVersion: "1.0.0" });
    const before = await readiness("capabilities=split_keys");
    expect(ids(before.capabilities[0]!.behind)).toContain("trm_gate_a");

    const url = `${ORIGIN}/v1/reports`;
    const sent = await call(
      new Request(url, {
        method: "POST",
        headers: { ...(await terminalHeaders(gate, "POST", url)), "Content-Type": "application/json" },
        body: JSON.stringify(reportOf("trm_gate_a", { capabilities: TERMINAL_CAPABILITIES })),
      }),
    );
    expect(sent.status).toBe(202);
    // The report is stored after the 202 (waitUntil): poll a bounded number of times.
    for (let attempt = 0; attempt < 50; attempt++) {
      const after = await readiness("capabilities=split_keys");
      const entry = after.capabilities[0]!;
      if (!ids(entry.behind).includes("trm_gate_a") && !ids(entry.unknown).includes("trm_gate_a")) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error("the newer report never counted");
  });

  it("answers the other Workers over FleetService as it answers the console", async () => {
    await stored("trm_station_a", nowSeconds() - 30, { capabilities: TERMINAL_CAPABILITIES });
    const overRpc = (await service.readiness({
      capabilities: ["split_keys", "writes_layout:2"],
    })) as FleetReadiness;
    const overHttp = await readiness("capabilities=split_keys,writes_layout:2");
    expect({ ...overRpc, at: 0 }).toEqual({ ...overHttp, at: 0 });

    // Called in-process: a rejection crossing the test's own RPC loopback is reported as unhandled.
    const direct = new FleetService(createExecutionContext(), env);
    await expect(direct.readiness({ capabilities: [] })).rejects.toThrow(
      /readiness\(request\): capabilities/,
    );
    await expect(direct.readiness({ capabilities: ["reads_layout:99" as "split_keys"] })).rejects.toThrow(
      TypeError,
    );
  });

  it("refuses a question it cannot read, and is read with reports:read", async () => {
    const headers = await auditor();
    for (const query of [
      "",
      "capabilities=",
      "capabilities=layout:2",
      "capabilities=split_keys,",
      "capabilities=split_keys&staleAfterSeconds=1",
    ]) {
      const response = await call(new Request(`${ORIGIN}/v1/fleet/readiness?${query}`, { headers }));
      expect(response.status, query).toBe(422);
      expect(((await response.json()) as { code: string }).code).toBe("validation_failed");
    }
    const key = await credentialHeaders({ kind: "service", scopes: ["reports:read"] });
    expect((await readiness("capabilities=reads_layout:1", key)).capabilities).toHaveLength(1);
    const unauthenticated = await call(new Request(`${ORIGIN}/v1/fleet/readiness?capabilities=split_keys`));
    expect(unauthenticated.status).toBe(401);
  });

  it("answers 503 when the terminal directory cannot be read, never a guess", async () => {
    await grants.setDirectoryDown(true);
    const response = await call(
      new Request(`${ORIGIN}/v1/fleet/readiness?capabilities=split_keys`, { headers: await auditor() }),
    );
    expect(response.status).toBe(503);
    expect(((await response.json()) as { code: string }).code).toBe("service_unavailable");
    const direct = new FleetService(createExecutionContext(), env);
    await expect(direct.readiness({ capabilities: ["split_keys"] })).rejects.toThrow(/grants service/);
  });
});
