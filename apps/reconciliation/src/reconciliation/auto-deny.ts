/**
 * Puts cards on the deny list (through the grants Worker) for flags whose kind policy lists in
 * `autoDenyFlags`. A failed call leaves the flag's `denied_at` empty, and the hourly sweep tries again.
 */
import { flagStore } from "../db/flags.ts";
import type { GrantsRpc } from "../upstream/grants.ts";
import { type AutoDenyCandidate, SYSTEM_ACTOR } from "./recompute.ts";

/** Deny-list notes are shown to operators beside the entry; keep them to a line. */
const MAX_NOTE = 200;

export async function denyFlaggedCards(
  db: D1Database,
  grants: GrantsRpc,
  candidates: readonly AutoDenyCandidate[],
): Promise<{ denied: string[]; failed: string[] }> {
  const byCard = new Map<string, AutoDenyCandidate[]>();
  for (const candidate of candidates)
    byCard.set(candidate.cardId, [...(byCard.get(candidate.cardId) ?? []), candidate]);
  const done: string[] = [];
  const denied: string[] = [];
  const failed: string[] = [];
  for (const [cardId, flags] of byCard) {
    const kinds = [...new Set(flags.map((f) => f.kind))].join(", ");
    const note = `Reconciliation flag ${kinds}: ${flags[0]!.detail}`.slice(0, MAX_NOTE);
    try {
      await grants.addDenyEntry({ kind: "card", id: cardId, reason: "flag", note, actor: SYSTEM_ACTOR });
      done.push(...flags.map((f) => f.flagId));
      denied.push(cardId);
    } catch (error) {
      failed.push(cardId);
      console.error(
        JSON.stringify({ level: "error", event: "auto_deny_failed", cardId, error: String(error) }),
      );
    }
  }
  if (done.length > 0)
    await flagStore(db)
      .markDeniedStatement(done, Math.floor(Date.now() / 1000))
      .run();
  return { denied, failed };
}
