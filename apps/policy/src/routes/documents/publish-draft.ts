/** `POST /v1/{policy|catalog}/drafts/{draftId}/publish`: validates the draft and publishes it as the next version. */
import { TesseraError } from "@tessera/protocol";
import {
  actorOf,
  createServiceRouter,
  problemResponses,
  requirePrincipal,
  secureRoute,
} from "@tessera/service-kit";
import type { DocumentKind } from "../../documents/kinds.ts";
import { checkDraft } from "../../documents/lifecycle.ts";
import { publishedDocuments, ruleContext } from "../../documents/store.ts";
import type { PolicyEnv } from "../../env.ts";
import { DraftParam, PublishRequest, PublishResult } from "../../schemas/documents.ts";
import { FLEET_GATE_DESCRIPTION, found, guardOf, tagOf, write } from "./shared.ts";

export function publishDraft(kind: DocumentKind) {
  const route = secureRoute({
    method: "post",
    path: `/${kind.name}/drafts/{draftId}/publish`,
    access: write(kind),
    tags: [tagOf(kind)],
    summary: `Publish a ${kind.name} draft as the next version`,
    description: [
      `Terminals see it on their next revalidation of \`GET /v1/${kind.name}\`. Audited with the diff.`,
      ...(kind.name === "policy" ? [FLEET_GATE_DESCRIPTION] : []),
    ].join("\n\n"),
    request: {
      params: DraftParam,
      body: { required: false, content: { "application/json": { schema: PublishRequest } } },
    },
    responses: {
      201: {
        description: "Published; Location names the new version",
        content: { "application/json": { schema: PublishResult } },
      },
      ...problemResponses(404, 409, 422, 503),
    },
  });
  return createServiceRouter<PolicyEnv>().openapi(route, async (c) => {
    const { draftId } = c.req.valid("param");
    const body = c.req.valid("json") ?? {};
    const store = publishedDocuments(c.env, kind);
    const draft = found(await store.repo.draft(draftId), `${kind.name} draft ${draftId}`);
    if (draft.publishedVersion !== null)
      throw new TesseraError(
        "conflict",
        `This draft was already published as version ${draft.publishedVersion}`,
      );
    const content = await checkDraft(kind, draft.content, ruleContext(c.env));
    const { version, changes } = await store.publish({
      content,
      actor: actorOf(requirePrincipal(c)),
      audit: c.var.audit,
      note: body.note ?? draft.note ?? undefined,
      baseVersion: body.baseVersion,
      draftId,
      guard: guardOf(kind, c.env, content, body),
    });
    const { body: _body, ...summary } = version;
    c.header("Location", `/v1/${kind.name}/versions/${version.version}`);
    return c.json(PublishResult.parse({ ...summary, changes }), 201);
  });
}
