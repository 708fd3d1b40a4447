/** `GET /v1/cards/{cardId}`: the reconciled card — what a station needs to restore it, and its whole story. */
import { type RouteHandler, z } from "@hono/zod-openapi";
import { TesseraError } from "@tessera/protocol";
import { problemResponses, secureRoute } from "@tessera/service-kit";
import { flagStore } from "../../db/flags.ts";
import type { ReconciliationEnv } from "../../env.ts";
import { readCardLedger } from "../../reconciliation/recompute.ts";
import { currentPolicy } from "../../upstream/policy.ts";
import { flagViewOf } from "../flags/schemas.ts";
import { CardView } from "./schemas.ts";

export const CardIdParam = z.object({
  cardId: z
    .string()
    .regex(/^[0-9a-f]{16}$/, "16 lowercase hex characters")
    .openapi({ param: { name: "cardId", in: "path" }, example: "0a1b2c3d4e5f6071" }),
});

export const getCardRoute = secureRoute({
  method: "get",
  path: "/cards/{cardId}",
  tags: ["Cards"],
  summary: "The reconciled card: balance, counter, chain head, status, ledger, history and flags",
  description:
    "Recomputed from every event stored for the card. `restore` is what a station writes when it reissues the card; check `complete` first — an open gap means events may still be on their way.",
  access: { roles: ["auditor"], scopes: ["cards:read"] },
  request: { params: CardIdParam },
  responses: {
    200: { description: "The card", content: { "application/json": { schema: CardView } } },
    ...problemResponses(404, 422, 503),
  },
});

export const getCard: RouteHandler<typeof getCardRoute, ReconciliationEnv> = async (c) => {
  const { cardId } = c.req.valid("param");
  const [ledger, flags] = await Promise.all([
    currentPolicy(c.env).then((policy) => readCardLedger(c.env.DB, policy, cardId)),
    flagStore(c.env.DB).forCards([cardId]),
  ]);
  if (!ledger) throw new TesseraError("card_unknown", `No event of card ${cardId} has been reconciled`);
  const settled = ledger.entries.filter((e) => e.settlement === "settled");
  return c.json(
    CardView.parse({
      cardId,
      balance: ledger.balance,
      counter: ledger.counter,
      chain: ledger.chain,
      status: ledger.status,
      headEventId: ledger.headEventId,
      issued: ledger.issued,
      complete: ledger.gaps.length === 0 && ledger.entries.every((e) => e.settlement !== "pending"),
      eventCount: ledger.eventCount,
      lastWrittenAt: ledger.lastWrittenAt,
      restore: { cardId, ...ledger.restore },
      gaps: ledger.gaps,
      entries: ledger.entries,
      history: settled
        .slice(-20)
        .reverse()
        .map((e) => ({
          counter: e.counter,
          op: e.op,
          amount: e.amount,
          writtenAt: e.writtenAt,
          terminalId: e.terminalId,
        })),
      flags: flags.sort((a, b) => b.raised_at - a.raised_at || (a.id < b.id ? -1 : 1)).map(flagViewOf),
    }),
    200,
  );
};
