/**
 * The hourly sweep (wrangler.jsonc `triggers.crons`): seal audit rows a failed request left unsealed,
 * recompute cards whose gaps have outlived policy's window (so `missing_events` is raised even when no
 * further upload touches the card), retry auto deny-listings (cards, and terminals past a grant's limits) that failed, and drop terminal reports older
 * than policy.reports.retentionDays.
 */
import { auditLog } from "./db/audit.ts";
import { flagStore } from "./db/flags.ts";
import { reportStore } from "./db/reports.ts";
import { type AutoDenyCandidate, denyFlagged } from "./reconciliation/auto-deny.ts";
import { recomputeCards } from "./reconciliation/recompute.ts";
import { grantsRpc } from "./upstream/grants.ts";
import { currentPolicy } from "./upstream/policy.ts";

/** Cards recomputed per run; the next run takes the rest. */
const SWEEP_CARDS = 200;

export async function runSweep(env: Env, now = Math.floor(Date.now() / 1000)) {
  const db = env.DB;
  const sealed = await auditLog(db).seal();
  const policy = await currentPolicy(env);
  const window = policy.reconciliation.missingEventWindowSeconds;
  const { results } = await db
    .prepare(
      "SELECT card_id FROM cards WHERE open_gaps > 0 AND last_written_at < ? ORDER BY last_written_at LIMIT ?",
    )
    .bind(now - window, SWEEP_CARDS)
    .all<{ card_id: string }>();
  const fresh =
    results.length > 0
      ? await recomputeCards(
          db,
          policy,
          results.map((r) => r.card_id),
          now * 1000,
        )
      : [];
  const pending = await flagStore(db).awaitingDenial(policy.autoDenyFlags, 100);
  const retried: AutoDenyCandidate[] = pending.flatMap((f) => {
    const target =
      f.card_id !== null
        ? { kind: "card" as const, cardId: f.card_id }
        : f.terminal_number !== null
          ? { kind: "terminal" as const, terminalNumber: f.terminal_number }
          : null;
    return target ? [{ flagId: f.id, kind: f.kind, detail: f.detail, target }] : [];
  });
  const denials = await denyFlagged(db, grantsRpc(env), [...fresh, ...retried]);
  const reportsDeleted = await reportStore(db).deleteOlderThan(now - policy.reports.retentionDays * 86_400);
  await auditLog(db).seal();
  return { sealed, recomputed: results.length, denied: denials.denied.length, reportsDeleted };
}
