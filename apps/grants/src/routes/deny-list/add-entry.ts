/** `POST /v1/deny-list/entries`: an operator lists a card or a terminal, with a reason. */
import type { RouteHandler } from "@hono/zod-openapi";
import { TesseraError } from "@tessera/protocol";
import { problemResponses, secureRoute } from "@tessera/service-kit";
import { terminals } from "../../db/terminals.ts";
import { denyListService } from "../../deny-list/deny-list-service.ts";
import type { GrantsEnv } from "../../env.ts";
import { actorName } from "../../http/actor.ts";
import { AddDenyEntryRequest, DenyEntryChange } from "../../schemas/deny-list.ts";
import { terminalService } from "../../terminals/terminal-service.ts";

export const addDenyEntryRoute = secureRoute({
  method: "post",
  path: "/deny-list/entries",
  tags: ["Deny list"],
  summary: "Add a card or terminal to the deny list",
  description:
    "Bumps the list version and logs the change (deltas are computed from the log). Listing a terminal revokes it (the same as POST /v1/terminals/{id}/revoke). An entry that already says as much changes nothing (`changed: false`, same version).",
  access: { roles: ["operator"], scopes: ["deny-list:write"] },
  request: { body: { required: true, content: { "application/json": { schema: AddDenyEntryRequest } } } },
  responses: {
    200: {
      description: "The entry and the list version",
      content: { "application/json": { schema: DenyEntryChange } },
    },
    ...problemResponses(404, 413, 415, 422),
  },
});

export const addDenyEntry: RouteHandler<typeof addDenyEntryRoute, GrantsEnv> = async (c) => {
  const request = c.req.valid("json");
  const actor = actorName(c);
  if (request.kind === "terminal") {
    const terminal = await terminals(c.env.DB).byNumber(request.terminalNumber);
    if (!terminal)
      throw new TesseraError("not_found", `No terminal number ${request.terminalNumber} is enrolled`);
    const revocation = await terminalService(c.env).revoke(terminal, {
      note: request.note ?? null,
      actor,
      reason: request.reason === "compromised" ? "compromised" : "revoked",
      effectiveFrom: request.effectiveFrom,
    });
    const entry = await denyListService(c.env).entry("terminal", terminal.number);
    if (revocation.changed)
      await c.var.audit("deny_list.add", `terminal:${terminal.id}`, {
        kind: "terminal",
        terminalNumber: terminal.number,
        reason: request.reason,
        note: request.note ?? null,
        effectiveFrom: revocation.effectiveFrom,
        version: revocation.denyListVersion,
      });
    return c.json(
      DenyEntryChange.parse({ entry, version: revocation.denyListVersion, changed: revocation.changed }),
      200,
    );
  }
  const result = await denyListService(c.env).add({
    kind: "card",
    id: request.id,
    reason: request.reason,
    note: request.note ?? null,
    effectiveFrom: null,
    actor,
  });
  if (result.changed)
    await c.var.audit("deny_list.add", `card:${request.id}`, {
      kind: "card",
      reason: request.reason,
      note: request.note ?? null,
      version: result.version,
    });
  return c.json(DenyEntryChange.parse(result), 200);
};
