/**
 * Puts what a flag is about on the deny list (through the grants Worker) for flags whose kind policy lists
 * in `autoDenyFlags`: the card for a card's flag; the terminal (which revokes it) for a flag about a
 * terminal's own conduct — a grant's offline limits passed (`over_grant_limit`), where the cards it wrote
 * did nothing wrong. A failed call leaves the flag's `denied_at` empty, and the hourly sweep tries again.
 */
import { flagStore } from "../db/flags.ts";
import type { DenyEntryRequest, GrantsRpc } from "../upstream/grants.ts";
import { SYSTEM_ACTOR } from "./recompute.ts";

/** What a deny-listing flag puts on the list. */
export type DenyTarget = { kind: "card"; cardId: string } | { kind: "terminal"; terminalNumber: number };

export interface AutoDenyCandidate {
  flagId: string;
  kind: string;
  detail: string;
  target: DenyTarget;
}

/** Deny-list notes are shown to operators beside the entry; keep them to a line. */
const MAX_NOTE = 200;

function entryOf(target: DenyTarget): Pick<DenyEntryRequest, "kind" | "id"> {
  return target.kind === "card"
    ? { kind: "card", id: target.cardId }
    : { kind: "terminal", id: String(target.terminalNumber) };
}

export async function denyFlagged(
  db: D1Database,
  grants: GrantsRpc,
  candidates: readonly AutoDenyCandidate[],
): Promise<{ denied: string[]; failed: string[] }> {
  const byTarget = new Map<string, AutoDenyCandidate[]>();
  for (const candidate of candidates) {
    const { kind, id } = entryOf(candidate.target);
    const key = `${kind}:${id}`;
    byTarget.set(key, [...(byTarget.get(key) ?? []), candidate]);
  }
  const done: string[] = [];
  const denied: string[] = [];
  const failed: string[] = [];
  for (const [key, flags] of byTarget) {
    const kinds = [...new Set(flags.map((f) => f.kind))].join(", ");
    const note = `Reconciliation flag ${kinds}: ${flags[0]!.detail}`.slice(0, MAX_NOTE);
    try {
      await grants.addDenyEntry({ ...entryOf(flags[0]!.target), reason: "flag", note, actor: SYSTEM_ACTOR });
      done.push(...flags.map((f) => f.flagId));
      denied.push(key);
    } catch (error) {
      failed.push(key);
      console.error(
        JSON.stringify({ level: "error", event: "auto_deny_failed", target: key, error: String(error) }),
      );
    }
  }
  if (done.length > 0)
    await flagStore(db)
      .markDeniedStatement(done, Math.floor(Date.now() / 1000))
      .run();
  return { denied, failed };
}
