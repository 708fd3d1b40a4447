/** `GET /v1/{policy|catalog}/versions/{version}`: any published version, immutable and cacheable for a year. */
import { TesseraError } from "@tessera/protocol";
import { createServiceRouter, problemResponses, secureRoute } from "@tessera/service-kit";
import type { DocumentKind } from "../../documents/kinds.ts";
import { publishedDocuments } from "../../documents/store.ts";
import type { PolicyEnv } from "../../env.ts";
import { VersionParam } from "../../schemas/documents.ts";
import { ifNoneMatchHits, VERSION_CACHE_CONTROL } from "./conditional.ts";
import { publicRead, tagOf } from "./shared.ts";

export function readVersion(kind: DocumentKind) {
  const route = secureRoute({
    method: "get",
    path: `/${kind.name}/versions/{version}`,
    access: publicRead,
    tags: [tagOf(kind)],
    summary: `One published ${kind.name} version`,
    request: { params: VersionParam },
    responses: {
      200: {
        description: `The ${kind.name} as published; it never changes`,
        headers: { ETag: { schema: { type: "string" } }, "Cache-Control": { schema: { type: "string" } } },
        content: { "application/json": { schema: kind.documentSchema } },
      },
      304: { description: "Unchanged since the ETag sent in If-None-Match" },
      ...problemResponses(404, 422),
    },
  });
  return createServiceRouter<PolicyEnv>().openapi(route, async (c) => {
    const { version } = c.req.valid("param");
    const found = await publishedDocuments(c.env, kind).version(version);
    if (!found) {
      if (kind.name === "policy")
        throw new TesseraError("policy_version_not_found", `No policy version ${version} has been published`);
      throw new TesseraError("not_found", `No ${kind.name} version ${version} has been published`);
    }
    const headers = { ETag: found.etag, "Cache-Control": VERSION_CACHE_CONTROL };
    if (ifNoneMatchHits(c.req.header("If-None-Match"), found.etag)) return c.body(null, 304, headers);
    return c.body(found.body, 200, { ...headers, "Content-Type": "application/json" });
  });
}
