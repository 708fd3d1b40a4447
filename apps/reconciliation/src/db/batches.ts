/** The `batches` table: one row per accepted upload, with the answer replayed for a repeated Idempotency-Key. */
import type { ReconcileResult } from "@tessera/protocol";

export interface BatchRow {
  id: string;
  terminal_id: string;
  idempotency_key: string;
  body_hash: string;
  received_at: number;
  event_count: number;
  accepted: number;
  duplicate: number;
  flagged: number;
  rejected: number;
  results: string;
}

export type BatchSummaryRow = Omit<BatchRow, "results" | "body_hash">;

export function batchStore(db: D1Database) {
  return {
    async findByKey(terminalId: string, key: string): Promise<{ body_hash: string; results: string } | null> {
      return db
        .prepare("SELECT body_hash, results FROM batches WHERE terminal_id = ? AND idempotency_key = ?")
        .bind(terminalId, key)
        .first<{ body_hash: string; results: string }>();
    },

    insertStatement(row: {
      id: string;
      terminalId: string;
      idempotencyKey: string;
      bodyHash: string;
      receivedAt: number;
      result: ReconcileResult;
    }): D1PreparedStatement {
      const count = (status: string) => row.result.results.filter((r) => r.status === status).length;
      return db
        .prepare(
          `INSERT INTO batches (id, terminal_id, idempotency_key, body_hash, received_at, event_count, accepted,
             duplicate, flagged, rejected, results)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .bind(
          row.id,
          row.terminalId,
          row.idempotencyKey,
          row.bodyHash,
          row.receivedAt,
          row.result.results.length,
          count("accepted"),
          count("duplicate"),
          count("flagged"),
          count("rejected"),
          JSON.stringify(row.result),
        );
    },

    async get(id: string): Promise<BatchRow | null> {
      return db.prepare("SELECT * FROM batches WHERE id = ?").bind(id).first<BatchRow>();
    },

    async list(options: { terminalId?: string; before?: number; limit: number }): Promise<BatchSummaryRow[]> {
      const { results } = await db
        .prepare(
          `SELECT id, terminal_id, idempotency_key, received_at, event_count, accepted, duplicate, flagged, rejected
           FROM batches WHERE (?1 IS NULL OR terminal_id = ?1) AND (?2 IS NULL OR received_at < ?2)
           ORDER BY received_at DESC, id DESC LIMIT ?3`,
        )
        .bind(options.terminalId ?? null, options.before ?? null, options.limit)
        .all<BatchSummaryRow>();
      return results;
    },
  };
}
