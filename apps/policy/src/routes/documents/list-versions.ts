/** `GET /v1/{policy|catalog}/versions`: the publication history, newest first. */
import { z } from "@hono/zod-openapi";
import { createServiceRouter, secureRoute } from "@tessera/service-kit";
import type { DocumentKind } from "../../documents/kinds.ts";
import { publishedDocuments } from "../../documents/store.ts";
import type { PolicyEnv } from "../../env.ts";
import { DocumentVersionList } from "../../schemas/documents.ts";
import { consoleRead, tagOf } from "./shared.ts";

const HistoryQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });

export function listVersions(kind: DocumentKind) {
  const route = secureRoute({
    method: "get",
    path: `/${kind.name}/versions`,
    access: consoleRead(kind),
    tags: [tagOf(kind)],
    summary: `${kind.title} history: who published which version, when, and why`,
    request: { query: HistoryQuery },
    responses: {
      200: {
        description: "Published versions, newest first",
        content: { "application/json": { schema: DocumentVersionList } },
      },
    },
  });
  return createServiceRouter<PolicyEnv>().openapi(route, async (c) => {
    const store = publishedDocuments(c.env, kind);
    await store.latest(); // a fresh deployment's history starts with version 1
    const versions = await store.repo.history(c.req.valid("query").limit);
    return c.json(
      DocumentVersionList.parse({
        versions: versions.map(({ body: _body, ...summary }) => summary),
      }),
      200,
    );
  });
}
