/** `PUT /v1/{policy|catalog}/drafts/{draftId}`: replaces an unpublished draft's content. */
import { createServiceRouter, problemResponses, secureRoute } from "@tessera/service-kit";
import type { DocumentKind } from "../../documents/kinds.ts";
import { changesBetween, parseDraft } from "../../documents/lifecycle.ts";
import { publishedDocuments, ruleContext } from "../../documents/store.ts";
import type { PolicyEnv } from "../../env.ts";
import { DraftParam } from "../../schemas/documents.ts";
import { documentBody, documentHook, draftResponse, draftSchema, found, tagOf, write } from "./shared.ts";

export function updateDraft(kind: DocumentKind) {
  const route = secureRoute({
    method: "put",
    path: `/${kind.name}/drafts/{draftId}`,
    access: write(kind),
    tags: [tagOf(kind)],
    summary: `Replace a ${kind.name} draft's content`,
    request: { params: DraftParam, body: documentBody(kind) },
    responses: {
      200: {
        description: "The updated draft",
        content: { "application/json": { schema: draftSchema(kind) } },
      },
      ...problemResponses(404, 422),
    },
  });
  return createServiceRouter<PolicyEnv>().openapi(
    route,
    async (c) => {
      const { draftId } = c.req.valid("param");
      const body = c.req.valid("json");
      const content = parseDraft(kind, body.document);
      const repo = publishedDocuments(c.env, kind).repo;
      const before = found(await repo.draft(draftId), `unpublished ${kind.name} draft ${draftId}`);
      if (!(await repo.updateDraft(draftId, content, body.note ?? null, new Date().toISOString())))
        found(null, `unpublished ${kind.name} draft ${draftId}`);
      await c.var.audit(`${kind.name}.draft_update`, `${kind.name}_draft:${draftId}`, {
        changes: changesBetween(before.content, content),
      });
      const draft = found(await repo.draft(draftId), `${kind.name} draft ${draftId}`);
      return c.json(draftResponse(kind, draft, await kind.rules(content, ruleContext(c.env))), 200);
    },
    documentHook(kind),
  );
}
