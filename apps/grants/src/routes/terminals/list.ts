/** `GET /v1/terminals`: enrolled terminals for the console, by number, filtered and paged. */
import type { RouteHandler } from "@hono/zod-openapi";
import { problemResponses, secureRoute } from "@tessera/service-kit";
import { terminals } from "../../db/terminals.ts";
import type { GrantsEnv } from "../../env.ts";
import { TerminalList, TerminalListQuery, terminalOf } from "../../schemas/terminals.ts";

export const listTerminalsRoute = secureRoute({
  method: "get",
  path: "/terminals",
  tags: ["Terminals"],
  summary: "List enrolled terminals",
  access: { roles: ["auditor"], scopes: ["terminals:read"] },
  request: { query: TerminalListQuery },
  responses: {
    200: {
      description: "A page of terminals in number order",
      content: { "application/json": { schema: TerminalList } },
    },
    ...problemResponses(422),
  },
});

export const listTerminals: RouteHandler<typeof listTerminalsRoute, GrantsEnv> = async (c) => {
  const query = c.req.valid("query");
  const rows = await terminals(c.env.DB).list({
    status: query.status,
    locationId: query.locationId,
    after: query.after,
    limit: query.limit,
  });
  const next = rows.length === query.limit ? rows.at(-1)!.number : null;
  return c.json(TerminalList.parse({ terminals: rows.map(terminalOf), next }), 200);
};
