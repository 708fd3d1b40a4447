/** `POST /v1/terminals/{id}/resume`: a suspended terminal may fetch grants again. */
import type { RouteHandler } from "@hono/zod-openapi";
import { problemResponses, secureRoute } from "@tessera/service-kit";
import type { GrantsEnv } from "../../env.ts";
import { StatusChangeRequest, Terminal, TerminalIdParam, terminalOf } from "../../schemas/terminals.ts";
import { terminalService } from "../../terminals/terminal-service.ts";

export const resumeTerminalRoute = secureRoute({
  method: "post",
  path: "/terminals/{id}/resume",
  tags: ["Terminals"],
  summary: "Resume a suspended terminal",
  description: "A revoked terminal cannot be resumed (`conflict`): it enrols again with a new code and key.",
  access: { roles: ["operator"], scopes: ["terminals:write"] },
  request: {
    params: TerminalIdParam,
    body: { required: true, content: { "application/json": { schema: StatusChangeRequest } } },
  },
  responses: {
    200: { description: "The terminal, active", content: { "application/json": { schema: Terminal } } },
    ...problemResponses(404, 409, 413, 415, 422),
  },
});

export const resumeTerminal: RouteHandler<typeof resumeTerminalRoute, GrantsEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const { terminal, changed } = await terminalService(c.env).resume(id);
  if (changed) await c.var.audit("terminal.resume", `terminal:${id}`, { reason: c.req.valid("json").reason });
  return c.json(terminalOf(terminal), 200);
};
