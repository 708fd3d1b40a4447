/** Audit log shapes: entries as stored (with their hashes), filters and the verification report. */
import { z } from "@hono/zod-openapi";
import type { SealedAuditRow } from "../../audit/chain.ts";
import type { AuditFilter } from "../../db/audit.ts";

export const AuditEntryView = z
  .object({
    seq: z.int(),
    service: z.string(),
    actor: z.object({ kind: z.string(), id: z.string(), name: z.string().optional() }).loose(),
    action: z.string(),
    target: z.string(),
    detail: z.record(z.string(), z.unknown()),
    at: z.string().describe("When the acting Worker did it (ISO 8601)"),
    requestId: z.string().nullable(),
    recordedAt: z.int().describe("When this log stored it, epoch milliseconds"),
    prevHash: z.string().nullable(),
    hash: z.string().nullable().describe("Null until sealed (moments after the append)"),
  })
  .openapi("AuditEntry");
export type AuditEntryView = z.infer<typeof AuditEntryView>;

export function auditEntryOf(row: SealedAuditRow): AuditEntryView {
  return AuditEntryView.parse({
    seq: row.seq,
    service: row.service,
    actor: JSON.parse(row.actor),
    action: row.action,
    target: row.target,
    detail: JSON.parse(row.detail),
    at: row.at,
    requestId: row.request_id,
    recordedAt: row.recorded_at,
    prevHash: row.prev_hash,
    hash: row.hash,
  });
}

export const AuditFilterQuery = z.object({
  service: z.string().max(64).optional(),
  actorId: z.string().max(200).optional(),
  action: z.string().max(100).optional().describe('An action, or a prefix ending in "." such as "flag."'),
  target: z.string().max(200).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

export function filterOf(query: z.infer<typeof AuditFilterQuery>): AuditFilter {
  return Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined)) as AuditFilter;
}
