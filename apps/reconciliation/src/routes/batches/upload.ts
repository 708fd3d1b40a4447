/** `POST /v1/reconciliation/batches`: a terminal hands in signed events; each is stored once and judged. */
import type { RouteHandler } from "@hono/zod-openapi";
import {
  MAX_EVENTS_PER_BATCH,
  type ReconcileResult,
  sha256,
  TesseraError,
  toHex,
  utf8,
} from "@tessera/protocol";
import { problemResponses, requirePrincipal, secureRoute } from "@tessera/service-kit";
import type { Context } from "hono";
import { auditLog } from "../../db/audit.ts";
import { batchStore } from "../../db/batches.ts";
import type { ReconciliationEnv } from "../../env.ts";
import { idempotencyCache } from "../../kv/idempotency-cache.ts";
import { denyFlagged } from "../../reconciliation/auto-deny.ts";
import { ingestBatch, prepareEvents, readTerminal } from "../../reconciliation/ingest.ts";
import { deliveringTerminal } from "../../terminal-access.ts";
import { backendKeys, grantsRpc } from "../../upstream/grants.ts";
import { currentPolicy, policyVersion } from "../../upstream/policy.ts";
import { IdempotencyKeyHeader, ReconcileResultSchema, UploadBody, uploadBodyJson } from "./schemas.ts";

export const uploadBatchRoute = secureRoute({
  method: "post",
  path: "/reconciliation/batches",
  tags: ["Reconciliation"],
  summary: "Upload a batch of signed terminal events",
  description: [
    "Each event is stored exactly once (its id is the key) and answered `accepted`, `duplicate` (already held,",
    "same content), `flagged` (booked with anomalies, listed) or `rejected` (kept as evidence only, with a",
    "`code`). Every answered event may leave the terminal's outbox. The answer is sent only after D1 holds",
    "the events. Retrying with the same `Idempotency-Key` and body repeats the first answer",
    "(`Idempotent-Replayed: true`); the same key with another body is a 409 `idempotency_conflict`.",
  ].join(" "),
  access: { terminal: true },
  middleware: [deliveringTerminal],
  request: {
    headers: IdempotencyKeyHeader,
    body: { required: true, content: { "application/json": { schema: UploadBody } } },
  },
  responses: {
    200: {
      description: "Per-event results",
      content: { "application/json": { schema: ReconcileResultSchema } },
    },
    ...problemResponses(400, 409, 413, 422, 503),
  },
});

function replay(c: Context<ReconciliationEnv>, result: ReconcileResult) {
  c.header("Idempotent-Replayed", "true");
  return c.json(result, 200);
}

interface StoredAnswer {
  body_hash: string;
  result: ReconcileResult;
}

/** What an earlier upload with this key was answered, and the hash of its body; null for a fresh key. */
async function storedAnswer(
  c: Context<ReconciliationEnv>,
  terminalId: string,
  key: string,
): Promise<StoredAnswer | null> {
  // Both asked at once: a fresh key (the common case) misses both, and waiting for one before the other
  // would put a second round trip in front of every new upload.
  const [cached, row] = await Promise.all([
    idempotencyCache(c.env.RECON_KV).get(terminalId, key),
    batchStore(c.env.DB).findByKey(terminalId, key),
  ]);
  return cached
    ? { body_hash: cached.bodyHash, result: cached.result }
    : row
      ? { body_hash: row.body_hash, result: JSON.parse(row.results) as ReconcileResult }
      : null;
}

/** The answer an earlier upload with this key got, or a conflict when that upload had another body. */
function previousAnswer(stored: StoredAnswer | null, bodyHash: string): ReconcileResult | null {
  if (!stored) return null;
  if (stored.body_hash !== bodyHash)
    throw new TesseraError(
      "idempotency_conflict",
      "This Idempotency-Key was used for a different batch; use a new key for new events",
    );
  return stored.result;
}

export const uploadBatch: RouteHandler<typeof uploadBatchRoute, ReconciliationEnv> = async (c) => {
  const principal = requirePrincipal(c);
  if (principal.kind !== "terminal") throw new TesseraError("forbidden", "Only terminals upload events");
  const body = c.req.valid("json");
  if (body.events.length > MAX_EVENTS_PER_BATCH)
    throw new TesseraError(
      "batch_too_large",
      `A batch holds at most ${MAX_EVENTS_PER_BATCH} events; this one has ${body.events.length}. Split it.`,
    );
  const key = c.req.valid("header")["idempotency-key"];

  // Everything the upload reads that does not depend on its events is asked for first, and the events are
  // parsed, encoded and fingerprinted (CPU work) while the answers are on their way.
  const storedRead = storedAnswer(c, principal.terminalId, key);
  const policyRead = currentPolicy(c.env);
  const keysRead = backendKeys(grantsRpc(c.env));
  // Not waited for here: verification starts with the terminal as this isolate knows it (ingest.ts).
  const terminal = readTerminal(grantsRpc(c.env), principal.terminalNumber);
  for (const read of [storedRead, policyRead, keysRead]) read.catch(() => {});
  const events = await prepareEvents(body.events);
  const bodyHash = toHex(await sha256(utf8.encode(uploadBodyJson(events, body.grants))));

  const earlier = previousAnswer(await storedRead, bodyHash);
  if (earlier) return replay(c, earlier);
  const [policy, keys] = await Promise.all([policyRead, keysRead]);

  const outcome = await ingestBatch(
    {
      db: c.env.DB,
      grants: grantsRpc(c.env),
      policy,
      policyVersion: (version) => policyVersion(c.env, version),
    },
    {
      uploader: principal,
      idempotencyKey: key,
      bodyHash,
      events,
      grantTokens: body.grants ?? [],
      requestId: c.get("requestId"),
      keys,
      terminal,
    },
  );
  if (outcome.kind === "raced") {
    const raced = previousAnswer(await storedAnswer(c, principal.terminalId, key), bodyHash);
    if (!raced) throw new Error("an upload with this key was stored but cannot be read back");
    return replay(c, raced);
  }
  c.executionCtx.waitUntil(
    Promise.all([
      // Only an upload that raised or withdrew flags appended audit rows; the others leave nothing to seal.
      outcome.audited ? auditLog(c.env.DB).seal() : 0,
      idempotencyCache(c.env.RECON_KV).put(principal.terminalId, key, { bodyHash, result: outcome.result }),
    ]).catch((error) =>
      console.error(JSON.stringify({ level: "error", event: "after_upload", error: String(error) })),
    ),
  );
  // Awaited: rare, and a terminal's next upload should find the card (or terminal) already listed.
  if (outcome.autoDeny.length > 0) await denyFlagged(c.env.DB, grantsRpc(c.env), outcome.autoDeny);
  return c.json(outcome.result, 200);
};
