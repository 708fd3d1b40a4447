/** `GET /v1/flags/{flagId}`: one flag. */
import { type RouteHandler, z } from "@hono/zod-openapi";
import { TesseraError } from "@tessera/protocol";
import { problemResponses, secureRoute } from "@tessera/service-kit";
import { flagStore } from "../../db/flags.ts";
import type { ReconciliationEnv } from "../../env.ts";
import { FlagView, flagViewOf } from "./schemas.ts";

export const FlagIdParam = z.object({
  flagId: z
    .string()
    .regex(/^flg_[0-9a-f]{24}$/, "a flag id")
    .openapi({ param: { name: "flagId", in: "path" }, example: "flg_0123456789abcdef01234567" }),
});

export const getFlagRoute = secureRoute({
  method: "get",
  path: "/flags/{flagId}",
  tags: ["Flags"],
  summary: "One flag",
  access: { roles: ["auditor"], scopes: ["flags:read"] },
  request: { params: FlagIdParam },
  responses: {
    200: { description: "The flag", content: { "application/json": { schema: FlagView } } },
    ...problemResponses(404, 422),
  },
});

export const getFlag: RouteHandler<typeof getFlagRoute, ReconciliationEnv> = async (c) => {
  const { flagId } = c.req.valid("param");
  const row = await flagStore(c.env.DB).get(flagId);
  if (!row) throw new TesseraError("not_found", `No flag ${flagId}`);
  return c.json(flagViewOf(row), 200);
};
