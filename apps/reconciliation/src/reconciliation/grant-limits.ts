/**
 * Plans what an upload does to the tallies of the grants its terminal wrote under (src/ledger/grant-tally.ts)
 * and the `over_grant_limit` flags they raise. Within the limits an upload only adds its own writes; past a
 * limit it continues the stored tally, or rebuilds it from the grant's stored writes when its writes do not
 * all come after the stored ones.
 */
import type { FlagKind, PolicyDocument, SessionGrantClaims } from "@tessera/protocol";
import { auditLog } from "../db/audit.ts";
import { type FlagWrite, flagIdOf, flagStore } from "../db/flags.ts";
import { type GrantTallyRow, grantTallyStore, storedTallyOf, type TallyWrite } from "../db/grant-tallies.ts";
import {
  addWrites,
  EMPTY_TALLY,
  type GrantLimits,
  type GrantTally,
  type GrantWrite,
  grantLimitFlag,
  grantWriteOf,
  isBeyond,
  type LedgerEvent,
  stepTally,
  tallyWrites,
} from "../ledger/index.ts";
import type { AutoDenyCandidate } from "./auto-deny.ts";
import { type AuditContext, flagAuditEntry } from "./recompute.ts";

export interface GrantLimitInput {
  /** The uploading terminal: every booked event of an upload is its own. */
  terminalId: string;
  /** The upload's newly booked events. */
  booked: readonly LedgerEvent[];
  /** Verified claims of the grants the upload knows (presented or seen before), by grant id. */
  claims: ReadonlyMap<string, SessionGrantClaims>;
  /** The stored tallies of those grants and of the grants the events name (`grantTallyStore.read`). */
  stored: ReadonlyMap<string, GrantTallyRow>;
}

export interface GrantLimitPlan {
  /** Must run before `writes` in the upload's batch. */
  guard: D1PreparedStatement | null;
  writes: D1PreparedStatement[];
  /** `over_grant_limit` per event id of this upload beyond its grant's limits. */
  flagsOfEvent: Map<string, FlagKind[]>;
  autoDeny: AutoDenyCandidate[];
  audited: boolean;
}

/** The cumulative limits of a grant's claims, when the grant is this terminal's. */
function limitsOf(claims: SessionGrantClaims | undefined, terminalId: string): GrantLimits | null {
  if (!claims || claims.sub !== terminalId) return null;
  return { count: claims.limits.cumulativeCount, value: claims.limits.cumulativeValue };
}

export async function planGrantLimits(
  db: D1Database,
  policy: PolicyDocument,
  input: GrantLimitInput,
  context: AuditContext,
): Promise<GrantLimitPlan> {
  const { terminalId } = input;
  const incoming = new Map<string, GrantWrite[]>();
  const numbers = new Map<string, number>();
  for (const event of input.booked) {
    numbers.set(event.grantId, event.terminalNumber);
    const write = grantWriteOf(event);
    if (!write) continue;
    const list = incoming.get(event.grantId) ?? [];
    list.push(write);
    incoming.set(event.grantId, list);
  }
  // Grants whose stored tally was kept without their limits, now known: judged once, here.
  const unjudged = [...input.claims.keys()].filter((grantId) => {
    const row = input.stored.get(grantId);
    return row && row.count_limit === null && limitsOf(input.claims.get(grantId), terminalId);
  });

  const writes: TallyWrite[] = [];
  const rebuild: { grantId: string; limits: GrantLimits; expectedCount: number; terminalNumber: number }[] =
    [];
  for (const grantId of new Set([...incoming.keys(), ...unjudged])) {
    const stored = storedTallyOf(input.stored.get(grantId));
    const mine = incoming.get(grantId) ?? [];
    const limits = limitsOf(input.claims.get(grantId), terminalId) ?? stored?.limits ?? null;
    const terminalNumber = stored?.terminalNumber ?? numbers.get(grantId)!;
    const expectedCount = stored?.tally.count ?? 0;
    // A grant with no row has no write stored: its tally so far is empty, and exact.
    const step = stepTally(stored?.tally ?? EMPTY_TALLY, stored?.judged ?? true, mine, limits);
    if (step.kind === "add") {
      writes.push({
        terminalId,
        grantId,
        terminalNumber,
        mode: "add",
        tally: addWrites(EMPTY_TALLY, mine),
        limits,
        expectedCount,
      });
    } else if (step.kind === "continue") {
      writes.push({
        terminalId,
        grantId,
        terminalNumber,
        mode: "set",
        tally: step.tally,
        limits,
        expectedCount,
      });
    } else {
      rebuild.push({ grantId, limits: limits!, expectedCount, terminalNumber });
    }
  }
  if (rebuild.length > 0) {
    const storedWrites = await grantTallyStore(db).writes(
      terminalId,
      rebuild.map((r) => r.grantId),
    );
    for (const r of rebuild) {
      const all = [...(storedWrites.get(r.grantId) ?? []), ...(incoming.get(r.grantId) ?? [])];
      writes.push({
        terminalId,
        grantId: r.grantId,
        terminalNumber: r.terminalNumber,
        mode: "set",
        tally: tallyWrites(all, r.limits),
        limits: r.limits,
        expectedCount: r.expectedCount,
      });
    }
  }

  // Flags of the grants past a limit (only `set` tallies can be).
  const judged: { write: TallyWrite; tally: GrantTally; limits: GrantLimits }[] = writes.flatMap((w) =>
    w.mode === "set" && w.limits && w.tally.beyondCount > 0
      ? [{ write: w, tally: w.tally, limits: w.limits }]
      : [],
  );
  const flags: FlagWrite[] = [];
  const terminalNumberOf = new Map<string, number>();
  const flagsOfEvent = new Map<string, FlagKind[]>();
  for (const { write, tally, limits } of judged) {
    const raised = grantLimitFlag(terminalId, write.grantId, tally, limits)!;
    const id = await flagIdOf(raised.key);
    terminalNumberOf.set(id, write.terminalNumber);
    flags.push({
      id,
      key: raised.key,
      source: "ledger",
      kind: raised.kind,
      card_id: null,
      event_ids: JSON.stringify([...raised.eventIds].sort()),
      terminal_ids: JSON.stringify(raised.terminalIds),
      counter: raised.counter,
      amount: raised.amount,
      detail: raised.detail,
    });
    // This upload's writes beyond the grant, listed on the flag or not.
    for (const mine of incoming.get(write.grantId) ?? [])
      if (isBeyond(tally, mine)) flagsOfEvent.set(mine.eventId, ["over_grant_limit"]);
  }

  const statements: D1PreparedStatement[] = [];
  const now = Math.floor(context.at / 1000);
  statements.push(...grantTallyStore(db).writeStatements(writes, now));
  let raised: FlagWrite[] = [];
  if (flags.length > 0) {
    const known = new Map((await flagStore(db).byIds(flags.map((f) => f.id))).map((f) => [f.id, f]));
    raised = flags.filter((f) => {
      const stored = known.get(f.id);
      return !stored || stored.state === "withdrawn";
    });
    statements.push(flagStore(db).upsertStatement(flags, now));
    if (raised.length > 0)
      statements.push(
        auditLog(db).insertManyStatement(
          raised.map((f) => flagAuditEntry("flag.raise", f, context)),
          context.at,
        ),
      );
  }
  const denyKinds = new Set<string>(policy.autoDenyFlags);
  const autoDeny: AutoDenyCandidate[] = raised
    .filter((f) => denyKinds.has(f.kind))
    .map((f) => ({
      flagId: f.id,
      kind: f.kind,
      detail: f.detail,
      target: { kind: "terminal" as const, terminalNumber: terminalNumberOf.get(f.id)! },
    }));
  return {
    guard: writes.length > 0 ? grantTallyStore(db).guardStatement(writes) : null,
    writes: statements,
    flagsOfEvent,
    autoDeny,
    audited: raised.length > 0,
  };
}
