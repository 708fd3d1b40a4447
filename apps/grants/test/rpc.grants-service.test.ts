import { createExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { type CertificateKeySet, toHex } from "@tessera/protocol";
import { describe, expect, it } from "vitest";
import { GrantsService } from "../src/rpc/grants-service.ts";
import { auditEntries, auditor, call, enrolTerminal, fetchGrant, json, operator } from "./helpers.ts";

/** The entrypoint as another Worker reaches it over its service binding (RPC). */
const service = (exports as unknown as { GrantsService: Service<GrantsService> }).GrantsService;

describe("GrantsService (RPC for reconciliation)", () => {
  it("looks a terminal up by the number cards and events carry, with its key and standing", async () => {
    const terminal = await enrolTerminal({ role: "gate", locationId: "entrance" });
    expect(await service.terminal(terminal.terminalNumber)).toEqual({
      terminalId: terminal.terminalId,
      terminalNumber: terminal.terminalNumber,
      publicKeyJwk: terminal.device.publicJwk,
      status: "active",
      revokedAt: null,
      revokedFrom: null,
      role: "gate",
      locationId: "entrance",
    });
    await call(`/v1/terminals/${terminal.terminalId}/revoke`, json({ reason: "lost" }, await operator()));
    const revoked = await service.terminal(terminal.terminalNumber);
    expect(revoked?.status).toBe("revoked");
    expect(Date.parse(revoked!.revokedAt!)).toBeLessThanOrEqual(Date.now());
    expect(revoked?.revokedFrom).toBe(revoked?.revokedAt);
    expect(await service.terminal(0xff_fffe)).toBeNull();
  });

  it("says from when a terminal listed with an earlier effectiveFrom is no longer trusted", async () => {
    const terminal = await enrolTerminal();
    const stolen = Math.floor(Date.now() / 1000) - 86_400;
    const listed = await call(
      "/v1/deny-list/entries",
      json(
        {
          kind: "terminal",
          terminalNumber: terminal.terminalNumber,
          reason: "stolen",
          effectiveFrom: stolen,
        },
        await operator(),
      ),
    );
    expect(listed.status).toBe(200);
    const facts = await service.terminal(terminal.terminalNumber);
    expect(facts?.status).toBe("revoked");
    expect(facts?.revokedFrom).toBe(new Date(stolen * 1000).toISOString());
    expect(Date.parse(facts!.revokedAt!)).toBeGreaterThan(stolen * 1000);
  });

  it("serves the JWKS, the certificate key set and the deny-list version", async () => {
    const terminal = await enrolTerminal();
    const answer = await fetchGrant(terminal);
    expect(await service.jwks()).toEqual(answer.jwks);
    expect(await service.certificateKeys()).toEqual(answer.certificateKeys);
    // Rpc.Serializable cannot express a loose object's index signature, so the stub types it as never.
    const certificateKeys = (await service.certificateKeys()) as unknown as CertificateKeySet;
    expect(certificateKeys.keys.map((key) => key.x)).not.toEqual(answer.jwks.keys.map((key) => key.x));
    const version = await service.denyListVersion();
    expect(version).toBe(
      Number(
        (await call("/v1/deny-list?since=0", { headers: await auditor() })).headers.get(
          "X-Deny-List-Version",
        ),
      ),
    );
  });

  it("adds deny-list entries for flags, audited, without churning the list when repeated", async () => {
    const cardId = toHex(crypto.getRandomValues(new Uint8Array(8)));
    const first = await service.addDenyEntry({
      kind: "card",
      id: cardId,
      reason: "flag",
      note: "clone_replay",
      actor: "rule:clone_replay",
    });
    expect(first.changed).toBe(true);
    expect(
      await service.addDenyEntry({
        kind: "card",
        id: cardId,
        reason: "flag",
        note: "clone_replay",
        actor: "rule:clone_replay",
      }),
    ).toEqual({
      version: first.version,
      changed: false,
    });
    const entry = (await auditEntries()).find(
      (e) => e.action === "deny_list.add" && e.target === `card:${cardId}`,
    );
    expect(entry?.actor).toEqual({ kind: "system", id: "rule:clone_replay" });

    const terminal = await enrolTerminal();
    // Reconciliation's form: the terminal number as a string, the actor as an audit actor.
    const revoked = await service.addDenyEntry({
      kind: "terminal",
      id: String(terminal.terminalNumber),
      reason: "compromised",
      note: "bad_signature",
      actor: { kind: "system", id: "reconciliation", name: "auto-deny" },
    });
    expect(revoked.changed).toBe(true);
    expect((await service.terminal(terminal.terminalNumber))?.status).toBe("revoked");
    const row = await env.DB.prepare(
      "SELECT reason FROM deny_list_entries WHERE kind = 'terminal' AND id = ?",
    )
      .bind(String(terminal.terminalNumber).padStart(8, "0"))
      .first();
    expect(row).toEqual({ reason: "compromised" });
    expect(
      (await auditEntries()).find(
        (e) => e.action === "deny_list.add" && e.target === `terminal:${terminal.terminalId}`,
      )?.actor,
    ).toEqual({
      kind: "system",
      id: "reconciliation",
      name: "auto-deny",
    });
  });

  it("refuses malformed input with a TypeError naming the field", async () => {
    // Called in-process: a rejection crossing the test's own RPC loopback is reported as unhandled.
    const direct = new GrantsService(createExecutionContext(), env);
    await expect(
      direct.addDenyEntry({ kind: "card", id: "nope", reason: "flag", actor: "x" }),
    ).rejects.toThrow(/id/);
    await expect(direct.terminal(-1)).rejects.toThrow(TypeError);
  });
});
