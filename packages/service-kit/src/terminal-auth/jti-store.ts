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

/**
 * Proof ids under `dpop:<jti>`, expiring with the proof. KV has no compare-and-set and is eventually
 * consistent, so two copies of one proof sent to two locations in the same second can both pass; a
 * proof is also bound to one method, one URL, one grant (`ath`) and a short `iat` window, so a replay
 * gains at most the answer the original request already got.
 */
export function kvJtiStore(kv: JtiKv, prefix = "dpop:"): JtiStore {
  return {
    async claim(jti, ttlSeconds) {
      const key = `${prefix}${jti}`;
      if ((await kv.get(key)) !== null) return false;
      await kv.put(key, "1", { expirationTtl: Math.max(KV_MIN_TTL_SECONDS, Math.ceil(ttlSeconds)) });
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
