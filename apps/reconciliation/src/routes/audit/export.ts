/** `GET /v1/audit/export`: the (filtered) log as CSV or NDJSON, streamed page by page. */
import { type RouteHandler, z } from "@hono/zod-openapi";
import { secureRoute } from "@tessera/service-kit";
import type { SealedAuditRow } from "../../audit/chain.ts";
import { auditLog } from "../../db/audit.ts";
import type { ReconciliationEnv } from "../../env.ts";
import { AuditFilterQuery, auditEntryOf, filterOf } from "./schemas.ts";

const PAGE = 500;
const CSV_COLUMNS = [
  "seq",
  "at",
  "service",
  "actor_kind",
  "actor_id",
  "actor_name",
  "action",
  "target",
  "detail",
  "request_id",
  "recorded_at",
  "prev_hash",
  "hash",
] as const;

/** RFC 4180 quoting; a leading formula character is neutralised so a spreadsheet never executes a cell. */
function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvLine(row: SealedAuditRow): string {
  const entry = auditEntryOf(row);
  return `${[
    entry.seq,
    entry.at,
    entry.service,
    entry.actor.kind,
    entry.actor.id,
    entry.actor.name ?? "",
    entry.action,
    entry.target,
    row.detail,
    entry.requestId,
    entry.recordedAt,
    entry.prevHash,
    entry.hash,
  ]
    .map(csvCell)
    .join(",")}\r\n`;
}

export const exportAuditRoute = secureRoute({
  method: "get",
  path: "/audit/export",
  tags: ["Audit log"],
  summary: "Export the audit log as CSV or NDJSON",
  access: { roles: ["auditor"], scopes: ["audit:read"] },
  request: { query: AuditFilterQuery.extend({ format: z.enum(["csv", "ndjson"]).default("ndjson") }) },
  responses: {
    200: {
      description: "The entries, oldest first (CSV with a header row, or one JSON object per line)",
      content: {
        "text/csv": { schema: z.string() },
        "application/x-ndjson": { schema: z.string() },
      },
    },
  },
});

export const exportAudit: RouteHandler<typeof exportAuditRoute, ReconciliationEnv> = async (c) => {
  const { format, ...query } = c.req.valid("query");
  const filter = filterOf(query);
  const log = auditLog(c.env.DB);
  await log.seal();
  const encoder = new TextEncoder();
  let after = 0;
  let headerSent = format !== "csv";
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        controller.enqueue(encoder.encode(`${CSV_COLUMNS.join(",")}\r\n`));
        headerSent = true;
        return;
      }
      const rows = await log.list(filter, after, PAGE);
      if (rows.length === 0) {
        controller.close();
        return;
      }
      after = rows.at(-1)!.seq;
      const text = rows
        .map((row) => (format === "csv" ? csvLine(row) : `${JSON.stringify(auditEntryOf(row))}\n`))
        .join("");
      controller.enqueue(encoder.encode(text));
    },
  });
  const stamp = new Date().toISOString().slice(0, 19).replaceAll(":", "");
  return new Response(stream, {
    status: 200,
    headers: {
      "Content-Type": format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson",
      "Content-Disposition": `attachment; filename="tessera-audit-${stamp}.${format === "csv" ? "csv" : "ndjson"}"`,
    },
  }) as never;
};
