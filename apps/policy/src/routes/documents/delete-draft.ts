/** `DELETE /v1/{policy|catalog}/drafts/{draftId}`: discards an unpublished draft. */
import { createServiceRouter, problemResponses, secureRoute } from "@tessera/service-kit";
import type { DocumentKind } from "../../documents/kinds.ts";
import { publishedDocuments } from "../../documents/store.ts";
import type { PolicyEnv } from "../../env.ts";
import { DraftParam } from "../../schemas/documents.ts";
import { found, tagOf, write } from "./shared.ts";

export function deleteDraft(kind: DocumentKind) {
  const route = secureRoute({
    method: "delete",
    path: `/${kind.name}/drafts/{draftId}`,
    access: write(kind),
    tags: [tagOf(kind)],
    summary: `Discard a ${kind.name} draft`,
    request: { params: DraftParam },
    responses: { 204: { description: "Discarded" }, ...problemResponses(404) },
  });
  return createServiceRouter<PolicyEnv>().openapi(route, async (c) => {
    const { draftId } = c.req.valid("param");
    if (!(await publishedDocuments(c.env, kind).repo.deleteDraft(draftId)))
      found(null, `unpublished ${kind.name} draft ${draftId}`);
    await c.var.audit(`${kind.name}.draft_delete`, `${kind.name}_draft:${draftId}`, {});
    return c.body(null, 204);
  });
}
