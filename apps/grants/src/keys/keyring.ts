/**
 * The grants Worker's signing keys as the rest of the Worker uses them: the active signer, the JWKS,
 * the public keys by version, and the rotation steps. Key rows are read from D1 at most every 30 s per
 * isolate; unwrapped private keys are cached per isolate for as long as it lives.
 */
import { type Jwks, JwksKey, kidForVersion, TesseraError } from "@tessera/protocol";
import { issuedGrants } from "../db/issued-grants.ts";
import { type SigningKeyRow, signingKeys } from "../db/signing-keys.ts";
import {
  activationRefusal,
  isPublished,
  type KeyFacts,
  type KeyPolicy,
  MAX_KEY_VERSION,
  retirable,
} from "../domain/key-lifecycle.ts";
import { createWrappedSigningKey, keyEncryptionKey, unwrapSigningKey } from "./key-wrap.ts";

/** How long an isolate trusts its copy of the key rows; bounds how long it signs with a superseded key. */
const KEY_ROWS_TTL_MS = 30_000;

export interface KeyRingEnv {
  DB: D1Database;
  KEY_ENCRYPTION_KEY: string;
}

export interface Signer {
  version: number;
  kid: string;
  privateKey: CryptoKey;
}

interface Snapshot {
  loadedAt: number;
  rows: SigningKeyRow[];
  jwks: Jwks;
  publicKeys: Map<number, CryptoKey>;
}

// Per D1 binding, so an isolate serving another database (tests) never mixes key sets.
const snapshots = new WeakMap<D1Database, Promise<Snapshot>>();
const privateKeys = new Map<string, Promise<CryptoKey>>();

export function factsOf(row: SigningKeyRow): KeyFacts {
  return {
    version: row.version,
    status: row.status,
    publishedAt: row.published_at,
    supersededAt: row.superseded_at,
  };
}

async function buildSnapshot(rows: SigningKeyRow[]): Promise<Snapshot> {
  const published = rows.filter((row) => isPublished(row.status));
  const keys = published.map((row) =>
    JwksKey.parse({
      kty: "OKP",
      crv: "Ed25519",
      x: row.public_key_x,
      kid: kidForVersion(row.version, "dual"),
      alg: "EdDSA",
      use: "sig",
    }),
  );
  const publicKeys = new Map<number, CryptoKey>();
  for (const key of keys) {
    const version = Number(key.kid.slice("tessera-".length));
    publicKeys.set(
      version,
      await crypto.subtle.importKey(
        "jwk",
        { kty: key.kty, crv: key.crv, x: key.x },
        { name: "Ed25519" },
        false,
        ["verify"],
      ),
    );
  }
  return { loadedAt: Date.now(), rows, jwks: { keys }, publicKeys };
}

export function keyRing(env: KeyRingEnv) {
  const repo = signingKeys(env.DB);

  async function load(): Promise<Snapshot> {
    let rows = await repo.all();
    if (rows.length === 0) {
      // A fresh deployment (or test database) gets its first key on first use. No grant exists yet, so
      // nobody needs to learn it in advance: it starts signing at once.
      await createKey(1, "active", "system:first-use");
      rows = await repo.all();
    }
    return buildSnapshot(rows);
  }

  async function snapshot(): Promise<Snapshot> {
    const cached = snapshots.get(env.DB);
    if (cached) {
      const value = await cached.catch(() => undefined);
      if (value && Date.now() - value.loadedAt < KEY_ROWS_TTL_MS) return value;
    }
    const loading = load();
    snapshots.set(env.DB, loading);
    loading.catch(() => snapshots.delete(env.DB));
    return loading;
  }

  async function createKey(version: number, status: "published" | "active", actor: string): Promise<boolean> {
    const kek = await keyEncryptionKey(env.KEY_ENCRYPTION_KEY);
    const wrapped = await createWrappedSigningKey(version, kek);
    return repo.insert({ version, ...wrapped, status, createdBy: actor, at: Math.floor(Date.now() / 1000) });
  }

  function forget(): void {
    snapshots.delete(env.DB);
  }

  return {
    async rows(): Promise<SigningKeyRow[]> {
      return (await snapshot()).rows;
    },

    async jwks(): Promise<Jwks> {
      return (await snapshot()).jwks;
    },

    /** Public keys by version, for verifying certificates on cards. */
    async publicKeys(): Promise<ReadonlyMap<number, CryptoKey>> {
      return (await snapshot()).publicKeys;
    },

    /** The key that signs grants and certificates now. */
    async signer(): Promise<Signer> {
      const active = (await snapshot()).rows.find((row) => row.status === "active");
      if (!active) throw new Error("no active signing key");
      const kek = await keyEncryptionKey(env.KEY_ENCRYPTION_KEY);
      if (active.kek_fingerprint !== kek.fingerprint) {
        throw new TesseraError(
          "service_unavailable",
          `Signing key ${active.version} was wrapped under another KEY_ENCRYPTION_KEY (fingerprint ${active.kek_fingerprint}, configured ${kek.fingerprint})`,
        );
      }
      const cacheKey = `${active.version}:${kek.fingerprint}:${active.wrapped_private_key}`;
      let privateKey = privateKeys.get(cacheKey);
      if (!privateKey) {
        privateKey = unwrapSigningKey(active.version, active.wrapped_private_key, kek);
        privateKeys.set(cacheKey, privateKey);
        privateKey.catch(() => privateKeys.delete(cacheKey));
      }
      return {
        version: active.version,
        kid: kidForVersion(active.version, "dual"),
        privateKey: await privateKey,
      };
    },

    /** Publishes version N+1 (in the JWKS, not signing yet). */
    async rotate(actor: string): Promise<SigningKeyRow> {
      const rows = await repo.all();
      const pending = rows.find((row) => row.status === "published");
      if (pending)
        throw new TesseraError(
          "key_rotation_invalid",
          `Key version ${pending.version} is already published and waiting to be activated`,
        );
      const next = Math.max(0, ...rows.map((row) => row.version)) + 1;
      if (next > MAX_KEY_VERSION)
        throw new TesseraError(
          "key_rotation_invalid",
          `Key versions end at ${MAX_KEY_VERSION} (one byte on cards)`,
        );
      if (!(await createKey(next, "published", actor)))
        throw new TesseraError(
          "key_rotation_invalid",
          "Another rotation happened at the same time; list the keys and retry",
        );
      forget();
      const created = (await repo.all()).find((row) => row.version === next);
      if (!created) throw new Error(`key version ${next} vanished after it was created`);
      return created;
    },

    /** Starts signing with a published key; throws `key_rotation_invalid` when the rules forbid it now. */
    async activate(version: number, policy: KeyPolicy, override: boolean): Promise<void> {
      const row = (await repo.all()).find((candidate) => candidate.version === version);
      if (!row) throw new TesseraError("not_found", `No key version ${version}`);
      const now = Math.floor(Date.now() / 1000);
      const refusal = activationRefusal(factsOf(row), policy, now, override);
      if (refusal)
        throw new TesseraError("key_rotation_invalid", refusal.detail, {
          refusal: refusal.reason,
          ...(refusal.reason === "too_early"
            ? { activatableAt: new Date(refusal.activatableAt * 1000).toISOString() }
            : {}),
        });
      if (!(await repo.activate(version, now)))
        throw new TesseraError(
          "key_rotation_invalid",
          "The key changed state meanwhile; list the keys and retry",
        );
      forget();
    },

    /** Retires every superseded key nothing valid depends on any more; returns the versions retired. */
    async retireExpired(policy: Pick<KeyPolicy, "acceptedVersions">): Promise<number[]> {
      const now = Math.floor(Date.now() / 1000);
      const rows = await repo.all();
      if (!rows.some((row) => row.status === "previous")) return [];
      const use = await issuedGrants(env.DB).liveUseByKey(now);
      const retired: number[] = [];
      for (const row of rows) {
        if (!retirable(factsOf(row), use.get(row.version)?.last_expiry, policy, now)) continue;
        if (await repo.retire(row.version, now)) retired.push(row.version);
      }
      if (retired.length > 0) forget();
      return retired;
    },

    forget,
  };
}
export type KeyRing = ReturnType<typeof keyRing>;
