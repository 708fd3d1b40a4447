/**
 * D1 access to the deny list: the entries as they are now, the change log deltas come from, and the
 * version counter. Every change is a batch of statements that bump the version, set the entry and log
 * the change in one transaction, so readers never see one without the others.
 */
import { DenyListCardEntry, DenyListTerminalEntry, DenyReason } from "@tessera/protocol";
import { z } from "zod";

export const DENY_KINDS = ["card", "terminal"] as const;
export const DenyKind = z.enum(DENY_KINDS);
export type DenyKind = z.infer<typeof DenyKind>;

/** The row key of an entry: a card's 16 hex digits, or a terminal number zero-padded so keys sort numerically. */
export function denyRowId(kind: DenyKind, id: string | number): string {
  return kind === "card" ? String(id) : String(id).padStart(8, "0");
}

export const DenyEntryRow = z.object({
  kind: DenyKind,
  id: z.string(),
  reason: DenyReason,
  note: z.string().nullable(),
  effective_from: z.number().int().nullable(),
  added_at: z.number().int(),
  added_by: z.string(),
});
export type DenyEntryRow = z.infer<typeof DenyEntryRow>;

/** A row as the wire carries it; rows leave the database only through these protocol schemas. */
export function cardEntryOf(row: DenyEntryRow): DenyListCardEntry {
  return DenyListCardEntry.parse({
    id: row.id,
    reason: row.reason,
    ...(row.note === null ? {} : { note: row.note }),
    addedAt: row.added_at,
    addedBy: row.added_by,
  });
}

export function terminalEntryOf(row: DenyEntryRow): DenyListTerminalEntry {
  return DenyListTerminalEntry.parse({
    terminalNumber: Number(row.id),
    effectiveFrom: row.effective_from ?? row.added_at,
    reason: row.reason,
    ...(row.note === null ? {} : { note: row.note }),
    addedAt: row.added_at,
    addedBy: row.added_by,
  });
}

export interface DenyEntryChange {
  kind: DenyKind;
  /** Card id (hex) or terminal number. */
  id: string | number;
  reason: DenyReason;
  note: string | null;
  effectiveFrom: number | null;
  actor: string;
  at: number;
}

export interface DenyRemoval {
  kind: DenyKind;
  id: string | number;
  /** Why it comes off the list, in words (the card was found, the terminal was replaced). */
  reason: string;
  actor: string;
  at: number;
}

const StateRow = z.object({ version: z.number().int(), delta_floor: z.number().int() });
const ChangedRow = z.object({
  kind: DenyKind,
  id: z.string(),
  reason: DenyReason.nullable(),
  note: z.string().nullable(),
  effective_from: z.number().int().nullable(),
  added_at: z.number().int().nullable(),
  added_by: z.string().nullable(),
});

export type DeltaRows =
  | { kind: "rows"; version: number; present: DenyEntryRow[]; removed: { kind: DenyKind; id: string }[] }
  | { kind: "too_old" | "too_large" | "ahead"; version: number };

const CURRENT_VERSION = "(SELECT version FROM deny_list_state WHERE id = 1)";

export function denyList(db: D1Database) {
  const bump = () => db.prepare("UPDATE deny_list_state SET version = version + 1 WHERE id = 1");
  const logChange = (
    op: "add" | "remove",
    kind: DenyKind,
    id: string,
    reason: string,
    note: string | null,
    actor: string,
    at: number,
  ) =>
    db
      .prepare(
        `INSERT INTO deny_list_changes (version, kind, id, op, reason, note, actor, at)
         VALUES (${CURRENT_VERSION}, ?1, ?2, ?3, ?4, ?5, ?6, ?7)`,
      )
      .bind(kind, id, op, reason, note, actor, at);

  return {
    async state(): Promise<{ version: number; deltaFloor: number }> {
      const row = StateRow.parse(
        await db.prepare("SELECT version, delta_floor FROM deny_list_state WHERE id = 1").first(),
      );
      return { version: row.version, deltaFloor: row.delta_floor };
    },

    async entry(kind: DenyKind, id: string | number): Promise<DenyEntryRow | null> {
      const row = await db
        .prepare(
          "SELECT kind, id, reason, note, effective_from, added_at, added_by FROM deny_list_entries WHERE kind = ?1 AND id = ?2",
        )
        .bind(kind, denyRowId(kind, id))
        .first();
      return row ? DenyEntryRow.parse(row) : null;
    },

    /** The entries for one card and some terminals, with the version they were read at (online validation). */
    async lookup(
      cardId: string | null,
      terminalNumbers: number[],
    ): Promise<{ version: number; rows: DenyEntryRow[] }> {
      const ids = terminalNumbers.map((n) => denyRowId("terminal", n));
      const [state, entries] = await db.batch([
        db.prepare("SELECT version, delta_floor FROM deny_list_state WHERE id = 1"),
        db
          .prepare(
            `SELECT kind, id, reason, note, effective_from, added_at, added_by FROM deny_list_entries
             WHERE (kind = 'card' AND id = ?1) OR (kind = 'terminal' AND id IN (SELECT value FROM json_each(?2)))`,
          )
          .bind(cardId, JSON.stringify(ids)),
      ]);
      return {
        version: StateRow.parse(state!.results[0]).version,
        rows: entries!.results.map((row) => DenyEntryRow.parse(row)),
      };
    },

    /** Statements that set an entry (added or changed) and bump the version; batch them with any others. */
    setStatements(change: DenyEntryChange): D1PreparedStatement[] {
      const id = denyRowId(change.kind, change.id);
      return [
        bump(),
        db
          .prepare(
            `INSERT INTO deny_list_entries (kind, id, reason, note, effective_from, added_at, added_by, version)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ${CURRENT_VERSION})
             ON CONFLICT (kind, id) DO UPDATE SET reason = excluded.reason, note = excluded.note,
               effective_from = excluded.effective_from, added_at = excluded.added_at,
               added_by = excluded.added_by, version = excluded.version`,
          )
          .bind(change.kind, id, change.reason, change.note, change.effectiveFrom, change.at, change.actor),
        logChange("add", change.kind, id, change.reason, change.note, change.actor, change.at),
      ];
    },

    removeStatements(removal: DenyRemoval): D1PreparedStatement[] {
      const id = denyRowId(removal.kind, removal.id);
      return [
        bump(),
        db.prepare("DELETE FROM deny_list_entries WHERE kind = ?1 AND id = ?2").bind(removal.kind, id),
        logChange("remove", removal.kind, id, removal.reason, null, removal.actor, removal.at),
      ];
    },

    versionStatement(): D1PreparedStatement {
      return db.prepare("SELECT version, delta_floor FROM deny_list_state WHERE id = 1");
    },

    parseVersion(result: D1Result | undefined): number {
      return StateRow.parse(result?.results[0]).version;
    },

    /**
     * What changed since `since`, as the final state of each changed key, read in one transaction with
     * the version it brings the holder to. Refuses (without reading the rows) when the log no longer
     * reaches back that far, and stops reading once more than `maxKeys` keys changed.
     */
    async changedSince(since: number, maxKeys: number): Promise<DeltaRows> {
      const [state, changed] = await db.batch([
        db.prepare("SELECT version, delta_floor FROM deny_list_state WHERE id = 1"),
        db
          .prepare(
            `SELECT c.kind, c.id, e.reason, e.note, e.effective_from, e.added_at, e.added_by
             FROM (SELECT DISTINCT kind, id FROM deny_list_changes WHERE version > ?1) AS c
             LEFT JOIN deny_list_entries AS e ON e.kind = c.kind AND e.id = c.id
             WHERE ?1 >= (SELECT delta_floor FROM deny_list_state WHERE id = 1)
             LIMIT ?2`,
          )
          .bind(since, maxKeys + 1),
      ]);
      const { version, delta_floor: floor } = StateRow.parse(state!.results[0]);
      if (since > version) return { kind: "ahead", version };
      if (since < floor) return { kind: "too_old", version };
      const rows = changed!.results.map((row) => ChangedRow.parse(row));
      if (rows.length > maxKeys) return { kind: "too_large", version };
      const present: DenyEntryRow[] = [];
      const removed: { kind: DenyKind; id: string }[] = [];
      for (const row of rows) {
        if (row.reason === null || row.added_at === null || row.added_by === null)
          removed.push({ kind: row.kind, id: row.id });
        else present.push(DenyEntryRow.parse(row));
      }
      return { kind: "rows", version, present, removed };
    },

    /** The version and number of entries, read together: the start of a snapshot build. */
    async census(): Promise<{ version: number; entries: number; cards: number }> {
      return z
        .object({ version: z.number().int(), entries: z.number().int(), cards: z.number().int() })
        .parse(
          await db
            .prepare(
              `SELECT version, (SELECT COUNT(*) FROM deny_list_entries) AS entries,
                 (SELECT COUNT(*) FROM deny_list_entries WHERE kind = 'card') AS cards
               FROM deny_list_state WHERE id = 1`,
            )
            .first(),
        );
    },

    /**
     * Up to `limit` listed card ids after `afterId`, ascending, as one string of 16-hex-digit ids (one
     * row, not one per id: a 100,000-id page is 1.6 MB, under D1's 2 MB row limit, and fast to read).
     */
    async cardIdPage(afterId: string, limit: number): Promise<string> {
      const row = await db
        .prepare(
          `SELECT COALESCE(group_concat(id, ''), '') AS ids FROM
             (SELECT id FROM deny_list_entries WHERE kind = 'card' AND id > ?1 ORDER BY id LIMIT ?2)`,
        )
        .bind(afterId, limit)
        .first();
      const ids = z.object({ ids: z.string().regex(/^([0-9a-f]{16})*$/) }).parse(row).ids;
      return ids;
    },

    /** Every listed terminal's number and effectiveFrom (few: terminals, not cards). */
    async terminalRevocations(): Promise<{ terminalNumber: number; effectiveFrom: number }[]> {
      const { results } = await db
        .prepare(
          "SELECT id, effective_from, added_at FROM deny_list_entries WHERE kind = 'terminal' ORDER BY id",
        )
        .all();
      return results
        .map((row) =>
          z
            .object({
              id: z.string(),
              effective_from: z.number().int().nullable(),
              added_at: z.number().int(),
            })
            .parse(row),
        )
        .map((row) => ({
          terminalNumber: Number(row.id),
          effectiveFrom: row.effective_from ?? row.added_at,
        }));
    },

    /** One page of entries in key order (cards by id, then terminals by number), after `after`. */
    async page(after: { kind: DenyKind; id: string } | null, limit: number): Promise<DenyEntryRow[]> {
      const { results } = await db
        .prepare(
          `SELECT kind, id, reason, note, effective_from, added_at, added_by FROM deny_list_entries
           WHERE (kind, id) > (?1, ?2) ORDER BY kind, id LIMIT ?3`,
        )
        .bind(after?.kind ?? "", after?.id ?? "", limit)
        .all();
      return results.map((row) => DenyEntryRow.parse(row));
    },
  };
}
