/** `POST /v1/authorisations`: a station asks, online, to write a top-up, a pay-out or a restore. */
import type { RouteHandler } from "@hono/zod-openapi";
import { TesseraError } from "@tessera/protocol";
import { problemResponses, requirePrincipal, secureRoute } from "@tessera/service-kit";
import type { ReconciliationEnv } from "../../env.ts";
import { authoriseOnline } from "../../reconciliation/authorisations.ts";
import { activeTerminal } from "../../terminal-access.ts";
import { currentPolicy } from "../../upstream/policy.ts";
import { Authorisation, AuthorisationRequest } from "./schemas.ts";

export const authoriseRoute = secureRoute({
  method: "post",
  path: "/authorisations",
  tags: ["Authorisations"],
  summary: "Authorise a top-up, pay-out or restore (station terminals)",
  description:
    "A station whose grant allows the operation gets an authorisation id to write into the card. A pay-out is refused for a card the ledger holds as blocked or deny-listed pending a flag; a restore only for the balance and counter the ledger holds now. The uploaded event must carry the id, for this operation, card and amount, once; otherwise it is flagged `topup_unauthorised`, `payout_unauthorised` or `reissue_unauthorised`.",
  access: { terminal: true },
  middleware: [activeTerminal],
  request: {
    body: { required: true, content: { "application/json": { schema: AuthorisationRequest } } },
  },
  responses: {
    201: { description: "Authorised", content: { "application/json": { schema: Authorisation } } },
    ...problemResponses(403, 404, 422, 503),
  },
});

export const authorise: RouteHandler<typeof authoriseRoute, ReconciliationEnv> = async (c) => {
  const principal = requirePrincipal(c);
  if (principal.kind !== "terminal") throw new TesseraError("forbidden", "Only terminals use this route");
  const body = c.req.valid("json");
  if (principal.grant.role !== "station" || !principal.grant.ops.includes(body.op))
    throw new TesseraError("forbidden", `Only a station whose grant allows ${body.op} may ask for it`);
  const grant = await authoriseOnline(c.env.DB, await currentPolicy(c.env), {
    ...body,
    actor: { kind: "terminal", id: principal.terminalId },
    requestId: c.get("requestId"),
  });
  return c.json(Authorisation.parse(grant), 201);
};
