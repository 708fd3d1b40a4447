/**
 * `GET /v1/cards/{cardId}/restore`: what a station writes when it restores (reissues) a lost, torn or tampered
 * card — the balance, counter and chain head of the newest state known to have reached it (the reconciled
 * head, or the state before it when the head is a write its terminal never confirmed), and whether the
 * ledger is complete. Terminals see
 * only this, never the card's history: a station needs the numbers, not the cardholder's story.
 */
import type { RouteHandler } from "@hono/zod-openapi";
import { TesseraError } from "@tessera/protocol";
import { problemResponses, requirePrincipal, secureRoute } from "@tessera/service-kit";
import type { ReconciliationEnv } from "../../env.ts";
import { readCardLedger } from "../../reconciliation/recompute.ts";
import { activeTerminal } from "../../terminal-access.ts";
import { currentPolicy } from "../../upstream/policy.ts";
import { CardIdParam } from "./get.ts";
import { CardRestoreView } from "./schemas.ts";

export const restoreCardRoute = secureRoute({
  method: "get",
  path: "/cards/{cardId}/restore",
  tags: ["Cards"],
  summary: "What a station writes to restore a card (station terminals)",
  description:
    "For a station whose grant allows `reissue`. Check `complete` before writing: an open gap means events of the card may still be on their way from other terminals. When the reconciled head is a write its terminal could not confirm, the figures are those of the state before it and `unconfirmed` names that write: the restore does not book it, and its upload raises a `tear_recovery` flag for the operator to settle with the cardholder.",
  access: { terminal: true },
  middleware: [activeTerminal],
  request: { params: CardIdParam },
  responses: {
    200: {
      description: "The card's reconciled state",
      content: { "application/json": { schema: CardRestoreView } },
    },
    ...problemResponses(403, 404, 422, 503),
  },
});

export const restoreCard: RouteHandler<typeof restoreCardRoute, ReconciliationEnv> = async (c) => {
  const principal = requirePrincipal(c);
  if (principal.kind !== "terminal") throw new TesseraError("forbidden", "Only terminals use this route");
  if (principal.grant.role !== "station" || !principal.grant.ops.includes("reissue"))
    throw new TesseraError("forbidden", "Only a station whose grant allows reissue may restore cards");
  const { cardId } = c.req.valid("param");
  const ledger = await readCardLedger(c.env.DB, await currentPolicy(c.env), cardId);
  if (!ledger) throw new TesseraError("card_unknown", `No event of card ${cardId} has been reconciled`);
  return c.json(
    CardRestoreView.parse({
      cardId,
      ...ledger.restore,
      complete: ledger.gaps.length === 0 && ledger.entries.every((e) => e.settlement !== "pending"),
    }),
    200,
  );
};
