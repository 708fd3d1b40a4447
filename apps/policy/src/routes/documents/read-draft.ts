/** `GET /v1/{policy|catalog}/drafts/{draftId}`: one draft with the rules it breaks now. */
import { createServiceRouter, problemResponses, secureRoute } from "@tessera/service-kit";
import type { DocumentKind } from "../../documents/kinds.ts";
import { publishedDocuments, ruleContext } from "../../documents/store.ts";
import type { PolicyEnv } from "../../env.ts";
import { DraftParam } from "../../schemas/documents.ts";
import { consoleRead, draftResponse, draftSchema, found, tagOf } from "./shared.ts";

export function readDraft(kind: DocumentKind) {
  const route = secureRoute({
    method: "get",
    path: `/${kind.name}/drafts/{draftId}`,
    access: consoleRead(kind),
    tags: [tagOf(kind)],
    summary: `One ${kind.name} draft`,
    request: { params: DraftParam },
    responses: {
      200: { description: "The draft", content: { "application/json": { schema: draftSchema(kind) } } },
      ...problemResponses(404),
    },
  });
  return createServiceRouter<PolicyEnv>().openapi(route, async (c) => {
    const { draftId } = c.req.valid("param");
    const draft = found(
      await publishedDocuments(c.env, kind).repo.draft(draftId),
      `${kind.name} draft ${draftId}`,
    );
    return c.json(draftResponse(kind, draft, await kind.rules(draft.content, ruleContext(c.env))), 200);
  });
}
