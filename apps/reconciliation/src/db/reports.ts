/** The `terminal_reports` table: heartbeats, the latest per terminal, history for policy's retention period. */
import type { TerminalReport } from "@tessera/protocol";
import { z } from "zod";
import type { LatestReport } from "../fleet/readiness.ts";

export interface ReportRow {
  id: number;
  terminal_id: string;
  received_at: number;
  at: number;
  report: string;
}

/** A latest report as fleet readiness reads it: what SQLite's json_extract gives back from the stored body. */
const CapabilityRow = z.object({
  terminal_id: z.string(),
  received_at: z.int(),
  software_version: z.string().nullable(),
  capabilities: z.string().nullable(),
});

function parsedJson(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function reportStore(db: D1Database) {
  return {
    /**
     * Stores a report under the id of the DPoP proof it came with; false when a report with that proof id is
     * already stored (the proof was replayed), which then stays as it was.
     */
    async insert(
      report: TerminalReport,
      terminalId: string,
      receivedAt: number,
      proofId: string,
    ): Promise<boolean> {
      const result = await db
        .prepare(
          `INSERT INTO terminal_reports (terminal_id, received_at, at, report, proof_id) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT DO NOTHING`,
        )
        .bind(terminalId, receivedAt, report.at, JSON.stringify(report), proofId)
        .run();
      return (result.meta.changes ?? 0) > 0;
    },

    /** The newest report of every terminal (or of one). */
    async latest(terminalId?: string): Promise<ReportRow[]> {
      const { results } = await db
        .prepare(
          `SELECT r.* FROM terminal_reports AS r
           JOIN (SELECT terminal_id, max(id) AS id FROM terminal_reports
                 WHERE ?1 IS NULL OR terminal_id = ?1 GROUP BY terminal_id) AS newest ON newest.id = r.id
           ORDER BY r.terminal_id`,
        )
        .bind(terminalId ?? null)
        .all<ReportRow>();
      return results;
    },

    /**
     * The newest report of every terminal, reduced in D1 to its software version and capabilities, so a
     * fleet of thousands is weighed without reading thousands of report bodies.
     */
    async latestCapabilities(): Promise<LatestReport[]> {
      const { results } = await db
        .prepare(
          `SELECT r.terminal_id, r.received_at,
                  json_extract(r.report, '$.softwareVersion') AS software_version,
                  json_extract(r.report, '$.capabilities') AS capabilities
           FROM terminal_reports AS r
           JOIN (SELECT terminal_id, max(id) AS id FROM terminal_reports GROUP BY terminal_id) AS newest
             ON newest.id = r.id`,
        )
        .all();
      return results.map((raw) => {
        const row = CapabilityRow.parse(raw);
        return {
          terminalId: row.terminal_id,
          receivedAt: row.received_at,
          softwareVersion: row.software_version,
          capabilities: parsedJson(row.capabilities),
        };
      });
    },

    async history(terminalId: string, options: { before?: number; limit: number }): Promise<ReportRow[]> {
      const { results } = await db
        .prepare(
          `SELECT * FROM terminal_reports WHERE terminal_id = ?1 AND (?2 IS NULL OR id < ?2)
           ORDER BY id DESC LIMIT ?3`,
        )
        .bind(terminalId, options.before ?? null, options.limit)
        .all<ReportRow>();
      return results;
    },

    /** Deletes reports received before `cutoff` (epoch seconds); returns how many went. */
    async deleteOlderThan(cutoff: number): Promise<number> {
      const result = await db
        .prepare("DELETE FROM terminal_reports WHERE received_at < ?")
        .bind(cutoff)
        .run();
      return result.meta.changes ?? 0;
    },
  };
}
