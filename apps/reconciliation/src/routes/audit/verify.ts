/** `GET /v1/audit/verify`: walks the whole hash chain and names the first break. */
import { type RouteHandler, z } from "@hono/zod-openapi";
import { secureRoute } from "@tessera/service-kit";
import { auditLog } from "../../db/audit.ts";
import type { ReconciliationEnv } from "../../env.ts";

const AuditVerification = z
  .object({
    ok: z.boolean(),
    checked: z.int().describe("Rows verified before the first break (all of them when ok)"),
    head: z.object({ seq: z.int(), hash: z.string() }).nullable().describe("The last verified row"),
    firstBreak: z
      .object({
        seq: z.int(),
        reason: z.enum(["missing_rows", "prev_hash_mismatch", "hash_mismatch", "unsealed"]),
        detail: z.string(),
      })
      .nullable(),
  })
  .openapi("AuditVerification");

export const verifyAuditRoute = secureRoute({
  method: "get",
  path: "/audit/verify",
  tags: ["Audit log"],
  summary: "Verify the audit hash chain",
  description:
    "Seals any pending rows, then recomputes every hash from the first row. Keep the returned head (seq, hash) somewhere else: a later verification that does not reach it shows the log was cut short.",
  access: { roles: ["auditor"], scopes: ["audit:read"] },
  responses: {
    200: { description: "The verdict", content: { "application/json": { schema: AuditVerification } } },
  },
});

export const verifyAudit: RouteHandler<typeof verifyAuditRoute, ReconciliationEnv> = async (c) =>
  c.json(AuditVerification.parse(await auditLog(c.env.DB).verify()), 200);
