import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  asTerminal,
  auditEntries,
  auditor,
  call,
  enrolTerminal,
  fetchGrant,
  json,
  operator,
  problemOf,
} from "./helpers.ts";

interface TerminalView {
  terminalId: string;
  terminalNumber: number;
  status: string;
  keyThumbprint: string;
  revokedAt: string | null;
  lastGrantAt: string | null;
}

describe("terminals for the console", () => {
  it("lists and reads terminals for auditors, filtered by location and paged by number", async () => {
    const location = `loc-${crypto.randomUUID().slice(0, 8)}`;
    const a = await enrolTerminal({ locationId: location });
    const b = await enrolTerminal({ locationId: location });
    await fetchGrant(a);
    const headers = await auditor();
    const page = await call(`/v1/terminals?locationId=${location}&limit=1`, { headers });
    expect(page.status).toBe(200);
    const first = (await page.json()) as { terminals: TerminalView[]; next: number | null };
    expect(first.terminals.map((t) => t.terminalId)).toEqual([a.terminalId]);
    expect(first.next).toBe(a.terminalNumber);
    const rest = (await (
      await call(`/v1/terminals?locationId=${location}&after=${first.next}`, { headers })
    ).json()) as {
      terminals: TerminalView[];
      next: number | null;
    };
    expect(rest.terminals.map((t) => t.terminalId)).toEqual([b.terminalId]);
    expect(rest.next).toBeNull();

    const one = (await (await call(`/v1/terminals/${a.terminalId}`, { headers })).json()) as TerminalView;
    expect(one).toMatchObject({
      terminalNumber: a.terminalNumber,
      status: "active",
      keyThumbprint: a.device.jkt,
    });
    expect(one.lastGrantAt).not.toBeNull();
    expect((await call("/v1/terminals/trm_ffffffffffffffffffff", { headers })).status).toBe(404);
    expect((await call("/v1/terminals/not-an-id", { headers })).status).toBe(422);
  });

  it("revokes for good: deny-listed, cached grant gone, grant refused on every terminal route, audited once", async () => {
    const terminal = await enrolTerminal();
    const { grant } = await fetchGrant(terminal);
    const headers = await operator();
    const revoke = await call(
      `/v1/terminals/${terminal.terminalId}/revoke`,
      json({ reason: "reported stolen" }, headers),
    );
    expect(revoke.status).toBe(200);
    const revocation = (await revoke.json()) as {
      terminal: TerminalView;
      denyListVersion: number;
      effectiveFrom: string;
    };
    expect(revocation.terminal.status).toBe("revoked");
    expect(revocation.terminal.revokedAt).not.toBeNull();
    expect(await env.GRANTS_KV.get(`grant:${terminal.terminalId}`)).toBeNull();

    const refused = await asTerminal(terminal, grant, "GET", "/v1/deny-list?since=0");
    expect(refused.status).toBe(403);
    expect((await problemOf(refused)).code).toBe("terminal_revoked");

    const again = await call(
      `/v1/terminals/${terminal.terminalId}/revoke`,
      json({ reason: "twice" }, headers),
    );
    expect(again.status).toBe(200);
    expect(((await again.json()) as { denyListVersion: number }).denyListVersion).toBe(
      revocation.denyListVersion,
    );
    expect(
      (await auditEntries()).filter(
        (e) => e.action === "terminal.revoke" && e.target === `terminal:${terminal.terminalId}`,
      ),
    ).toHaveLength(1);
    expect(
      (await call(`/v1/terminals/${terminal.terminalId}/suspend`, json({ reason: "x" }, headers))).status,
    ).toBe(409);
  });

  it("lets only operators change a terminal's standing, with a reason", async () => {
    const terminal = await enrolTerminal();
    expect(
      (await call(`/v1/terminals/${terminal.terminalId}/revoke`, json({ reason: "x" }, await auditor())))
        .status,
    ).toBe(403);
    const noReason = await call(`/v1/terminals/${terminal.terminalId}/suspend`, json({}, await operator()));
    expect(noReason.status).toBe(422);
    expect(
      (await call(`/v1/terminals/${terminal.terminalId}`, { headers: await auditor() }).then((r) =>
        r.json(),
      )) as TerminalView,
    ).toMatchObject({
      status: "active",
    });
  });
});
