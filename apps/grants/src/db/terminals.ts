/** D1 access to enrolled terminals and the enrolment codes that admit them. */
import type { Role } from "@tessera/protocol";
import { z } from "zod";

export const TERMINAL_STATUSES = ["active", "suspended", "revoked"] as const;
export const TerminalStatus = z.enum(TERMINAL_STATUSES);
export type TerminalStatus = z.infer<typeof TerminalStatus>;

export const TerminalRow = z.object({
  id: z.string(),
  number: z.number().int(),
  name: z.string(),
  role: z.enum(["pos", "gate", "station"]),
  location_id: z.string(),
  public_key_x: z.string(),
  jkt: z.string(),
  status: TerminalStatus,
  software_version: z.string().nullable(),
  enrolment_code_id: z.string(),
  enrolled_at: z.number().int(),
  status_changed_at: z.number().int(),
  revoked_at: z.number().int().nullable(),
  grant_seq: z.number().int(),
  last_grant_at: z.number().int().nullable(),
});
export type TerminalRow = z.infer<typeof TerminalRow>;

export const EnrolmentCodeRow = z.object({
  id: z.string(),
  code_hash: z.string(),
  role: z.enum(["pos", "gate", "station"]),
  name: z.string(),
  location_id: z.string(),
  created_by: z.string(),
  created_at: z.number().int(),
  expires_at: z.number().int(),
  used_at: z.number().int().nullable(),
  terminal_id: z.string().nullable(),
});
export type EnrolmentCodeRow = z.infer<typeof EnrolmentCodeRow>;

export interface NewEnrolmentCode {
  id: string;
  codeHash: string;
  role: Role;
  name: string;
  locationId: string;
  createdBy: string;
  createdAt: number;
  expiresAt: number;
}

export interface Redemption {
  codeHash: string;
  terminalId: string;
  publicKeyX: string;
  jkt: string;
  softwareVersion: string | null;
  at: number;
}

export interface TerminalListQuery {
  status?: TerminalStatus;
  locationId?: string;
  /** Terminal number to continue after (keyset pagination). */
  after?: number;
  limit: number;
}

export function enrolmentCodes(db: D1Database) {
  return {
    async insert(code: NewEnrolmentCode): Promise<void> {
      await db
        .prepare(
          `INSERT INTO enrolment_codes (id, code_hash, role, name, location_id, created_by, created_at, expires_at)
           VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)`,
        )
        .bind(
          code.id,
          code.codeHash,
          code.role,
          code.name,
          code.locationId,
          code.createdBy,
          code.createdAt,
          code.expiresAt,
        )
        .run();
    },

    async byHash(codeHash: string): Promise<EnrolmentCodeRow | null> {
      const row = await db
        .prepare("SELECT * FROM enrolment_codes WHERE code_hash = ?1")
        .bind(codeHash)
        .first();
      return row ? EnrolmentCodeRow.parse(row) : null;
    },
  };
}

export function terminals(db: D1Database) {
  return {
    async byId(id: string): Promise<TerminalRow | null> {
      const row = await db.prepare("SELECT * FROM terminals WHERE id = ?1").bind(id).first();
      return row ? TerminalRow.parse(row) : null;
    },

    /** `byId` as a statement, to read the terminal in the same transaction as another write. */
    byIdStatement(id: string): D1PreparedStatement {
      return db.prepare("SELECT * FROM terminals WHERE id = ?1").bind(id);
    },

    /** The terminal a `byIdStatement` found, if any. */
    rowOf(result: D1Result | undefined): TerminalRow | null {
      const row = result?.results[0];
      return row ? TerminalRow.parse(row) : null;
    },

    async byNumber(number: number): Promise<TerminalRow | null> {
      const row = await db.prepare("SELECT * FROM terminals WHERE number = ?1").bind(number).first();
      return row ? TerminalRow.parse(row) : null;
    },

    async list(query: TerminalListQuery): Promise<TerminalRow[]> {
      const { results } = await db
        .prepare(
          `SELECT * FROM terminals
           WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR location_id = ?2) AND number > ?3
           ORDER BY number LIMIT ?4`,
        )
        .bind(query.status ?? null, query.locationId ?? null, query.after ?? 0, query.limit)
        .all();
      return results.map((row) => TerminalRow.parse(row));
    },

    /**
     * Redeems a code and enrols the terminal in one transaction: the code is claimed only if it is
     * unused and unexpired, the terminal row is created only from the code this redemption claimed,
     * and its number is the next in sequence. Null when the code was not claimable (lost a race).
     */
    async enrol(redemption: Redemption): Promise<TerminalRow | null> {
      const { codeHash, terminalId, publicKeyX, jkt, softwareVersion, at } = redemption;
      const [claim, , created] = await db.batch([
        db
          .prepare(
            `UPDATE enrolment_codes SET used_at = ?2, terminal_id = ?3
             WHERE code_hash = ?1 AND used_at IS NULL AND expires_at > ?2`,
          )
          .bind(codeHash, at, terminalId),
        db
          .prepare(
            `INSERT INTO terminals (id, number, name, role, location_id, public_key_x, jkt, status,
               software_version, enrolment_code_id, enrolled_at, status_changed_at)
             SELECT ?2, (SELECT COALESCE(MAX(number), 0) + 1 FROM terminals), name, role, location_id, ?3, ?4,
               'active', ?5, id, ?6, ?6
             FROM enrolment_codes WHERE code_hash = ?1 AND terminal_id = ?2`,
          )
          .bind(codeHash, terminalId, publicKeyX, jkt, softwareVersion, at),
        db.prepare("SELECT * FROM terminals WHERE id = ?1").bind(terminalId),
      ]);
      if (claim!.meta.changes !== 1) return null;
      const row = created!.results[0];
      return row ? TerminalRow.parse(row) : null;
    },

    async jktInUse(jkt: string): Promise<boolean> {
      return (await db.prepare("SELECT 1 FROM terminals WHERE jkt = ?1").bind(jkt).first()) !== null;
    },

    /** Moves a terminal between active and suspended; null when it is revoked or unknown. */
    async setStatus(
      id: string,
      from: TerminalStatus,
      to: TerminalStatus,
      at: number,
    ): Promise<TerminalRow | null> {
      const row = await db
        .prepare(
          "UPDATE terminals SET status = ?3, status_changed_at = ?4 WHERE id = ?1 AND status = ?2 RETURNING *",
        )
        .bind(id, from, to, at)
        .first();
      return row ? TerminalRow.parse(row) : null;
    },

    /** The statement that revokes a terminal (for a batch with its deny-list entry). */
    revokeStatement(id: string, at: number): D1PreparedStatement {
      return db
        .prepare(
          "UPDATE terminals SET status = 'revoked', status_changed_at = ?2, revoked_at = ?2 WHERE id = ?1 AND status != 'revoked'",
        )
        .bind(id, at);
    },

    /** Takes the next grant sequence number; the statement is batched with the grant's own record. */
    nextGrantSeqStatement(id: string, at: number): D1PreparedStatement {
      return db
        .prepare(
          "UPDATE terminals SET grant_seq = grant_seq + 1, last_grant_at = ?2 WHERE id = ?1 AND status = 'active' RETURNING grant_seq",
        )
        .bind(id, at);
    },
  };
}
