/**
 * RECON_KV (and this isolate's memory) as the store of used DPoP proof ids. A proof id is claimed in memory
 * before anything is awaited, so two copies of one proof reaching this isolate can never both pass; KV is
 * then read once, for copies another isolate already accepted, and written after the answer (`waitUntil`),
 * so a request waits for one KV round trip instead of two. KV has no compare-and-set either way: two copies
 * sent to two isolates within the same moment could both pass, before or after this change, and a proof is
 * bound to one method, URL and grant, so a replay gains at most the answer the original got.
 */
import type { JtiStore } from "@tessera/service-kit";

/** Proof ids kept in memory: a minute or so of a busy isolate's requests; the oldest go first. */
const MAX_REMEMBERED = 20_000;
/** KV refuses an `expirationTtl` under 60 seconds. */
const KV_MIN_TTL_SECONDS = 60;

const remembered = new Map<string, number>();

function rememberInIsolate(jti: string, until: number, now: number): boolean {
  const known = remembered.get(jti);
  if (known !== undefined && known > now) return false;
  if (remembered.size >= MAX_REMEMBERED) {
    for (const [id, expiresAt] of remembered) if (expiresAt <= now) remembered.delete(id);
    // Still full: forget the oldest claims (Map order is insertion order); KV still holds them.
    for (const id of remembered.keys()) {
      if (remembered.size < MAX_REMEMBERED * 0.9) break;
      remembered.delete(id);
    }
  }
  remembered.set(jti, until);
  return true;
}

export function dpopReplayStore(
  kv: Pick<KVNamespace, "get" | "put">,
  waitUntil: (promise: Promise<unknown>) => void,
  prefix = "dpop:",
): JtiStore {
  return {
    async claim(jti, ttlSeconds) {
      const now = Date.now();
      if (!rememberInIsolate(jti, now + ttlSeconds * 1000, now)) return false;
      const key = `${prefix}${jti}`;
      if ((await kv.get(key)) !== null) return false;
      waitUntil(
        kv
          .put(key, "1", { expirationTtl: Math.max(KV_MIN_TTL_SECONDS, Math.ceil(ttlSeconds)) })
          .catch((error) =>
            console.error(
              JSON.stringify({ level: "error", event: "dpop_jti_not_stored", error: String(error) }),
            ),
          ),
      );
      return true;
    },
  };
}

/** Forgets the proof ids this isolate remembers (tests that replay across a simulated isolate). */
export function forgetRememberedProofs(): void {
  remembered.clear();
}
