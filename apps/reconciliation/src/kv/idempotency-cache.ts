/**
 * RECON_KV as the named cache of recent upload answers by Idempotency-Key, so a retried upload is
 * answered from the edge with the very answer the first attempt got. D1's `batches` table stays the
 * source of truth (KV is eventually consistent); this only saves the D1 read on the common retry.
 */
import { ReconcileResult } from "@tessera/protocol";
import { z } from "zod";

/**
 * A terminal retries a failed upload with backoff for as long as it stays offline, typically minutes
 * and at most a grant lifetime; a day covers that, after which the D1 lookup still answers.
 */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

const Entry = z.object({ bodyHash: z.string(), result: ReconcileResult });
export type IdempotencyEntry = z.infer<typeof Entry>;

const keyOf = (terminalId: string, idempotencyKey: string) => `idem:${terminalId}:${idempotencyKey}`;

export function idempotencyCache(kv: KVNamespace) {
  return {
    async get(terminalId: string, idempotencyKey: string): Promise<IdempotencyEntry | null> {
      const raw = await kv.get(keyOf(terminalId, idempotencyKey), "text");
      if (raw === null) return null;
      const parsed = Entry.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : null;
    },
    async put(terminalId: string, idempotencyKey: string, entry: IdempotencyEntry): Promise<void> {
      await kv.put(keyOf(terminalId, idempotencyKey), JSON.stringify(entry), {
        expirationTtl: IDEMPOTENCY_TTL_SECONDS,
      });
    },
  };
}
