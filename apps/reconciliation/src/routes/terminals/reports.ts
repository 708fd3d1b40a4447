/** `GET /v1/terminals/{terminalId}/reports`: one terminal's report history (kept policy.reports.retentionDays). */
import { type RouteHandler, z } from "@hono/zod-openapi";
import { secureRoute } from "@tessera/service-kit";
import { reportStore } from "../../db/reports.ts";
import type { ReconciliationEnv } from "../../env.ts";
import { StoredReport, storedReportOf } from "../reports/schemas.ts";

export const TerminalIdParam = z.object({
  terminalId: z
    .string()
    .min(1)
    .max(128)
    .openapi({ param: { name: "terminalId", in: "path" }, example: "trm_7" }),
});

export const terminalReportsRoute = secureRoute({
  method: "get",
  path: "/terminals/{terminalId}/reports",
  tags: ["Terminal reports"],
  summary: "A terminal's report history, newest first",
  access: { roles: ["auditor"], scopes: ["reports:read"] },
  request: {
    params: TerminalIdParam,
    query: z.object({
      before: z.coerce.number().int().positive().optional().describe("Report id to continue before"),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
  },
  responses: {
    200: {
      description: "Reports",
      content: {
        "application/json": {
          schema: z
            .object({ reports: z.array(StoredReport), next: z.int().nullable() })
            .openapi("TerminalReportHistory"),
        },
      },
    },
  },
});

export const terminalReports: RouteHandler<typeof terminalReportsRoute, ReconciliationEnv> = async (c) => {
  const { terminalId } = c.req.valid("param");
  const { before, limit } = c.req.valid("query");
  const rows = await reportStore(c.env.DB).history(terminalId, {
    limit: limit + 1,
    ...(before ? { before } : {}),
  });
  const page = rows.slice(0, limit);
  return c.json(
    { reports: page.map(storedReportOf), next: rows.length > limit ? page.at(-1)!.id : null },
    200,
  );
};
