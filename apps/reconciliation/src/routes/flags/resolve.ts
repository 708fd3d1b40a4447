/** `POST /v1/flags/{flagId}/resolve`: an operator closes a flag with a note; the resolution is audited. */
import { type RouteHandler, z } from "@hono/zod-openapi";
import { TesseraError } from "@tessera/protocol";
import { actorOf, problemResponses, requirePrincipal, secureRoute } from "@tessera/service-kit";
import { auditLog } from "../../db/audit.ts";
import { type FlagRow, flagStore } from "../../db/flags.ts";
import type { ReconciliationEnv } from "../../env.ts";
import { FlagIdParam } from "./get.ts";
import { FlagView, flagViewOf } from "./schemas.ts";

export const resolveFlagRoute = secureRoute({
  method: "post",
  path: "/flags/{flagId}/resolve",
  tags: ["Flags"],
  summary: "Resolve a flag with a note",
  description:
    "Only an open flag can be resolved (409 `conflict` otherwise). The card stays on the deny list, if it was put there; lift that on the grants Worker.",
  access: { roles: ["operator"], scopes: ["flags:write"] },
  request: {
    params: FlagIdParam,
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z
            .object({ note: z.string().trim().min(1).max(2000).describe("What was found and done") })
            .openapi("FlagResolution"),
        },
      },
    },
  },
  responses: {
    200: { description: "The resolved flag", content: { "application/json": { schema: FlagView } } },
    ...problemResponses(404, 409, 422),
  },
});

export const resolveFlag: RouteHandler<typeof resolveFlagRoute, ReconciliationEnv> = async (c) => {
  const { flagId } = c.req.valid("param");
  const { note } = c.req.valid("json");
  const actor = actorOf(requirePrincipal(c));
  const flags = flagStore(c.env.DB);
  const current = await flags.get(flagId);
  if (!current) throw new TesseraError("not_found", `No flag ${flagId}`);
  if (current.state !== "open")
    throw new TesseraError("conflict", `Flag ${flagId} is ${current.state}, not open`);
  const now = Date.now();
  const audit = auditLog(c.env.DB);
  // The resolution and its audit entry land together or not at all.
  const [resolved] = await c.env.DB.batch<FlagRow>([
    flags.resolveStatement(flagId, note, actor.id, Math.floor(now / 1000)),
    audit.insertStatement(
      {
        service: "reconciliation",
        actor,
        action: "flag.resolve",
        target: `flag:${flagId}`,
        detail: { kind: current.kind, cardId: current.card_id, note },
        at: new Date(now).toISOString(),
        requestId: c.get("requestId"),
      },
      now,
    ),
  ]);
  const row = resolved?.results[0];
  if (!row) throw new TesseraError("conflict", `Flag ${flagId} changed meanwhile; read it again`);
  await audit.seal();
  return c.json(flagViewOf(row), 200);
};
