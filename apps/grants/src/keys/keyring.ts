/**
 * The grants Worker's signing keys as the rest of the Worker uses them: the active signers (one key for
 * grants, another for certificates, ADR 0004), the JWKS and the certificate key set, the certificate keys
 * by version, and the rotation steps. Key rows are read from D1 at most every 30 s per isolate; unwrapped
 * private keys are cached per isolate for as long as it lives.
 */
import {
  type CertificateKeySet,
  type Jwks,
  JwksKey,
  type KeyUse,
  keysByVersion,
  kidForVersion,
  TesseraError,
} from "@tessera/protocol";
import { issuedGrants } from "../db/issued-grants.ts";
import { isDualPurpose, type SigningKeyRow, signingKeys } from "../db/signing-keys.ts";
import {
  activationRefusal,
  isPublished,
  type KeyFacts,
  type KeyPolicy,
  MAX_KEY_VERSION,
  retirable,
} from "../domain/key-lifecycle.ts";
import {
  createWrappedSigningKey,
  type KeyEncryptionKey,
  keyEncryptionKey,
  unwrapSigningKey,
} from "./key-wrap.ts";

/** How long an isolate trusts its copy of the key rows; bounds how long it signs with a superseded key. */
const KEY_ROWS_TTL_MS = 30_000;

export interface KeyRingEnv {
  DB: D1Database;
  KEY_ENCRYPTION_KEY: string;
}

/**
 * What signs now, for each job. For a legacy dual-purpose version both are its one key; for every version
 * made since, two keys that never stand in for each other.
 */
export interface Signers {
  version: number;
  dualPurpose: boolean;
  grant: { kid: string; privateKey: CryptoKey };
  certificate: { privateKey: CryptoKey };
}

interface Snapshot {
  loadedAt: number;
  rows: SigningKeyRow[];
  /** Keys that verify grants: grant keys and legacy dual-purpose keys. */
  jwks: Jwks;
  /** Keys that verify certificates: certificate keys and legacy dual-purpose keys. */
  certificateKeySet: CertificateKeySet;
  certificateKeys: Map<number, CryptoKey>;
}

/** A version's two published entries: the grant key's and the certificate key's (one key, twice, if legacy). */
export function publishedKeysOf(row: SigningKeyRow): { grant: JwksKey; certificate: JwksKey } {
  const entry = (x: string, use: KeyUse) =>
    JwksKey.parse({
      kty: "OKP",
      crv: "Ed25519",
      x,
      kid: kidForVersion(row.version, use),
      alg: "EdDSA",
      use: "sig",
    });
  if (isDualPurpose(row)) {
    const dual = entry(row.public_key_x, "dual");
    return { grant: dual, certificate: dual };
  }
  return {
    grant: entry(row.public_key_x, "grant"),
    certificate: entry(row.certificate_public_key_x!, "certificate"),
  };
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
  const published = rows.filter((row) => isPublished(row.status)).map(publishedKeysOf);
  const jwks = { keys: published.map((keys) => keys.grant) };
  const certificateKeySet = { keys: published.map((keys) => keys.certificate) };
  return {
    loadedAt: Date.now(),
    rows,
    jwks,
    certificateKeySet,
    certificateKeys: await keysByVersion(certificateKeySet, "certificate"),
  };
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

  /** Creates both keys of a version, each wrapped under the KEK for its own use, in one row. */
  async function createKey(version: number, status: "published" | "active", actor: string): Promise<boolean> {
    const kek = await keyEncryptionKey(env.KEY_ENCRYPTION_KEY);
    const [grant, certificate] = await Promise.all([
      createWrappedSigningKey(version, "grant", kek),
      createWrappedSigningKey(version, "certificate", kek),
    ]);
    return repo.insert({
      version,
      grant: { publicKeyX: grant.publicKeyX, wrapped: grant.wrapped },
      certificate: { publicKeyX: certificate.publicKeyX, wrapped: certificate.wrapped },
      kekFingerprint: kek.fingerprint,
      status,
      createdBy: actor,
      at: Math.floor(Date.now() / 1000),
    });
  }

  function unwrapped(
    version: number,
    use: KeyUse,
    wrapped: string,
    kek: KeyEncryptionKey,
  ): Promise<CryptoKey> {
    const cacheKey = `${version}:${use}:${kek.fingerprint}:${wrapped}`;
    let privateKey = privateKeys.get(cacheKey);
    if (!privateKey) {
      privateKey = unwrapSigningKey(version, use, wrapped, kek);
      privateKeys.set(cacheKey, privateKey);
      privateKey.catch(() => privateKeys.delete(cacheKey));
    }
    return privateKey;
  }

  function forget(): void {
    snapshots.delete(env.DB);
  }

  return {
    async rows(): Promise<SigningKeyRow[]> {
      return (await snapshot()).rows;
    },

    /** The keys that verify grants, as GET /.well-known/jwks.json serves them. */
    async jwks(): Promise<Jwks> {
      return (await snapshot()).jwks;
    },

    /** The keys that verify certificates, as GET /.well-known/tessera-certificate-keys.json serves them. */
    async certificateKeySet(): Promise<CertificateKeySet> {
      return (await snapshot()).certificateKeySet;
    },

    /** Certificate keys by version, for verifying cards. */
    async certificateKeys(): Promise<ReadonlyMap<number, CryptoKey>> {
      return (await snapshot()).certificateKeys;
    },

    /** The keys that sign grants and certificates now. */
    async signers(): Promise<Signers> {
      const active = (await snapshot()).rows.find((row) => row.status === "active");
      if (!active) throw new Error("no active signing key");
      const kek = await keyEncryptionKey(env.KEY_ENCRYPTION_KEY);
      if (active.kek_fingerprint !== kek.fingerprint) {
        throw new TesseraError(
          "service_unavailable",
          `Signing key ${active.version} was wrapped under another KEY_ENCRYPTION_KEY (fingerprint ${active.kek_fingerprint}, configured ${kek.fingerprint})`,
        );
      }
      const { version } = active;
      if (isDualPurpose(active)) {
        const privateKey = await unwrapped(version, "dual", active.wrapped_private_key, kek);
        return {
          version,
          dualPurpose: true,
          grant: { kid: kidForVersion(version, "dual"), privateKey },
          certificate: { privateKey },
        };
      }
      const [grantKey, certificateKey] = await Promise.all([
        unwrapped(version, "grant", active.wrapped_private_key, kek),
        unwrapped(version, "certificate", active.certificate_wrapped_private_key!, kek),
      ]);
      return {
        version,
        dualPurpose: false,
        grant: { kid: kidForVersion(version, "grant"), privateKey: grantKey },
        certificate: { privateKey: certificateKey },
      };
    },

    /**
     * Publishes version N+1, both its keys (in the JWKS and the certificate key set, not signing yet).
     * `check` sees the versions N+1 joins once the rotation rules allow it, and may refuse by throwing.
     */
    async rotate(
      actor: string,
      check?: (rows: readonly SigningKeyRow[]) => Promise<void>,
    ): Promise<SigningKeyRow> {
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
      await check?.(rows);
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
