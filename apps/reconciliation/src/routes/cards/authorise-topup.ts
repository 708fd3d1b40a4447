/** `POST /v1/cards/{cardId}/topup-authorisations`: an operator authorises a top-up a station will write. */
import { type RouteHandler, z } from "@hono/zod-openapi";
import { actorOf, problemResponses, requirePrincipal, secureRoute } from "@tessera/service-kit";
import type { ReconciliationEnv } from "../../env.ts";
import { authoriseOnline } from "../../reconciliation/authorisations.ts";
import { currentPolicy } from "../../upstream/policy.ts";
import { TopupAmount, TopupAuthorisation } from "../topups/schemas.ts";
import { CardIdParam } from "./get.ts";

export const authoriseCardTopupRoute = secureRoute({
  method: "post",
  path: "/cards/{cardId}/topup-authorisations",
  tags: ["Top-ups"],
  summary: "Authorise a top-up of a card (operators)",
  description: "For value paid at the counter or by transfer; a station then writes the card with the id.",
  access: { roles: ["operator"], scopes: ["cards:write"] },
  request: {
    params: CardIdParam,
    body: {
      required: true,
      content: {
        "application/json": { schema: z.object({ amount: TopupAmount }).openapi("CardTopupRequest") },
      },
    },
  },
  responses: {
    201: { description: "Authorised", content: { "application/json": { schema: TopupAuthorisation } } },
    ...problemResponses(403, 422, 503),
  },
});

export const authoriseCardTopup: RouteHandler<typeof authoriseCardTopupRoute, ReconciliationEnv> = async (
  c,
) => {
  const { cardId } = c.req.valid("param");
  const { amount } = c.req.valid("json");
  const grant = await authoriseOnline(c.env.DB, await currentPolicy(c.env), {
    op: "topup",
    cardId,
    amount,
    actor: actorOf(requirePrincipal(c)),
    requestId: c.get("requestId"),
  });
  return c.json(TopupAuthorisation.parse(grant), 201);
};
