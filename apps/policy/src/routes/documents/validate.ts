/** `POST /v1/{policy|catalog}/validate`: checks a document (schema and cross-field rules) and diffs it, saving nothing. */
import { createServiceRouter, problemResponses, secureRoute } from "@tessera/service-kit";
import type { DocumentKind } from "../../documents/kinds.ts";
import { changesBetween, checkDraft } from "../../documents/lifecycle.ts";
import { publishedDocuments, ruleContext } from "../../documents/store.ts";
import type { PolicyEnv } from "../../env.ts";
import { ValidationReport } from "../../schemas/documents.ts";
import { consoleRead, documentBody, documentHook, tagOf } from "./shared.ts";

export function validateDocument(kind: DocumentKind) {
  const route = secureRoute({
    method: "post",
    path: `/${kind.name}/validate`,
    access: consoleRead(kind),
    tags: [tagOf(kind)],
    summary: `Validate a ${kind.name} and see what it would change`,
    description: `A ${kind.name} that breaks the schema or a cross-field rule answers 422 \`${kind.invalidCode}\` with one entry in \`errors\` per problem (\`path\`, \`message\`, \`rule\`).`,
    request: { body: documentBody(kind) },
    responses: {
      200: {
        description: "Valid; the changes it would make",
        content: { "application/json": { schema: ValidationReport } },
      },
      ...problemResponses(422),
    },
  });
  return createServiceRouter<PolicyEnv>().openapi(
    route,
    async (c) => {
      const content = await checkDraft(kind, c.req.valid("json").document, ruleContext(c.env));
      const current = await publishedDocuments(c.env, kind).currentContent();
      return c.json(
        ValidationReport.parse({
          valid: true,
          against: current.version,
          changes: changesBetween(current.content, content),
        }),
        200,
      );
    },
    documentHook(kind),
  );
}
