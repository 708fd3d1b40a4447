/**
 * The audit trail every admin action writes to: the entry shape the reconciliation Worker's
 * `AuditService` appends to its hash-chained log, and the `c.var.audit` helper routes call.
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { z } from "zod";
import { describePrincipal, type Principal } from "./principal.ts";

export const AUDIT_ACTOR_KINDS = ["user", "service", "bootstrap", "terminal", "system"] as const;

export const AuditActor = z.object({
  kind: z.enum(AUDIT_ACTOR_KINDS),
  id: z.string().min(1),
  name: z.string().optional(),
});
export type AuditActor = z.infer<typeof AuditActor>;

export const AuditEntryInput = z.object({
  /** The Worker that performed the action. */
  service: z.string().min(1),
  actor: AuditActor,
  /** Dotted verb such as `policy.publish` or `api_key.revoke`. */
  action: z
    .string()
    .regex(/^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)+$/, "a dotted action such as policy.publish"),
  /** What was acted on, e.g. `policy:7` or `api_key:key_…`. */
  target: z.string().min(1).max(200),
  /** What changed (a diff, the scopes granted, …); never secrets. */
  detail: z.record(z.string(), z.unknown()),
  /** When the action happened, as the acting Worker saw it. */
  at: z.iso.datetime(),
  requestId: z.string().optional(),
});
export type AuditEntryInput = z.infer<typeof AuditEntryInput>;

/** The reconciliation Worker's `AuditService` entrypoint, reached over the `AUDIT` service binding (RPC). */
export interface AuditSink {
  append(entry: AuditEntryInput): Promise<{ seq: number }>;
}

/** Records an action by the current principal (or `actor`, when no principal exists yet, e.g. at sign-in). */
export type AuditFn = (
  action: string,
  target: string,
  detail?: Record<string, unknown>,
  actor?: AuditActor,
) => Promise<{ seq: number }>;

export function actorOf(principal: Principal | null | undefined): AuditActor {
  return principal ? describePrincipal(principal) : { kind: "system", id: "anonymous" };
}

function isAuditSink(value: unknown): value is AuditSink {
  return typeof value === "object" && value !== null && typeof (value as AuditSink).append === "function";
}

/** The `AUDIT` service binding as an `AuditSink` (RPC stubs expose the entrypoint's methods). */
export function auditBinding(c: Context): AuditSink {
  const binding: unknown = (c.env as { AUDIT?: unknown } | undefined)?.AUDIT;
  if (!isAuditSink(binding)) throw new Error("the AUDIT service binding is missing");
  return binding;
}

export interface AuditTrailOptions {
  service: string;
  /** Where entries go; the `AUDIT` binding by default (the reconciliation Worker passes its own log). */
  sink?: (c: Context) => AuditSink;
}

/**
 * Sets `c.var.audit`. Appends are awaited: an admin action whose audit entry cannot be written fails
 * (ADR 0003), so call it before the response is sent, never from `waitUntil`.
 */
export function auditTrail(options: AuditTrailOptions) {
  return createMiddleware<{ Variables: { audit: AuditFn; principal: Principal | null; requestId: string } }>(
    async (c, next) => {
      c.set("audit", async (action, target, detail = {}, actor) => {
        const entry = AuditEntryInput.parse({
          service: options.service,
          actor: actor ?? actorOf(c.get("principal")),
          action,
          target,
          detail,
          at: new Date().toISOString(),
          requestId: c.get("requestId"),
        });
        return (options.sink ?? auditBinding)(c).append(entry);
      });
      await next();
    },
  );
}
