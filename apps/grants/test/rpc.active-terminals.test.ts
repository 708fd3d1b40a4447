/** `GrantsService.activeTerminals()`: the directory reconciliation's fleet readiness counts (ADR 0005). */
import { createExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { GrantsService } from "../src/rpc/grants-service.ts";
import { call, enrolTerminal, json, operator } from "./helpers.ts";

const service = (exports as unknown as { GrantsService: Service<GrantsService> }).GrantsService;

async function allActive(limit: number) {
  const seen: { terminalId: string; terminalNumber: number; status: string }[] = [];
  let after: number | undefined;
  for (let page = 0; page < 100; page++) {
    const answer = await service.activeTerminals({ ...(after === undefined ? {} : { after }), limit });
    expect(answer.terminals.length).toBeLessThanOrEqual(limit);
    seen.push(...answer.terminals);
    if (answer.next === null) return seen;
    after = answer.next;
  }
  throw new Error("the directory never reached its last page");
}

describe("GrantsService.activeTerminals (RPC for fleet readiness)", () => {
  it("pages through the active terminals in number order, leaving out suspended and revoked ones", async () => {
    const [active, suspended, revoked] = [
      await enrolTerminal({ role: "pos", locationId: "bar" }),
      await enrolTerminal(),
      await enrolTerminal(),
    ];
    const headers = await operator();
    expect(
      (await call(`/v1/terminals/${suspended.terminalId}/suspend`, json({ reason: "check" }, headers)))
        .status,
    ).toBe(200);
    expect(
      (await call(`/v1/terminals/${revoked.terminalId}/revoke`, json({ reason: "lost" }, headers))).status,
    ).toBe(200);

    const listed = await allActive(1);
    const ids = listed.map((terminal) => terminal.terminalId);
    expect(ids).toContain(active.terminalId);
    expect(ids).not.toContain(suspended.terminalId);
    expect(ids).not.toContain(revoked.terminalId);
    expect(listed.every((terminal) => terminal.status === "active")).toBe(true);
    const numbers = listed.map((terminal) => terminal.terminalNumber);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(listed.find((terminal) => terminal.terminalId === active.terminalId)).toMatchObject({
      terminalNumber: active.terminalNumber,
      role: "pos",
      locationId: "bar",
    });
    expect(await allActive(500)).toEqual(listed);
  });

  it("refuses a page it cannot serve, naming the field", async () => {
    // Called in-process: a rejection crossing the test's own RPC loopback is reported as unhandled.
    const direct = new GrantsService(createExecutionContext(), env);
    await expect(direct.activeTerminals({ limit: 5000 })).rejects.toThrow(/activeTerminals\(page\): limit/);
    await expect(direct.activeTerminals({ after: -1 })).rejects.toThrow(TypeError);
  });
});
