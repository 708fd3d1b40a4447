/** `GET /v1/deny-list/entries/{kind}/{id}`: whether one card or terminal is listed, and why. */
import type { RouteHandler } from "@hono/zod-openapi";
import { TesseraError } from "@tessera/protocol";
import { problemResponses, secureRoute } from "@tessera/service-kit";
import { denyListService } from "../../deny-list/deny-list-service.ts";
import type { GrantsEnv } from "../../env.ts";
import { DenyEntry, DenyEntryParams } from "../../schemas/deny-list.ts";

export const getDenyEntryRoute = secureRoute({
  method: "get",
  path: "/deny-list/entries/{kind}/{id}",
  tags: ["Deny list"],
  summary: "Read one deny-list entry",
  access: { roles: ["auditor"], scopes: ["deny-list:read", "cards:read"] },
  request: { params: DenyEntryParams },
  responses: {
    200: { description: "The entry", content: { "application/json": { schema: DenyEntry } } },
    ...problemResponses(404, 422),
  },
});

export const getDenyEntry: RouteHandler<typeof getDenyEntryRoute, GrantsEnv> = async (c) => {
  const { kind, id } = c.req.valid("param");
  const entry = await denyListService(c.env).entry(kind, kind === "card" ? id : Number(id));
  if (!entry) throw new TesseraError("not_found", `No ${kind} ${id} on the deny list`);
  return c.json(DenyEntry.parse(entry), 200);
};
