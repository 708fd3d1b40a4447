/** `GET /v1/terminals/{id}`: one terminal, for the console. */
import type { RouteHandler } from "@hono/zod-openapi";
import { problemResponses, secureRoute } from "@tessera/service-kit";
import type { GrantsEnv } from "../../env.ts";
import { Terminal, TerminalIdParam, terminalOf } from "../../schemas/terminals.ts";
import { terminalService } from "../../terminals/terminal-service.ts";

export const getTerminalRoute = secureRoute({
  method: "get",
  path: "/terminals/{id}",
  tags: ["Terminals"],
  summary: "Read one terminal",
  access: { roles: ["auditor"], scopes: ["terminals:read"] },
  request: { params: TerminalIdParam },
  responses: {
    200: { description: "The terminal", content: { "application/json": { schema: Terminal } } },
    ...problemResponses(404, 422),
  },
});

export const getTerminal: RouteHandler<typeof getTerminalRoute, GrantsEnv> = async (c) => {
  const row = await terminalService(c.env).existing(c.req.valid("param").id);
  return c.json(terminalOf(row), 200);
};
