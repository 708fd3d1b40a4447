/**
 * Where DPoP proof ids are remembered so a replayed proof is refused. Workers use KV; tests and
 * single-process tools may use memory. Either way an entry only needs to outlive the proof's validity.
 */

/** Remembers proof ids for as long as a proof carrying them could still be accepted. */
export interface JtiStore {
  /** Records `jti` for `ttlSeconds`; false when it was already recorded (a replay). */
  claim(jti: string, ttlSeconds: number): Promise<boolean>;
}

/** The slice of a KV namespace the store uses; a real `KVNamespace` satisfies it. */
export interface JtiKv {
  get(key: string): Promise<string | null>;
  put(key: string, value: string, options?: { expirationTtl?: number }): Promise<void>;
}

/** KV refuses an `expirationTtl` under 60 seconds. */
const KV_MIN_TTL_SECONDS = 60;

/** Proof ids this isolate has claimed with a deferred KV write: a minute or so of a busy isolate's requests. */
const MAX_REMEMBERED = 20_000;
const rememberedInIsolate = new Map<string, number>();

/** Claims `key` in this isolate's memory; false when it is already claimed and not yet expired. */
function claimInIsolate(key: string, until: number, now: number): boolean {
  const known = rememberedInIsolate.get(key);
  if (known !== undefined && known > now) return false;
  if (rememberedInIsolate.size >= MAX_REMEMBERED) {
    for (const [id, expiresAt] of rememberedInIsolate) if (expiresAt <= now) rememberedInIsolate.delete(id);
    // Still full: forget the oldest claims (Map order is insertion order); KV still holds them.
    for (const id of rememberedInIsolate.keys()) {
      if (rememberedInIsolate.size < MAX_REMEMBERED * 0.9) break;
      rememberedInIsolate.delete(id);
    }
  }
  rememberedInIsolate.set(key, until);
  return true;
}

/** Forgets this isolate's claims, so a test can replay a proof as another isolate would see it. */
export function forgetIsolateJtiClaims(): void {
  rememberedInIsolate.clear();
}

export interface KvJtiStoreOptions {
  /** Key prefix in the namespace. Default `dpop:`. */
  prefix?: string;
  /**
   * Writes the claim to KV after the answer (`executionCtx.waitUntil`), so a request waits for one KV round
   * trip (the read) instead of two. The claim is then first taken in this isolate's memory, before anything is
   * awaited, so two copies of one proof reaching this isolate can never both pass while the write is pending.
   */
  waitUntil?: (promise: Promise<unknown>) => void;
}

/**
 * Proof ids under `dpop:<jti>`, expiring with the proof. KV has no compare-and-set and is eventually
 * consistent, so two copies of one proof sent to two locations in the same second can both pass; a
 * proof is also bound to one method, one URL, one grant (`ath`) and a short `iat` window, so a replay
 * gains at most the answer the original request already got.
 */
export function kvJtiStore(kv: JtiKv, options: KvJtiStoreOptions = {}): JtiStore {
  const { prefix = "dpop:", waitUntil } = options;
  return {
    async claim(jti, ttlSeconds) {
      const key = `${prefix}${jti}`;
      if (waitUntil) {
        const now = Date.now();
        if (!claimInIsolate(key, now + ttlSeconds * 1000, now)) return false;
      }
      if ((await kv.get(key)) !== null) return false;
      const written = kv.put(key, "1", {
        expirationTtl: Math.max(KV_MIN_TTL_SECONDS, Math.ceil(ttlSeconds)),
      });
      if (!waitUntil) {
        await written;
        return true;
      }
      waitUntil(
        written.catch((error: unknown) =>
          console.error(
            JSON.stringify({ level: "error", event: "dpop_jti_not_stored", error: String(error) }),
          ),
        ),
      );
      return true;
    },
  };
}

/** An in-memory store for tests and single-process tools; expired ids are dropped as it goes. */
export function memoryJtiStore(now: () => number = () => Date.now() / 1000): JtiStore {
  const seen = new Map<string, number>();
  return {
    async claim(jti, ttlSeconds) {
      const at = now();
      for (const [id, expiresAt] of seen) if (expiresAt <= at) seen.delete(id);
      if (seen.has(jti)) return false;
      seen.set(jti, at + ttlSeconds);
      return true;
    },
  };
}
