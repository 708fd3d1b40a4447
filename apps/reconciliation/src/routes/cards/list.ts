/** `GET /v1/cards`: reconciled card heads, by card id, for the console's card search and the float. */
import { type RouteHandler, z } from "@hono/zod-openapi";
import { CARD_STATUSES } from "@tessera/protocol";
import { secureRoute } from "@tessera/service-kit";
import { cardStore } from "../../db/cards.ts";
import type { ReconciliationEnv } from "../../env.ts";
import { CardList, CardSummary } from "./schemas.ts";

export const listCardsRoute = secureRoute({
  method: "get",
  path: "/cards",
  tags: ["Cards"],
  summary: "List reconciled cards",
  access: { roles: ["auditor"], scopes: ["cards:read"] },
  request: {
    query: z.object({
      after: z.string().max(16).optional().describe("Card id to continue after"),
      status: z.enum(CARD_STATUSES).optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
  },
  responses: { 200: { description: "Cards by id", content: { "application/json": { schema: CardList } } } },
});

export const listCards: RouteHandler<typeof listCardsRoute, ReconciliationEnv> = async (c) => {
  const query = c.req.valid("query");
  const rows = await cardStore(c.env.DB).list({
    limit: query.limit + 1,
    ...(query.after ? { after: query.after } : {}),
    ...(query.status ? { status: query.status } : {}),
  });
  const page = rows.slice(0, query.limit);
  return c.json(
    CardList.parse({
      cards: page.map((row) =>
        CardSummary.parse({
          cardId: row.card_id,
          balance: row.balance,
          counter: row.counter,
          status: row.status,
          issued: row.issued === 1,
          eventCount: row.event_count,
          openGaps: row.open_gaps,
          lastWrittenAt: row.last_written_at,
          updatedAt: row.updated_at,
        }),
      ),
      next: rows.length > query.limit ? page.at(-1)!.card_id : null,
    }),
    200,
  );
};
