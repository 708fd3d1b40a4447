/** `GET /v1/reports/latest`: the newest report of every terminal, for the console's terminal list. */
import { type RouteHandler, z } from "@hono/zod-openapi";
import { secureRoute } from "@tessera/service-kit";
import { reportStore } from "../../db/reports.ts";
import type { ReconciliationEnv } from "../../env.ts";
import { StoredReport, storedReportOf } from "./schemas.ts";

export const latestReportsRoute = secureRoute({
  method: "get",
  path: "/reports/latest",
  tags: ["Terminal reports"],
  summary: "The latest report of each terminal",
  access: { roles: ["auditor"], scopes: ["reports:read"] },
  request: { query: z.object({ terminalId: z.string().min(1).max(128).optional() }) },
  responses: {
    200: {
      description: "Latest reports by terminal id",
      content: {
        "application/json": { schema: z.object({ reports: z.array(StoredReport) }).openapi("LatestReports") },
      },
    },
  },
});

export const latestReports: RouteHandler<typeof latestReportsRoute, ReconciliationEnv> = async (c) => {
  const { terminalId } = c.req.valid("query");
  const rows = await reportStore(c.env.DB).latest(terminalId);
  return c.json({ reports: rows.map(storedReportOf) }, 200);
};
