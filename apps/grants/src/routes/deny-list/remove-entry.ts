/** `DELETE /v1/deny-list/entries/{kind}/{id}?reason=…`: takes a card or terminal off the list. */
import type { RouteHandler } from "@hono/zod-openapi";
import { problemResponses, secureRoute } from "@tessera/service-kit";
import { denyListService } from "../../deny-list/deny-list-service.ts";
import type { GrantsEnv } from "../../env.ts";
import { actorName } from "../../http/actor.ts";
import { DenyEntryChange, DenyEntryParams, RemoveDenyEntryQuery } from "../../schemas/deny-list.ts";

export const removeDenyEntryRoute = secureRoute({
  method: "delete",
  path: "/deny-list/entries/{kind}/{id}",
  tags: ["Deny list"],
  summary: "Remove a card or terminal from the deny list",
  description:
    "`id` is the card id (16 lowercase hex) or the terminal number. Bumps the version and logs the change. Removing a terminal makes cards it wrote readable again; it does not undo its revocation (a revoked terminal enrols again).",
  access: { roles: ["operator"], scopes: ["deny-list:write"] },
  request: { params: DenyEntryParams, query: RemoveDenyEntryQuery },
  responses: {
    200: {
      description: "The removed entry and the list version",
      content: { "application/json": { schema: DenyEntryChange } },
    },
    ...problemResponses(404, 422),
  },
});

export const removeDenyEntry: RouteHandler<typeof removeDenyEntryRoute, GrantsEnv> = async (c) => {
  const { kind, id } = c.req.valid("param");
  const { reason } = c.req.valid("query");
  const key = kind === "card" ? id : Number(id);
  const result = await denyListService(c.env).remove(kind, key, reason, actorName(c));
  await c.var.audit("deny_list.remove", `${kind}:${id}`, { kind, reason, version: result.version });
  return c.json(DenyEntryChange.parse({ ...result, changed: true }), 200);
};
