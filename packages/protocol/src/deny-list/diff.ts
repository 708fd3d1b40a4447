/**
 * The wire delta between two versions of a list as a server holds it (entries with their metadata).
 * A changed entry (new reason, moved `effectiveFrom`) is sent as an addition, which replaces it.
 */
import type { DenyListCardEntry, DenyListContents, DenyListDelta, DenyListTerminalEntry } from "./entries.ts";
import { DenyListVersionError } from "./errors.ts";

export function diffDenyLists(older: DenyListContents, newer: DenyListContents): DenyListDelta {
  if (newer.version < older.version) {
    throw new DenyListVersionError(older.version, newer.version, "the newer list has a lower version");
  }
  const oldCards = new Map(older.cards.map((entry) => [entry.id, entry]));
  const newCards = new Map(newer.cards.map((entry) => [entry.id, entry]));
  const oldTerminals = strictestTerminals(older.terminals);
  const newTerminals = strictestTerminals(newer.terminals);

  const addCards: DenyListCardEntry[] = [];
  for (const [id, entry] of newCards) {
    const before = oldCards.get(id);
    if (before === undefined || stableJson(before) !== stableJson(entry)) addCards.push(entry);
  }
  const removeCards = [...oldCards.keys()].filter((id) => !newCards.has(id));
  const addTerminals: DenyListTerminalEntry[] = [];
  for (const [n, entry] of newTerminals) {
    const before = oldTerminals.get(n);
    if (before === undefined || stableJson(before) !== stableJson(entry)) addTerminals.push(entry);
  }
  const removeTerminals = [...oldTerminals.keys()].filter((n) => !newTerminals.has(n));

  return {
    from: older.version,
    to: newer.version,
    add: {
      cards: addCards.sort((a, b) => compareStrings(a.id, b.id)),
      terminals: addTerminals.sort((a, b) => a.terminalNumber - b.terminalNumber),
    },
    remove: { cards: removeCards.sort(compareStrings), terminals: removeTerminals.sort((a, b) => a - b) },
  };
}

/** One entry per terminal, the earliest `effectiveFrom` winning, as `DenyList.fromEntries` does. */
function strictestTerminals(entries: readonly DenyListTerminalEntry[]): Map<number, DenyListTerminalEntry> {
  const out = new Map<number, DenyListTerminalEntry>();
  for (const entry of entries) {
    const known = out.get(entry.terminalNumber);
    if (known === undefined || entry.effectiveFrom < known.effectiveFrom)
      out.set(entry.terminalNumber, entry);
  }
  return out;
}

/** JSON with sorted keys, so two equal entries compare equal whatever order their fields came in. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === "object" && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => compareStrings(a, b)))
      : inner,
  );
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
