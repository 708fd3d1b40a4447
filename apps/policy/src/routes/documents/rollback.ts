/** `POST /v1/{policy|catalog}/rollback`: publishes an older version's content as a new version. */
import { TesseraError } from "@tessera/protocol";
import {
  actorOf,
  createServiceRouter,
  problemResponses,
  requirePrincipal,
  secureRoute,
} from "@tessera/service-kit";
import type { DocumentKind } from "../../documents/kinds.ts";
import { checkDraft, contentOf } from "../../documents/lifecycle.ts";
import { publishedDocuments, ruleContext } from "../../documents/store.ts";
import type { PolicyEnv } from "../../env.ts";
import { PublishResult, RollbackRequest } from "../../schemas/documents.ts";
import { FLEET_GATE_DESCRIPTION, guardOf, tagOf, write } from "./shared.ts";

export function rollback(kind: DocumentKind) {
  const route = secureRoute({
    method: "post",
    path: `/${kind.name}/rollback`,
    access: write(kind),
    tags: [tagOf(kind)],
    summary: `Roll back: re-publish an older ${kind.name} version as a new version`,
    description: [
      "History is never rewritten: the old content becomes the next version number.",
      ...(kind.name === "policy" ? [FLEET_GATE_DESCRIPTION] : []),
    ].join("\n\n"),
    request: { body: { required: true, content: { "application/json": { schema: RollbackRequest } } } },
    responses: {
      201: { description: "Published", content: { "application/json": { schema: PublishResult } } },
      ...problemResponses(404, 409, 422, 503),
    },
  });
  return createServiceRouter<PolicyEnv>().openapi(route, async (c) => {
    const body = c.req.valid("json");
    const { version: target, note } = body;
    const store = publishedDocuments(c.env, kind);
    await store.latest();
    const old = await store.repo.version(target);
    if (!old) throw new TesseraError("not_found", `No ${kind.name} version ${target} has been published`);
    // Rules may have tightened since; an old version must still pass today's checks to come back.
    const content = await checkDraft(
      kind,
      contentOf(JSON.parse(old.body) as Record<string, unknown>),
      ruleContext(c.env),
    );
    const { version, changes } = await store.publish({
      content,
      actor: actorOf(requirePrincipal(c)),
      audit: c.var.audit,
      note: note ?? `Rollback to version ${target}`,
      restoredFrom: target,
      guard: guardOf(kind, c.env, content, body),
    });
    const { body: _body, ...summary } = version;
    c.header("Location", `/v1/${kind.name}/versions/${version.version}`);
    return c.json(PublishResult.parse({ ...summary, changes }), 201);
  });
}
