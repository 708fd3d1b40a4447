/**
 * `GET /v1/deny-list`: what a terminal syncs. `?since=<version>` → the delta to the current version (or
 * `snapshotRequired`); otherwise a snapshot chunk (`?chunk=N`, `?version=V` for chunks after the first).
 * `Accept: application/octet-stream` → the same in the compact TDL1 binary form (8 bytes per card).
 */
import type { RouteHandler } from "@hono/zod-openapi";
import { z } from "@hono/zod-openapi";
import { problemResponses } from "@tessera/service-kit";
import { denyListService } from "../../deny-list/deny-list-service.ts";
import type { GrantsEnv } from "../../env.ts";
import { inBackground } from "../../http/background.ts";
import { terminalOrSecureRoute } from "../../http/terminal-access.ts";
import { DenyListAnswer, DenyListQuery } from "../../schemas/deny-list.ts";

const BINARY = "application/octet-stream";

export const getDenyListRoute = terminalOrSecureRoute({
  method: "get",
  path: "/deny-list",
  tags: ["Deny list"],
  summary: "Sync the deny list: a delta since a version, or a snapshot in chunks",
  description: [
    "With `since`: the changes from that version to the current one (each key once: additions replace, removals drop), or `{ snapshotRequired: true }` when the change log no longer reaches back, the holder is ahead, or the delta would exceed 50,000 keys.",
    "Without `since`: chunk `chunk` (default 0) of the latest built snapshot, 10,000 entries per chunk; fetch the other chunks with `version` set to chunk 0's version, then a delta `since` that version. A snapshot version stays readable for a week.",
    "`Accept: application/octet-stream`: the whole snapshot, or the delta, in the TDL1 binary form (`X-Deny-List-Version` names its version). A `snapshotRequired` answer is always JSON.",
  ].join("\n\n"),
  access: { roles: ["auditor"], scopes: ["grants:validate", "cards:read", "deny-list:read"] },
  request: { query: DenyListQuery },
  responses: {
    200: {
      description: "A snapshot chunk, a delta, or the instruction to take a snapshot",
      headers: { "X-Deny-List-Version": { schema: { type: "integer" } } },
      content: {
        "application/json": { schema: DenyListAnswer },
        [BINARY]: { schema: z.string().openapi({ format: "binary" }) },
      },
    },
    ...problemResponses(404, 422, 503),
  },
});

function wantsBinary(accept: string | undefined): boolean {
  return (accept ?? "").split(",").some((part) => part.trim().split(";")[0] === BINARY);
}

export const getDenyList: RouteHandler<typeof getDenyListRoute, GrantsEnv> = async (c) => {
  const query = c.req.valid("query");
  const service = denyListService(c.env);
  const binary = wantsBinary(c.req.header("Accept"));
  c.header("Vary", "Accept");
  c.header("Cache-Control", "private, no-cache");

  if (query.since !== undefined) {
    const answer = await service.delta(query.since, binary ? "tdl1" : "json");
    if (answer.kind === "snapshot_required") return c.json(DenyListAnswer.parse(answer.body), 200);
    c.header("X-Deny-List-Version", String(answer.version));
    return c.body(answer.body as Uint8Array<ArrayBuffer>, 200, {
      "Content-Type": binary ? BINARY : "application/json",
    }) as never;
  }

  if (binary) {
    const snapshot = await service.snapshotBinary(inBackground(c));
    c.header("X-Deny-List-Version", String(snapshot.version));
    return c.body(snapshot.bytes, 200, { "Content-Type": BINARY }) as never;
  }
  const chunk = await service.snapshotChunk(query.chunk ?? 0, query.version, inBackground(c));
  c.header("X-Deny-List-Version", String(chunk.version));
  // A chunk of a named version never changes; the terminal may keep it.
  if (query.version !== undefined) c.header("Cache-Control", "private, max-age=604800, immutable");
  return c.body(chunk.json, 200, { "Content-Type": "application/json" }) as never;
};
