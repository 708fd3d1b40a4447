/**
 * A grant's cumulative offline limits (value and count per grant) judged at reconciliation, over every card
 * the terminal wrote: the writes from the first one past a limit on, in the terminal's sequence order, are
 * flagged `over_grant_limit` however the uploads arrive; a grant never presented is judged once it is; and
 * policy's `autoDenyFlags` deny-lists the terminal, not the cards it wrote.
 */
import { env } from "cloudflare:workers";
import type { ReconcileResult, TerminalEvent } from "@tessera/protocol";
import type { TerminalPrincipal } from "@tessera/service-kit";
import { describe, expect, it } from "vitest";
import { denyFlagged } from "../src/reconciliation/auto-deny.ts";
import { ingestBatch, prepareEvents } from "../src/reconciliation/ingest.ts";
import type { FlagView } from "../src/routes/flags/schemas.ts";
import { grantsRpc } from "../src/upstream/grants.ts";
import { issueCard } from "./support/cards.ts";
import { getJson, uploadOk } from "./support/http.ts";
import { setupTerminal, signTestGrant, type TerminalSetup, tap, testScheme } from "./support/scheme.ts";

const TERMINAL = "trm_pos_limits";

function limits(cumulativeValue: number, cumulativeCount: number) {
  return { limits: { perTransaction: 1_000, cumulativeValue, cumulativeCount } };
}

/** Debits of these amounts by `pos`, spread over two cards, in the order they were tapped. */
async function debits(setup: TerminalSetup, amounts: readonly number[]): Promise<TerminalEvent[]> {
  const scheme = await testScheme();
  const station = await setupTerminal("trm_station_b");
  const cards = [
    await issueCard(scheme, station, { topup: 5_000 }),
    await issueCard(scheme, station, { topup: 5_000 }),
  ];
  await uploadOk(
    station,
    cards.flatMap((c) => c.events),
  );
  const out: TerminalEvent[] = [];
  for (const [i, amount] of amounts.entries())
    out.push((await tap(scheme, setup, cards[i % 2]!.card, { op: "debit", amount })).event);
  return out;
}

async function grantFlag(grantId: string): Promise<FlagView | undefined> {
  const { flags } = await getJson<{ flags: FlagView[] }>(
    `/v1/flags?kind=over_grant_limit&terminalId=${TERMINAL}&limit=100`,
  );
  return flags.find((f) => f.detail.includes(grantId));
}

function statusOf(result: ReconcileResult, event: TerminalEvent) {
  return result.results.find((r) => r.eventId === event.id);
}

describe("over_grant_limit", () => {
  it("flags the writes past a grant's count, from the first one beyond it, in sequence order", async () => {
    const pos = await setupTerminal(TERMINAL, { grant: limits(100_000, 3) });
    const [d1, d2, d3, d4, d5] = await debits(pos, [100, 100, 100, 100, 100]);
    // Newest first, then older ones: the writes beyond the grant are the 4th and 5th tapped.
    const first = await uploadOk(pos, [d5!, d4!]);
    expect(first.results.map((r) => r.status)).toEqual(["accepted", "accepted"]);
    await uploadOk(pos, [d2!, d1!]);
    expect((await grantFlag(pos.grant.claims.jti))?.eventIds).toEqual([d5!.id]);
    const last = await uploadOk(pos, [d3!]);
    expect(statusOf(last, d3!)).toEqual({ eventId: d3!.id, status: "accepted" });
    const flag = (await grantFlag(pos.grant.claims.jti))!;
    expect(flag).toMatchObject({ cardId: null, terminalIds: [TERMINAL], amount: 500, state: "open" });
    expect(flag.eventIds).toEqual([d4!.id, d5!.id].sort());
    expect(flag.detail).toContain("made 5 moving 500, past 3 writes");

    // Sent again, in a new upload: duplicates, counted once.
    const again = await uploadOk(pos, [d1!, d2!, d3!, d4!, d5!]);
    expect(again.results.every((r) => r.status === "duplicate")).toBe(true);
    expect((await grantFlag(pos.grant.claims.jti))?.detail).toContain("made 5 moving 500");
  });

  it("flags the write that takes the grant's value past its limit, in the upload's answer too", async () => {
    const pos = await setupTerminal(TERMINAL, { grant: limits(250, 100) });
    const [a, b, c, d] = await debits(pos, [100, 100, 100, 40]);
    const result = await uploadOk(pos, [c!, a!, d!, b!]);
    expect(statusOf(result, a!)?.status).toBe("accepted");
    expect(statusOf(result, b!)?.status).toBe("accepted");
    expect(statusOf(result, c!)).toEqual({ eventId: c!.id, status: "flagged", flags: ["over_grant_limit"] });
    expect(statusOf(result, d!)).toEqual({ eventId: d!.id, status: "flagged", flags: ["over_grant_limit"] });
    expect((await grantFlag(pos.grant.claims.jti))?.amount).toBe(340);
  });

  it("judges a grant first presented after its writes were uploaded", async () => {
    const pos = await setupTerminal(TERMINAL, { grant: limits(100_000, 2) });
    const events = await debits(pos, [10, 20, 30]);
    // The terminal uploads under a newer grant and leaves the old one out: its limits are unknown.
    const grant = await signTestGrant(pos.device);
    const newer: TerminalSetup = {
      ...pos,
      grant,
      terminal: { ...pos.terminal, grant: { ...pos.terminal.grant, grantId: grant.claims.jti } },
    };
    const blind = await uploadOk(newer, events);
    // Checked against the certificate and flagged for the missing grant, but not judged for its limits.
    expect(blind.results.map((r) => (r.status === "flagged" ? r.flags : r.status))).toEqual([
      ["grant_expired"],
      ["grant_expired"],
      ["grant_expired"],
    ]);
    expect(await grantFlag(pos.grant.claims.jti)).toBeUndefined();
    // A later upload hands the old grant in: its tally is judged against the limits it carried.
    const [later] = await debits(newer, [5]);
    await uploadOk(newer, [later!], { grants: [pos.grant.token] });
    expect((await grantFlag(pos.grant.claims.jti))?.eventIds).toEqual([events[2]!.id]);
  });

  it("deny-lists the terminal, not its cards, where policy says so", async () => {
    const pos = await setupTerminal(TERMINAL, { grant: limits(100_000, 1) });
    const events = await debits(pos, [10, 10]);
    const uploader: TerminalPrincipal = {
      kind: "terminal",
      terminalId: TERMINAL,
      terminalNumber: pos.device.terminalNumber,
      grant: pos.grant.claims,
      jkt: pos.device.jkt,
    };
    const policy = { ...env.TEST_FIXTURE.policy, autoDenyFlags: ["over_grant_limit" as const] };
    const outcome = await ingestBatch(
      { db: env.DB, grants: grantsRpc(env), policy },
      {
        uploader,
        idempotencyKey: crypto.randomUUID(),
        bodyHash: "0".repeat(64),
        events: await prepareEvents(events),
        grantTokens: [],
      },
    );
    if (outcome.kind !== "stored") throw new Error("the upload raced itself");
    expect(outcome.autoDeny).toEqual([
      expect.objectContaining({
        kind: "over_grant_limit",
        target: { kind: "terminal", terminalNumber: 205 },
      }),
    ]);
    await denyFlagged(env.DB, grantsRpc(env), outcome.autoDeny);
    const entries = await (
      env.GRANTS as unknown as { denyEntries(): Promise<{ kind: string; id: string; reason: string }[]> }
    ).denyEntries();
    expect(entries).toContainEqual(expect.objectContaining({ kind: "terminal", id: "205", reason: "flag" }));
    expect(entries.filter((e) => e.kind === "card" && events.some((ev) => ev.card.id === e.id))).toEqual([]);
    expect((await grantFlag(pos.grant.claims.jti))?.deniedAt).not.toBeNull();
  });
});
