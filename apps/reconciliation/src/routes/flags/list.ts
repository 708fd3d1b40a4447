/** `GET /v1/flags`: reconciliation flags for review, newest first, filtered by state, kind, card or terminal. */
import { type RouteHandler, z } from "@hono/zod-openapi";
import { FlagKind } from "@tessera/protocol";
import { secureRoute } from "@tessera/service-kit";
import { FLAG_STATES, flagStore } from "../../db/flags.ts";
import type { ReconciliationEnv } from "../../env.ts";
import { FlagView, flagViewOf } from "./schemas.ts";

const FlagList = z
  .object({
    flags: z.array(FlagView),
    next: z.string().nullable().describe("Pass as `before` for the next page"),
  })
  .openapi("FlagList");

export const listFlagsRoute = secureRoute({
  method: "get",
  path: "/flags",
  tags: ["Flags"],
  summary: "List flags",
  access: { roles: ["auditor"], scopes: ["flags:read"] },
  request: {
    query: z.object({
      state: z.enum(FLAG_STATES).optional(),
      kind: FlagKind.optional(),
      cardId: z.string().max(16).optional(),
      terminalId: z.string().max(128).optional(),
      before: z.string().max(80).optional().describe("Cursor from a previous page"),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
  },
  responses: { 200: { description: "Flags", content: { "application/json": { schema: FlagList } } } },
});

export const listFlags: RouteHandler<typeof listFlagsRoute, ReconciliationEnv> = async (c) => {
  const { before, limit, ...filter } = c.req.valid("query");
  const [raisedAt, id] = before?.split("~") ?? [];
  const cursor = raisedAt && id && /^\d+$/.test(raisedAt) ? { raisedAt: Number(raisedAt), id } : undefined;
  const rows = await flagStore(c.env.DB).list(filter, {
    limit: limit + 1,
    ...(cursor ? { before: cursor } : {}),
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return c.json(
    FlagList.parse({
      flags: page.map(flagViewOf),
      next: rows.length > limit && last ? `${last.raised_at}~${last.id}` : null,
    }),
    200,
  );
};
