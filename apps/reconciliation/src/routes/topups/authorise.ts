/** `POST /v1/topups/authorisations`: a station terminal asks, online, to top up a card before writing it. */
import type { RouteHandler } from "@hono/zod-openapi";
import { TesseraError } from "@tessera/protocol";
import { problemResponses, requirePrincipal, secureRoute } from "@tessera/service-kit";
import type { ReconciliationEnv } from "../../env.ts";
import { authoriseOnline } from "../../reconciliation/authorisations.ts";
import { activeTerminal } from "../../terminal-access.ts";
import { currentPolicy } from "../../upstream/policy.ts";
import { TopupAuthorisation, TopupAuthorisationRequest } from "./schemas.ts";

export const authoriseTopupRoute = secureRoute({
  method: "post",
  path: "/topups/authorisations",
  tags: ["Top-ups"],
  summary: "Authorise a top-up (station terminals)",
  description:
    "Kept for terminals from before `POST /v1/authorisations`, which it is the `topup` case of. A station whose grant allows `topup` gets an authorisation id to write into the card; operators use `POST /v1/cards/{cardId}/topup-authorisations`. The uploaded top-up event must carry it, for this card and amount, once.",
  access: { terminal: true },
  middleware: [activeTerminal],
  request: {
    body: { required: true, content: { "application/json": { schema: TopupAuthorisationRequest } } },
  },
  responses: {
    201: { description: "Authorised", content: { "application/json": { schema: TopupAuthorisation } } },
    ...problemResponses(403, 422, 503),
  },
});

export const authoriseTopupByTerminal: RouteHandler<typeof authoriseTopupRoute, ReconciliationEnv> = async (
  c,
) => {
  const principal = requirePrincipal(c);
  if (principal.kind !== "terminal") throw new TesseraError("forbidden", "Only terminals use this route");
  if (principal.grant.role !== "station" || !principal.grant.ops.includes("topup"))
    throw new TesseraError("forbidden", "Only a station whose grant allows topup may authorise top-ups");
  const body = c.req.valid("json");
  const grant = await authoriseOnline(c.env.DB, await currentPolicy(c.env), {
    op: "topup",
    cardId: body.cardId,
    amount: body.amount,
    actor: { kind: "terminal", id: principal.terminalId },
    requestId: c.get("requestId"),
  });
  return c.json(TopupAuthorisation.parse(grant), 201);
};
