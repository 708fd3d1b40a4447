/**
 * `POST /v1/reports`: a terminal's heartbeat, answered 202 once its grant and DPoP proof check out (nothing is
 * read from storage first) and stored after the response, under its proof's id so a replay stores nothing.
 */
import { type RouteHandler, z } from "@hono/zod-openapi";
import { TesseraError } from "@tessera/protocol";
import { problemResponses, requirePrincipal, secureRoute } from "@tessera/service-kit";
import { reportStore } from "../../db/reports.ts";
import type { ReconciliationEnv } from "../../env.ts";
import { reportingTerminal, reportProofId } from "../../terminal-access.ts";
import { TerminalReportSchema } from "./schemas.ts";

export const submitReportRoute = secureRoute({
  method: "post",
  path: "/reports",
  tags: ["Terminal reports"],
  summary: "Send a terminal report (fire and forget)",
  description:
    "Validated, answered 202 at once and stored with waitUntil; the terminal never waits for the write.",
  access: { terminal: true },
  middleware: [reportingTerminal],
  request: { body: { required: true, content: { "application/json": { schema: TerminalReportSchema } } } },
  responses: {
    202: {
      description: "Accepted for storage",
      content: { "application/json": { schema: z.object({ accepted: z.literal(true) }) } },
    },
    ...problemResponses(403, 413, 422),
  },
});

export const submitReport: RouteHandler<typeof submitReportRoute, ReconciliationEnv> = async (c) => {
  const principal = requirePrincipal(c);
  if (principal.kind !== "terminal") throw new TesseraError("forbidden", "Only terminals send reports");
  const report = c.req.valid("json");
  if (report.terminalId !== principal.terminalId)
    throw new TesseraError("forbidden", "A terminal reports only about itself");
  const receivedAt = Math.floor(Date.now() / 1000);
  const proofId = reportProofId(c);
  c.executionCtx.waitUntil(
    reportStore(c.env.DB)
      .insert(report, principal.terminalId, receivedAt, proofId)
      .then((stored) => {
        if (!stored)
          console.warn(
            JSON.stringify({
              level: "warn",
              event: "report_proof_replayed",
              terminalId: principal.terminalId,
            }),
          );
      })
      .catch((error) =>
        console.error(JSON.stringify({ level: "error", event: "report_not_stored", error: String(error) })),
      ),
  );
  return c.json({ accepted: true as const }, 202);
};
