/** `GET /v1/terminals/{terminalId}/activity`: what one terminal handed in, what was flagged, how it reports. */
import { type RouteHandler, z } from "@hono/zod-openapi";
import { secureRoute } from "@tessera/service-kit";
import { batchStore } from "../../db/batches.ts";
import { eventStore } from "../../db/events.ts";
import { flagStore } from "../../db/flags.ts";
import { reportStore } from "../../db/reports.ts";
import type { ReconciliationEnv } from "../../env.ts";
import { batchSummaryOf } from "../batches/list.ts";
import { BatchSummary } from "../batches/schemas.ts";
import { FlagView, flagViewOf } from "../flags/schemas.ts";
import { StoredReport, storedReportOf } from "../reports/schemas.ts";
import { TerminalIdParam } from "./reports.ts";

const TerminalActivity = z
  .object({
    terminalId: z.string(),
    totals: z.object({
      events: z.int(),
      booked: z.int(),
      rejected: z.int(),
      spent: z.int().describe("Debits, check-ins and check-outs booked, minor units"),
      credited: z.int().describe("Top-ups and refunds booked, minor units"),
      firstSeq: z.int().nullable(),
      lastSeq: z.int().nullable(),
      missingSeqs: z
        .int()
        .describe("Sequence numbers between the first and last received that never arrived"),
      lastReceivedAt: z.int().nullable(),
    }),
    recentEvents: z.array(
      z.object({
        eventId: z.string(),
        cardId: z.string().nullable(),
        seq: z.int().nullable(),
        op: z.string().nullable(),
        amount: z.int().nullable(),
        writtenAt: z.int().nullable(),
        booked: z.boolean(),
        rejectCode: z.string().nullable(),
        receivedAt: z.int(),
      }),
    ),
    recentBatches: z.array(BatchSummary),
    openFlags: z.array(FlagView),
    latestReport: StoredReport.nullable(),
  })
  .openapi("TerminalActivity");

export const terminalActivityRoute = secureRoute({
  method: "get",
  path: "/terminals/{terminalId}/activity",
  tags: ["Terminals"],
  summary: "A terminal's uploads, events, open flags and latest report",
  access: { roles: ["auditor"], scopes: ["terminals:read"] },
  request: { params: TerminalIdParam },
  responses: {
    200: { description: "Activity", content: { "application/json": { schema: TerminalActivity } } },
  },
});

export const terminalActivity: RouteHandler<typeof terminalActivityRoute, ReconciliationEnv> = async (c) => {
  const { terminalId } = c.req.valid("param");
  const db = c.env.DB;
  const events = eventStore(db);
  const [totals, recent, batches, flags, reports] = await Promise.all([
    events.terminalTotals(terminalId),
    events.forTerminal(terminalId, 50),
    batchStore(db).list({ terminalId, limit: 10 }),
    flagStore(db).list({ state: "open", terminalId }, { limit: 50 }),
    reportStore(db).latest(terminalId),
  ]);
  const first = totals?.first_seq ?? null;
  const last = totals?.last_seq ?? null;
  return c.json(
    TerminalActivity.parse({
      terminalId,
      totals: {
        events: totals?.events ?? 0,
        booked: totals?.booked ?? 0,
        rejected: (totals?.events ?? 0) - (totals?.booked ?? 0),
        spent: totals?.spent ?? 0,
        credited: totals?.credited ?? 0,
        firstSeq: first,
        lastSeq: last,
        missingSeqs: first !== null && last !== null ? last - first + 1 - (totals?.distinct_seqs ?? 0) : 0,
        lastReceivedAt: totals?.last_received_at ?? null,
      },
      recentEvents: recent.map((e) => ({
        eventId: e.id,
        cardId: e.card_id,
        seq: e.seq,
        op: e.op,
        amount: e.amount,
        writtenAt: e.written_at,
        booked: e.booked === 1,
        rejectCode: e.reject_code,
        receivedAt: e.received_at,
      })),
      recentBatches: batches.map(batchSummaryOf),
      openFlags: flags.map(flagViewOf),
      latestReport: reports[0] ? storedReportOf(reports[0]) : null,
    }),
    200,
  );
};
