/** `GET /v1/{policy|catalog}/drafts/{draftId}/diff`: what publishing the draft would change. */
import { createServiceRouter, problemResponses, secureRoute } from "@tessera/service-kit";
import type { DocumentKind } from "../../documents/kinds.ts";
import { changesBetween } from "../../documents/lifecycle.ts";
import { publishedDocuments } from "../../documents/store.ts";
import type { PolicyEnv } from "../../env.ts";
import { DocumentDiff, DraftParam } from "../../schemas/documents.ts";
import { consoleRead, found, tagOf } from "./shared.ts";

export function diffDraft(kind: DocumentKind) {
  const route = secureRoute({
    method: "get",
    path: `/${kind.name}/drafts/{draftId}/diff`,
    access: consoleRead(kind),
    tags: [tagOf(kind)],
    summary: `Diff a ${kind.name} draft against the current version`,
    request: { params: DraftParam },
    responses: {
      200: {
        description: "Changed leaves, sorted by path",
        content: { "application/json": { schema: DocumentDiff } },
      },
      ...problemResponses(404),
    },
  });
  return createServiceRouter<PolicyEnv>().openapi(route, async (c) => {
    const { draftId } = c.req.valid("param");
    const store = publishedDocuments(c.env, kind);
    const draft = found(await store.repo.draft(draftId), `${kind.name} draft ${draftId}`);
    const current = await store.currentContent();
    return c.json(
      DocumentDiff.parse({
        against: current.version,
        changes: changesBetween(current.content, draft.content),
      }),
      200,
    );
  });
}
