/** `POST /v1/{policy|catalog}/drafts`: saves a draft; it must fit the schema, rules are reported, not enforced. */
import {
  actorOf,
  createServiceRouter,
  problemResponses,
  requirePrincipal,
  secureRoute,
} from "@tessera/service-kit";
import type { DocumentKind } from "../../documents/kinds.ts";
import { parseDraft } from "../../documents/lifecycle.ts";
import { publishedDocuments, ruleContext } from "../../documents/store.ts";
import type { PolicyEnv } from "../../env.ts";
import { documentBody, documentHook, draftResponse, draftSchema, tagOf, write } from "./shared.ts";

export function createDraft(kind: DocumentKind) {
  const route = secureRoute({
    method: "post",
    path: `/${kind.name}/drafts`,
    access: write(kind),
    tags: [tagOf(kind)],
    summary: `Start a ${kind.name} draft`,
    request: { body: documentBody(kind) },
    responses: {
      201: {
        description: "The draft, with the rules it breaks so far",
        content: { "application/json": { schema: draftSchema(kind) } },
      },
      ...problemResponses(422),
    },
  });
  return createServiceRouter<PolicyEnv>().openapi(
    route,
    async (c) => {
      const body = c.req.valid("json");
      const content = parseDraft(kind, body.document);
      const store = publishedDocuments(c.env, kind);
      const current = await store.latest();
      const now = new Date().toISOString();
      const draft = {
        id: `drf_${crypto.randomUUID()}`,
        kind: kind.name,
        content,
        basedOn: current.version,
        note: body.note ?? null,
        createdBy: actorOf(requirePrincipal(c)),
        createdAt: now,
        updatedAt: now,
        publishedVersion: null,
      };
      await store.repo.insertDraft(draft);
      await c.var.audit(`${kind.name}.draft_create`, `${kind.name}_draft:${draft.id}`, {
        basedOn: current.version,
      });
      const issues = await kind.rules(content, ruleContext(c.env));
      c.header("Location", `/v1/${kind.name}/drafts/${draft.id}`);
      return c.json(draftResponse(kind, draft, issues), 201);
    },
    documentHook(kind),
  );
}
