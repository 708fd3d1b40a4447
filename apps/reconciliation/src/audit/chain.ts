/**
 * The audit log's hash chain as pure functions: each sealed row's hash covers the previous row's hash and
 * the row exactly as stored, so changing, removing or reordering any sealed row breaks every hash after it.
 */
import { sha256, toHex, utf8 } from "@tessera/protocol";

/** The `prev_hash` of the first row. */
export const AUDIT_GENESIS_HASH = "0".repeat(64);

/** A row as stored: text columns exactly as in D1, so verification never depends on re-serialising JSON. */
export interface StoredAuditRow {
  seq: number;
  service: string;
  actor: string;
  action: string;
  target: string;
  detail: string;
  at: string;
  request_id: string | null;
  recorded_at: number;
}

export interface SealedAuditRow extends StoredAuditRow {
  prev_hash: string | null;
  hash: string | null;
}

/** SHA-256 over the previous hash and the row's columns, as an unambiguous JSON array. */
export async function auditRowHash(prevHash: string, row: StoredAuditRow): Promise<string> {
  const message = JSON.stringify([
    "tessera.audit.v1",
    prevHash,
    row.seq,
    row.service,
    row.actor,
    row.action,
    row.target,
    row.detail,
    row.at,
    row.request_id,
    row.recorded_at,
  ]);
  return toHex(await sha256(utf8.encode(message)));
}

export type ChainBreakReason = "missing_rows" | "prev_hash_mismatch" | "hash_mismatch" | "unsealed";

export interface ChainBreak {
  seq: number;
  reason: ChainBreakReason;
  detail: string;
}

/** Where a walk over the chain stands between pages. */
export interface ChainCursor {
  seq: number;
  hash: string;
}

export const CHAIN_START: ChainCursor = { seq: 0, hash: AUDIT_GENESIS_HASH };

/**
 * Checks one page of rows (ascending seq) continuing from `cursor`; returns the first break, or the
 * cursor to continue from.
 */
export async function verifyAuditPage(
  cursor: ChainCursor,
  rows: readonly SealedAuditRow[],
): Promise<{ broken: ChainBreak } | { cursor: ChainCursor }> {
  let at = cursor;
  for (const row of rows) {
    if (row.seq !== at.seq + 1) {
      return {
        broken: {
          seq: at.seq + 1,
          reason: "missing_rows",
          detail: `rows ${at.seq + 1}${row.seq - 1 > at.seq + 1 ? `–${row.seq - 1}` : ""} are missing`,
        },
      };
    }
    if (row.hash === null || row.prev_hash === null)
      return { broken: { seq: row.seq, reason: "unsealed", detail: "the row has not been sealed" } };
    if (row.prev_hash !== at.hash) {
      return {
        broken: {
          seq: row.seq,
          reason: "prev_hash_mismatch",
          detail: "the row does not name the previous row's hash: a row before it was changed or removed",
        },
      };
    }
    if ((await auditRowHash(row.prev_hash, row)) !== row.hash) {
      return {
        broken: {
          seq: row.seq,
          reason: "hash_mismatch",
          detail: "the row's content no longer matches its hash: it was changed after it was written",
        },
      };
    }
    at = { seq: row.seq, hash: row.hash };
  }
  return { cursor: at };
}
