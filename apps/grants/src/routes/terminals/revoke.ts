/** `POST /v1/terminals/{id}/revoke`: final; the terminal goes on the deny list from now on. */
import type { RouteHandler } from "@hono/zod-openapi";
import { problemResponses, secureRoute } from "@tessera/service-kit";
import type { GrantsEnv } from "../../env.ts";
import { actorName } from "../../http/actor.ts";
import {
  RevocationResponse,
  StatusChangeRequest,
  TerminalIdParam,
  terminalOf,
} from "../../schemas/terminals.ts";
import { terminalService } from "../../terminals/terminal-service.ts";

export const revokeTerminalRoute = secureRoute({
  method: "post",
  path: "/terminals/{id}/revoke",
  tags: ["Terminals"],
  summary: "Revoke a terminal",
  description:
    'Lists the terminal on the deny list with `effectiveFrom` = now (card writes it signs from now on are refused by every terminal holding the new list, and flagged by reconciliation), deletes its cached grant and refuses its grant requests and calls here at once; other Workers refuse its grant within KV\'s propagation window (docs/operations.md, "Revoking a terminal"). Repeating it changes nothing.',
  access: { roles: ["operator"], scopes: ["terminals:write"] },
  request: {
    params: TerminalIdParam,
    body: { required: true, content: { "application/json": { schema: StatusChangeRequest } } },
  },
  responses: {
    200: {
      description: "The revoked terminal and the deny-list version listing it",
      content: { "application/json": { schema: RevocationResponse } },
    },
    ...problemResponses(404, 413, 415, 422),
  },
});

export const revokeTerminal: RouteHandler<typeof revokeTerminalRoute, GrantsEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const { reason } = c.req.valid("json");
  const service = terminalService(c.env);
  const revocation = await service.revoke(await service.existing(id), { note: reason, actor: actorName(c) });
  if (revocation.changed)
    await c.var.audit("terminal.revoke", `terminal:${id}`, {
      reason,
      terminalNumber: revocation.terminal.number,
      denyListVersion: revocation.denyListVersion,
      effectiveFrom: new Date(revocation.effectiveFrom * 1000).toISOString(),
    });
  return c.json(
    RevocationResponse.parse({
      terminal: terminalOf(revocation.terminal),
      denyListVersion: revocation.denyListVersion,
      effectiveFrom: new Date(revocation.effectiveFrom * 1000).toISOString(),
    }),
    200,
  );
};
