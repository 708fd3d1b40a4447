/** The `audit_log` table: appends (insert, then seal in sequence order), queries, export pages and verification. */
import type { AuditEntryInput } from "@tessera/service-kit";
import {
  auditRowHash,
  CHAIN_START,
  type ChainBreak,
  type ChainCursor,
  type SealedAuditRow,
  verifyAuditPage,
} from "../audit/chain.ts";

const SEAL_PAGE = 200;
const VERIFY_PAGE = 1000;

export interface AuditFilter {
  service?: string;
  actorId?: string;
  /** Exact action, or a prefix ending in "." (e.g. "flag."). */
  action?: string;
  target?: string;
  /** ISO 8601 bounds on `at`. */
  from?: string;
  to?: string;
}

const COLUMNS =
  "seq, service, actor, actor_id, action, target, detail, at, request_id, recorded_at, prev_hash, hash";

function where(filter: AuditFilter, afterSeq: number): { sql: string; params: unknown[] } {
  const clauses = ["seq > ?"];
  const params: unknown[] = [afterSeq];
  if (filter.service) {
    clauses.push("service = ?");
    params.push(filter.service);
  }
  if (filter.actorId) {
    clauses.push("actor_id = ?");
    params.push(filter.actorId);
  }
  if (filter.action) {
    if (filter.action.endsWith(".")) {
      // A prefix match without LIKE's wildcards, so "_" in an action name means itself.
      clauses.push("substr(action, 1, ?) = ?");
      params.push(filter.action.length, filter.action);
    } else {
      clauses.push("action = ?");
      params.push(filter.action);
    }
  }
  if (filter.target) {
    clauses.push("target = ?");
    params.push(filter.target);
  }
  if (filter.from) {
    clauses.push("at >= ?");
    params.push(filter.from);
  }
  if (filter.to) {
    clauses.push("at <= ?");
    params.push(filter.to);
  }
  return { sql: clauses.join(" AND "), params };
}

export interface AuditVerification {
  ok: boolean;
  checked: number;
  head: ChainCursor | null;
  firstBreak: ChainBreak | null;
}

export function auditLog(db: D1Database) {
  const insertSql = `INSERT INTO audit_log (service, actor, actor_id, action, target, detail, at, request_id, recorded_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`;

  const repository = {
    /** The INSERT for one entry, to put in a caller's `batch()` beside the change it records. */
    insertStatement(entry: AuditEntryInput, recordedAt = Date.now()): D1PreparedStatement {
      return db
        .prepare(insertSql)
        .bind(
          entry.service,
          JSON.stringify(entry.actor),
          entry.actor.id,
          entry.action,
          entry.target,
          JSON.stringify(entry.detail),
          entry.at,
          entry.requestId ?? null,
          recordedAt,
        );
    },

    /** INSERTs for many entries in one statement, in array order (their sequence numbers follow it). */
    insertManyStatement(entries: readonly AuditEntryInput[], recordedAt = Date.now()): D1PreparedStatement {
      const rows = entries.map((entry) => ({
        service: entry.service,
        actor: JSON.stringify(entry.actor),
        actor_id: entry.actor.id,
        action: entry.action,
        target: entry.target,
        detail: JSON.stringify(entry.detail),
        at: entry.at,
        request_id: entry.requestId ?? null,
      }));
      return db
        .prepare(
          `INSERT INTO audit_log (service, actor, actor_id, action, target, detail, at, request_id, recorded_at)
           SELECT value ->> '$.service', value ->> '$.actor', value ->> '$.actor_id', value ->> '$.action',
             value ->> '$.target', value ->> '$.detail', value ->> '$.at', value ->> '$.request_id', ?2
           FROM json_each(?1) ORDER BY key`,
        )
        .bind(JSON.stringify(rows), recordedAt);
    },

    /** Appends one entry and seals it (and anything before it still unsealed) before answering. */
    async append(entry: AuditEntryInput): Promise<{ seq: number }> {
      const row = await repository.insertStatement(entry).first<{ seq: number }>();
      if (!row) throw new Error("audit insert returned no sequence number");
      await repository.seal();
      return { seq: row.seq };
    },

    /**
     * Seals unsealed rows in sequence order. Safe to run concurrently: a row's hash is a function of its
     * content and the previous hash only, and a sealed row is never updated again.
     */
    async seal(): Promise<number> {
      let sealed = 0;
      for (;;) {
        const last = await db
          .prepare("SELECT seq, hash FROM audit_log WHERE hash IS NOT NULL ORDER BY seq DESC LIMIT 1")
          .first<{ seq: number; hash: string }>();
        const { results } = await db
          .prepare(`SELECT ${COLUMNS} FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?`)
          .bind(last?.seq ?? 0, SEAL_PAGE)
          .all<SealedAuditRow>();
        if (results.length === 0) return sealed;
        let prev = last?.hash ?? CHAIN_START.hash;
        const updates: D1PreparedStatement[] = [];
        for (const row of results) {
          const hash = await auditRowHash(prev, row);
          updates.push(
            db
              .prepare("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ? AND hash IS NULL")
              .bind(prev, hash, row.seq),
          );
          prev = hash;
        }
        await db.batch(updates);
        sealed += results.length;
        if (results.length < SEAL_PAGE) return sealed;
      }
    },

    async list(filter: AuditFilter, afterSeq: number, limit: number): Promise<SealedAuditRow[]> {
      const { sql, params } = where(filter, afterSeq);
      const { results } = await db
        .prepare(`SELECT ${COLUMNS} FROM audit_log WHERE ${sql} ORDER BY seq LIMIT ?`)
        .bind(...params, limit)
        .all<SealedAuditRow>();
      return results;
    },

    /** Walks the whole chain from the first row and reports the first break. */
    async verify(): Promise<AuditVerification> {
      await repository.seal();
      let cursor = CHAIN_START;
      let checked = 0;
      for (;;) {
        const { results } = await db
          .prepare(`SELECT ${COLUMNS} FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?`)
          .bind(cursor.seq, VERIFY_PAGE)
          .all<SealedAuditRow>();
        const page = await verifyAuditPage(cursor, results);
        if ("broken" in page) return { ok: false, checked, head: null, firstBreak: page.broken };
        checked += results.length;
        cursor = page.cursor;
        if (results.length < VERIFY_PAGE) break;
      }
      return { ok: true, checked, head: checked > 0 ? cursor : null, firstBreak: null };
    },
  };
  return repository;
}
