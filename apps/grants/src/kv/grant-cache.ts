/**
 * Issued grants cached in KV per terminal (`grant:<terminal id>`), so a terminal fetching its grant
 * again in the same window is answered at the edge without signing. An entry lives until the grant's
 * refresh time: after that a fresh grant is issued anyway. Suspending or revoking a terminal deletes
 * its entry (and every grant request also checks the terminal's status in D1).
 */
import { z } from "zod";

const KV_MIN_TTL_SECONDS = 60;

export const CachedGrant = z.object({
  terminalId: z.string(),
  /** Thumbprint of the device key the grant is bound to: a re-keyed terminal never gets the old one. */
  jkt: z.string(),
  grantId: z.string(),
  grant: z.string(),
  certificate: z.string(),
  gseq: z.number().int(),
  keyVersion: z.number().int(),
  policyVersion: z.number().int(),
  denyListVersion: z.number().int(),
  issuedAt: z.number().int(),
  expiresAt: z.number().int(),
  refreshAt: z.number().int(),
});
export type CachedGrant = z.infer<typeof CachedGrant>;

const keyOf = (terminalId: string) => `grant:${terminalId}`;

export function grantCache(kv: KVNamespace) {
  return {
    async get(terminalId: string): Promise<CachedGrant | null> {
      const raw = await kv.get(keyOf(terminalId), "json");
      const parsed = CachedGrant.safeParse(raw);
      return parsed.success ? parsed.data : null;
    },

    async put(entry: CachedGrant, now: number): Promise<void> {
      await kv.put(keyOf(entry.terminalId), JSON.stringify(CachedGrant.parse(entry)), {
        expirationTtl: Math.max(KV_MIN_TTL_SECONDS, entry.refreshAt - now),
      });
    },

    async delete(terminalId: string): Promise<void> {
      await kv.delete(keyOf(terminalId));
    },
  };
}
