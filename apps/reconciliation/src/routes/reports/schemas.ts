/** Terminal report shapes: the protocol's report, and what the console reads back. */
import { z } from "@hono/zod-openapi";
import { TerminalReport } from "@tessera/protocol";
import type { ReportRow } from "../../db/reports.ts";

export const TerminalReportSchema = TerminalReport.openapi("TerminalReport");

export const StoredReport = z
  .object({
    reportId: z.int(),
    terminalId: z.string(),
    receivedAt: z.int().describe("Epoch seconds, server clock"),
    report: TerminalReportSchema,
  })
  .openapi("StoredTerminalReport");

export function storedReportOf(row: ReportRow) {
  return StoredReport.parse({
    reportId: row.id,
    terminalId: row.terminal_id,
    receivedAt: row.received_at,
    report: JSON.parse(row.report),
  });
}
