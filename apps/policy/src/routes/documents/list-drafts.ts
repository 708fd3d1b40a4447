/** `GET /v1/{policy|catalog}/drafts`: unpublished drafts, most recently edited first. */
import { createServiceRouter, secureRoute } from "@tessera/service-kit";
import type { DocumentKind } from "../../documents/kinds.ts";
import { publishedDocuments, ruleContext } from "../../documents/store.ts";
import type { PolicyEnv } from "../../env.ts";
import { consoleRead, draftListSchema, draftResponse, tagOf } from "./shared.ts";

export function listDrafts(kind: DocumentKind) {
  const route = secureRoute({
    method: "get",
    path: `/${kind.name}/drafts`,
    access: consoleRead(kind),
    tags: [tagOf(kind)],
    summary: `Unpublished ${kind.name} drafts`,
    responses: {
      200: {
        description: "Drafts, most recently edited first",
        content: { "application/json": { schema: draftListSchema(kind) } },
      },
    },
  });
  return createServiceRouter<PolicyEnv>().openapi(route, async (c) => {
    const drafts = await publishedDocuments(c.env, kind).repo.drafts(100);
    const context = ruleContext(c.env);
    const listed = await Promise.all(
      drafts.map(async (draft) => draftResponse(kind, draft, await kind.rules(draft.content, context))),
    );
    return c.json(draftListSchema(kind).parse({ drafts: listed }), 200);
  });
}
