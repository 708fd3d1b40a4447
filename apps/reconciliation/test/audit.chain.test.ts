/**
 * The audit log: appends from other Workers through the AuditService RPC entrypoint, a hash chain that
 * verification walks to the first break, tamper detection, filters and the CSV / NDJSON exports.
 */
import { env, exports } from "cloudflare:workers";
import type { AuditEntryInput } from "@tessera/service-kit";
import { describe, expect, it } from "vitest";
import type { AuditService } from "../src/index.ts";
import { auditor, call, getJson, ORIGIN } from "./support/http.ts";

type Verification = {
  ok: boolean;
  checked: number;
  head: { seq: number; hash: string } | null;
  firstBreak: { seq: number; reason: string; detail: string } | null;
};

const audit = exports.AuditService as unknown as Pick<AuditService, "append">;

function entry(action: string, target: string, detail: Record<string, unknown> = {}): AuditEntryInput {
  return {
    service: "policy",
    actor: { kind: "user", id: "person_ada", name: "Ada" },
    action,
    target,
    detail,
    at: new Date().toISOString(),
  };
}

/** Lets one test tamper with rows the way an attacker with raw database access could (triggers and all). */
async function withoutAppendOnlyTriggers(change: () => Promise<unknown>): Promise<void> {
  await env.DB.batch([
    env.DB.prepare("DROP TRIGGER audit_log_no_update"),
    env.DB.prepare("DROP TRIGGER audit_log_no_delete"),
  ]);
  try {
    await change();
  } finally {
    await env.DB.batch([
      env.DB.prepare(
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log WHEN OLD.hash IS NOT NULL BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
      ),
      env.DB.prepare(
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
      ),
    ]);
  }
}

describe("audit log", () => {
  it("appends over RPC with increasing sequence numbers and a chain that verifies", async () => {
    const first = await audit.append(entry("policy.publish", "policy:7", { version: 7 }));
    const second = await audit.append(entry("api_key.revoke", "api_key:key_1"));
    expect(second.seq).toBe(first.seq + 1);
    const verdict = await getJson<Verification>("/v1/audit/verify");
    expect(verdict).toMatchObject({ ok: true, firstBreak: null });
    expect(verdict.head?.seq).toBeGreaterThanOrEqual(second.seq);
  });

  it("refuses an entry that is not an audit entry", async () => {
    let refusal: unknown;
    try {
      await audit.append({ ...entry("policy.publish", "policy:1"), action: "Not An Action" });
    } catch (error) {
      refusal = error;
    }
    expect(String(refusal)).toMatch(/not an audit entry: action/);
  });

  it("stays one chain when many Workers append at once", async () => {
    const appended = await Promise.all(
      Array.from({ length: 25 }, (_, i) => audit.append(entry("terminal.revoke", `terminal:trm_${i}`))),
    );
    expect(new Set(appended.map((a) => a.seq)).size).toBe(25);
    expect(await getJson<Verification>("/v1/audit/verify")).toMatchObject({ ok: true });
  });

  // The tamper tests put the row back afterwards, so the chain is whole again for the tests after them.
  it("finds the first changed row", async () => {
    await audit.append(entry("policy.publish", "policy:1"));
    const { seq } = await audit.append(entry("deny_list.add", "card:0a1b2c3d4e5f6071", { reason: "lost" }));
    await audit.append(entry("policy.publish", "policy:2"));
    const setDetail = (detail: string) =>
      withoutAppendOnlyTriggers(() =>
        env.DB.prepare("UPDATE audit_log SET detail = ? WHERE seq = ?").bind(detail, seq).run(),
      );
    await setDetail('{"reason":"found"}');
    expect(await getJson<Verification>("/v1/audit/verify")).toMatchObject({
      ok: false,
      firstBreak: { seq, reason: "hash_mismatch" },
    });
    await setDetail('{"reason":"lost"}');
    expect(await getJson<Verification>("/v1/audit/verify")).toMatchObject({ ok: true });
  });

  it("finds a removed row", async () => {
    await audit.append(entry("policy.publish", "policy:1"));
    const { seq } = await audit.append(entry("policy.publish", "policy:2"));
    await audit.append(entry("policy.publish", "policy:3"));
    const row = await env.DB.prepare("SELECT * FROM audit_log WHERE seq = ?")
      .bind(seq)
      .first<Record<string, unknown>>();
    await withoutAppendOnlyTriggers(() =>
      env.DB.prepare("DELETE FROM audit_log WHERE seq = ?").bind(seq).run(),
    );
    expect(await getJson<Verification>("/v1/audit/verify")).toMatchObject({
      ok: false,
      firstBreak: { seq, reason: "missing_rows" },
    });
    const columns = Object.keys(row!);
    await env.DB.prepare(
      `INSERT INTO audit_log (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
    )
      .bind(...columns.map((c) => row![c]))
      .run();
    expect(await getJson<Verification>("/v1/audit/verify")).toMatchObject({ ok: true });
  });

  it("refuses to change or delete a sealed row while its triggers stand", async () => {
    const { seq } = await audit.append(entry("policy.publish", "policy:9"));
    await expect(
      env.DB.prepare("UPDATE audit_log SET target = 'x' WHERE seq = ?").bind(seq).run(),
    ).rejects.toThrow(/append-only/);
    await expect(env.DB.prepare("DELETE FROM audit_log WHERE seq = ?").bind(seq).run()).rejects.toThrow(
      /append-only/,
    );
  });

  it("filters by action prefix and actor", async () => {
    await audit.append({ ...entry("flag.resolve", "flag:flg_1"), actor: { kind: "user", id: "person_bo" } });
    await audit.append(entry("policy.publish", "policy:3"));
    const page = await getJson<{ entries: { action: string; actor: { id: string } }[] }>(
      "/v1/audit?action=flag.&actorId=person_bo",
    );
    expect(page.entries.length).toBeGreaterThan(0);
    expect(page.entries.every((e) => e.action.startsWith("flag.") && e.actor.id === "person_bo")).toBe(true);
  });

  it("exports NDJSON and CSV", async () => {
    await audit.append(entry("policy.publish", "policy:11", { note: 'said "hi", then =SUM(A1)' }));
    const headers = await auditor();
    const ndjson = await call(
      new Request(`${ORIGIN}/v1/audit/export?format=ndjson&target=policy:11`, { headers }),
    );
    expect(ndjson.headers.get("Content-Type")).toBe("application/x-ndjson");
    const lines = (await ndjson.text())
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      action: "policy.publish",
      target: "policy:11",
      detail: { note: 'said "hi", then =SUM(A1)' },
    });
    expect(lines[0].hash).toMatch(/^[0-9a-f]{64}$/);

    const csv = await call(new Request(`${ORIGIN}/v1/audit/export?format=csv&target=policy:11`, { headers }));
    expect(csv.headers.get("Content-Type")).toContain("text/csv");
    const rows = (await csv.text()).trim().split("\r\n");
    expect(rows[0]).toBe(
      "seq,at,service,actor_kind,actor_id,actor_name,action,target,detail,request_id,recorded_at,prev_hash,hash",
    );
    expect(rows).toHaveLength(2);
    expect(rows[1]).toContain('"{""note"":""said \\""hi\\"", then =SUM(A1)""}"');
  });
});
