/** `GET /v1/{policy|catalog}`: the current version from KV, with a strong ETag; If-None-Match → 304. */
import { createServiceRouter, secureRoute } from "@tessera/service-kit";
import type { DocumentKind } from "../../documents/kinds.ts";
import { publishedDocuments } from "../../documents/store.ts";
import type { PolicyEnv } from "../../env.ts";
import { CURRENT_CACHE_CONTROL, ifNoneMatchHits } from "./conditional.ts";
import { publicRead, tagOf } from "./shared.ts";

export function readCurrent(kind: DocumentKind) {
  const route = secureRoute({
    method: "get",
    path: `/${kind.name}`,
    access: publicRead,
    tags: [tagOf(kind)],
    summary: `The current ${kind.name}`,
    description: `Revalidate with \`If-None-Match\`: an unchanged ${kind.name} answers 304 with no body.`,
    responses: {
      200: {
        description: `The current ${kind.name}, with its strong ETag`,
        headers: {
          ETag: { schema: { type: "string" } },
          "Cache-Control": { schema: { type: "string" } },
        },
        content: { "application/json": { schema: kind.documentSchema } },
      },
      304: { description: "Unchanged since the ETag sent in If-None-Match" },
    },
  });
  return createServiceRouter<PolicyEnv>().openapi(route, async (c) => {
    const current = await publishedDocuments(c.env, kind).current();
    const headers = { ETag: current.etag, "Cache-Control": CURRENT_CACHE_CONTROL };
    if (ifNoneMatchHits(c.req.header("If-None-Match"), current.etag)) return c.body(null, 304, headers);
    return c.body(current.body, 200, { ...headers, "Content-Type": "application/json" });
  });
}
