/** `GET /v1/audit`: audit entries in sequence order, filtered, paged by `after`. */
import { type RouteHandler, z } from "@hono/zod-openapi";
import { secureRoute } from "@tessera/service-kit";
import { auditLog } from "../../db/audit.ts";
import type { ReconciliationEnv } from "../../env.ts";
import { AuditEntryView, AuditFilterQuery, auditEntryOf, filterOf } from "./schemas.ts";

export const listAuditRoute = secureRoute({
  method: "get",
  path: "/audit",
  tags: ["Audit log"],
  summary: "Read the audit log",
  access: { roles: ["auditor"], scopes: ["audit:read"] },
  request: {
    query: AuditFilterQuery.extend({
      after: z.coerce.number().int().min(0).default(0).describe("Sequence number to continue after"),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
  },
  responses: {
    200: {
      description: "Entries, oldest first",
      content: {
        "application/json": {
          schema: z
            .object({ entries: z.array(AuditEntryView), next: z.int().nullable() })
            .openapi("AuditPage"),
        },
      },
    },
  },
});

export const listAudit: RouteHandler<typeof listAuditRoute, ReconciliationEnv> = async (c) => {
  const { after, limit, ...filter } = c.req.valid("query");
  const rows = await auditLog(c.env.DB).list(filterOf(filter), after, limit + 1);
  const page = rows.slice(0, limit);
  return c.json(
    { entries: page.map(auditEntryOf), next: rows.length > limit ? page.at(-1)!.seq : null },
    200,
  );
};
