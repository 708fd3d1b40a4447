/**
 * `GET /v1/fleet/readiness`: for each capability asked, the active terminals whose latest report has it, those
 * behind and those unknown — what the console shows before a layout switch or the first split-key rotation,
 * and what the policy and grants Workers ask over `FleetService` before making one.
 */
import { type RouteHandler, z } from "@hono/zod-openapi";
import { FLEET_CAPABILITY_LIST_PATTERN, FleetReadiness } from "@tessera/protocol";
import { problemResponses, secureRoute } from "@tessera/service-kit";
import type { ReconciliationEnv } from "../../env.ts";
import { DEFAULT_STALE_AFTER_SECONDS } from "../../fleet/readiness.ts";
import { readinessNow } from "../../fleet/service.ts";

export const FleetReadinessSchema = FleetReadiness.openapi("FleetReadiness");

export const fleetReadinessRoute = secureRoute({
  method: "get",
  path: "/fleet/readiness",
  tags: ["Terminal reports"],
  summary: "Whether the active terminals have reported the capabilities a change needs",
  description: [
    "Counts the grants Worker's active terminals (suspended and revoked ones do not count) by their latest report: `ready` if it has the capability, `behind` if it does not (software older than capability reports has none), `unknown` if it never reported or not within `staleAfterSeconds`.",
    "`reads_layout:N` and `writes_layout:N` come from the card codec of the terminal's build, `split_keys` from the kinds of key id it verifies with (ADR 0004). Policy asks before a layout switch and grants before the first split-key rotation, and refuse with `fleet_not_ready` while any terminal is behind or unknown.",
  ].join("\n\n"),
  access: { roles: ["auditor"], scopes: ["reports:read"] },
  request: {
    query: z.object({
      capabilities: z
        .string()
        .regex(
          FLEET_CAPABILITY_LIST_PATTERN,
          "a comma-separated list of reads_layout:N, writes_layout:N or split_keys",
        )
        .openapi({ example: "reads_layout:2,writes_layout:2" }),
      staleAfterSeconds: z.coerce
        .number()
        .int()
        .min(60)
        .max(365 * 86_400)
        .optional()
        .describe(`A report older than this counts as none (default ${DEFAULT_STALE_AFTER_SECONDS}, a week)`),
    }),
  },
  responses: {
    200: {
      description: "Readiness per capability",
      content: { "application/json": { schema: FleetReadinessSchema } },
    },
    ...problemResponses(422, 503),
  },
});

export const readFleetReadiness: RouteHandler<typeof fleetReadinessRoute, ReconciliationEnv> = async (c) => {
  const query = c.req.valid("query");
  const readiness = await readinessNow(c.env, {
    capabilities: query.capabilities.split(","),
    ...(query.staleAfterSeconds === undefined ? {} : { staleAfterSeconds: query.staleAfterSeconds }),
  });
  return c.json(FleetReadinessSchema.parse(readiness), 200);
};
