/** `POST /v1/terminals/{id}/suspend`: the terminal gets no grant and no online call until resumed. */
import type { RouteHandler } from "@hono/zod-openapi";
import { problemResponses, secureRoute } from "@tessera/service-kit";
import type { GrantsEnv } from "../../env.ts";
import { StatusChangeRequest, Terminal, TerminalIdParam, terminalOf } from "../../schemas/terminals.ts";
import { terminalService } from "../../terminals/terminal-service.ts";

export const suspendTerminalRoute = secureRoute({
  method: "post",
  path: "/terminals/{id}/suspend",
  tags: ["Terminals"],
  summary: "Suspend a terminal",
  description:
    "Its cached grant is deleted and every grant request and terminal call is refused with `terminal_suspended`. The grant it already holds keeps working offline until it expires; to stop its card writes, revoke it.",
  access: { roles: ["operator"], scopes: ["terminals:write"] },
  request: {
    params: TerminalIdParam,
    body: { required: true, content: { "application/json": { schema: StatusChangeRequest } } },
  },
  responses: {
    200: { description: "The terminal, suspended", content: { "application/json": { schema: Terminal } } },
    ...problemResponses(404, 409, 413, 415, 422),
  },
});

export const suspendTerminal: RouteHandler<typeof suspendTerminalRoute, GrantsEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const { terminal, changed } = await terminalService(c.env).suspend(id);
  if (changed)
    await c.var.audit("terminal.suspend", `terminal:${id}`, { reason: c.req.valid("json").reason });
  return c.json(terminalOf(terminal), 200);
};
