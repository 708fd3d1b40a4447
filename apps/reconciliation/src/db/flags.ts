/** The `flags` table: anomalies raised by the ledger and by rejected events, and their resolution. */
import { sha256, toHex, utf8 } from "@tessera/protocol";
import type { LedgerFlag } from "../ledger/index.ts";

export const FLAG_STATES = ["open", "resolved", "withdrawn"] as const;
export type FlagState = (typeof FLAG_STATES)[number];

/** A flag's id is derived from its key, so recomputing a ledger finds the same row again. */
export async function flagIdOf(key: string): Promise<string> {
  return `flg_${toHex(await sha256(utf8.encode(key))).slice(0, 24)}`;
}

export interface FlagWrite {
  id: string;
  key: string;
  source: "ledger" | "rejection";
  kind: string;
  card_id: string | null;
  event_ids: string;
  terminal_ids: string;
  counter: number | null;
  amount: number | null;
  detail: string;
}

/** A stored flag: what was written, and where its review stands. */
export interface FlagRow extends FlagWrite {
  state: FlagState;
  raised_at: number;
  updated_at: number;
  resolved_at: number | null;
  resolved_by: string | null;
  resolution_note: string | null;
  denied_at: number | null;
}

export async function flagWriteOf(flag: LedgerFlag): Promise<FlagWrite> {
  return {
    id: await flagIdOf(flag.key),
    key: flag.key,
    source: "ledger",
    kind: flag.kind,
    card_id: flag.cardId,
    event_ids: JSON.stringify(flag.eventIds),
    terminal_ids: JSON.stringify(flag.terminalIds),
    counter: flag.counter,
    amount: flag.amount,
    detail: flag.detail,
  };
}

export interface FlagFilter {
  state?: FlagState;
  kind?: string;
  cardId?: string;
  terminalId?: string;
}

export function flagStore(db: D1Database) {
  return {
    async forCards(cardIds: readonly string[]): Promise<FlagRow[]> {
      if (cardIds.length === 0) return [];
      const { results } = await db
        .prepare("SELECT * FROM flags WHERE card_id IN (SELECT value FROM json_each(?))")
        .bind(JSON.stringify(cardIds))
        .all<FlagRow>();
      return results;
    },

    async byIds(ids: readonly string[]): Promise<FlagRow[]> {
      if (ids.length === 0) return [];
      const { results } = await db
        .prepare("SELECT * FROM flags WHERE id IN (SELECT value FROM json_each(?))")
        .bind(JSON.stringify(ids))
        .all<FlagRow>();
      return results;
    },

    /**
     * Inserts new flags open; updates known ones in place (a withdrawn one that applies again reopens,
     * a resolved one stays resolved).
     */
    upsertStatement(rows: readonly FlagWrite[], now: number): D1PreparedStatement {
      return db
        .prepare(
          `INSERT INTO flags (id, key, source, kind, card_id, event_ids, terminal_ids, counter, amount, detail,
             state, raised_at, updated_at)
           SELECT value ->> '$.id', value ->> '$.key', value ->> '$.source', value ->> '$.kind',
             value ->> '$.card_id', value ->> '$.event_ids', value ->> '$.terminal_ids', value ->> '$.counter',
             value ->> '$.amount', value ->> '$.detail', 'open', ?2, ?2
           FROM json_each(?1) WHERE true
           ON CONFLICT (id) DO UPDATE SET event_ids = excluded.event_ids, terminal_ids = excluded.terminal_ids,
             counter = excluded.counter, amount = excluded.amount, detail = excluded.detail,
             updated_at = excluded.updated_at,
             state = CASE WHEN flags.state = 'withdrawn' THEN 'open' ELSE flags.state END
           WHERE flags.source = 'ledger'`,
        )
        .bind(JSON.stringify(rows), now);
    },

    /** Ledger flags of these cards that the recomputation no longer raises. */
    withdrawStatement(ids: readonly string[], now: number): D1PreparedStatement {
      return db
        .prepare(
          `UPDATE flags SET state = 'withdrawn', updated_at = ?2
           WHERE state = 'open' AND source = 'ledger' AND id IN (SELECT value FROM json_each(?1))`,
        )
        .bind(JSON.stringify(ids), now);
    },

    async get(id: string): Promise<FlagRow | null> {
      return db.prepare("SELECT * FROM flags WHERE id = ?").bind(id).first<FlagRow>();
    },

    async list(filter: FlagFilter, options: { before?: { raisedAt: number; id: string }; limit: number }) {
      const { results } = await db
        .prepare(
          `SELECT * FROM flags
           WHERE (?1 IS NULL OR state = ?1) AND (?2 IS NULL OR kind = ?2) AND (?3 IS NULL OR card_id = ?3)
             AND (?4 IS NULL OR EXISTS (SELECT 1 FROM json_each(flags.terminal_ids) WHERE value = ?4))
             AND (?5 IS NULL OR raised_at < ?5 OR (raised_at = ?5 AND id < ?6))
           ORDER BY raised_at DESC, id DESC LIMIT ?7`,
        )
        .bind(
          filter.state ?? null,
          filter.kind ?? null,
          filter.cardId ?? null,
          filter.terminalId ?? null,
          options.before?.raisedAt ?? null,
          options.before?.id ?? "",
          options.limit,
        )
        .all<FlagRow>();
      return results;
    },

    resolveStatement(id: string, note: string, by: string, now: number): D1PreparedStatement {
      return db
        .prepare(
          `UPDATE flags SET state = 'resolved', resolved_at = ?3, resolved_by = ?4, resolution_note = ?2,
             updated_at = ?3
           WHERE id = ?1 AND state = 'open' RETURNING *`,
        )
        .bind(id, note, now, by);
    },

    markDeniedStatement(ids: readonly string[], now: number): D1PreparedStatement {
      return db
        .prepare(
          "UPDATE flags SET denied_at = ?2 WHERE denied_at IS NULL AND id IN (SELECT value FROM json_each(?1))",
        )
        .bind(JSON.stringify(ids), now);
    },

    /**
     * Open flags whose kind policy deny-lists automatically but whose card — or, for a grant's limits, whose
     * terminal (its number from the grant's tally) — is not listed yet.
     */
    async awaitingDenial(
      kinds: readonly string[],
      limit: number,
    ): Promise<(FlagRow & { terminal_number: number | null })[]> {
      if (kinds.length === 0) return [];
      const { results } = await db
        .prepare(
          `SELECT flags.*, (SELECT terminal_number FROM grant_tallies
               WHERE flags.kind = 'over_grant_limit' AND terminal_id = flags.terminal_ids ->> '$[0]' LIMIT 1)
             AS terminal_number
           FROM flags WHERE state = 'open' AND denied_at IS NULL
             AND (card_id IS NOT NULL OR kind = 'over_grant_limit')
             AND kind IN (SELECT value FROM json_each(?1)) ORDER BY raised_at LIMIT ?2`,
        )
        .bind(JSON.stringify(kinds), limit)
        .all<FlagRow & { terminal_number: number | null }>();
      return results;
    },
  };
}
