/**
 * Grants for an authenticated, active terminal: the cached grant while it is fresh, otherwise a new
 * one — next sequence number, claims from the current policy's role section, the card certificate
 * signed with the same key version's certificate key, recorded in D1 and cached in KV for the next request.
 */
import {
  type CertificateKeySet,
  fromBase64Url,
  issueCertificate,
  type Jwks,
  signGrant,
  TesseraError,
  toBase64Url,
} from "@tessera/protocol";
import { denyList } from "../db/deny-list.ts";
import { issuedGrants } from "../db/issued-grants.ts";
import { type TerminalRow, terminals } from "../db/terminals.ts";
import { grantTerms } from "../domain/grant-terms.ts";
import { isPublished } from "../domain/key-lifecycle.ts";
import { newId } from "../ids.ts";
import { keyRing } from "../keys/keyring.ts";
import { type CachedGrant, grantCache } from "../kv/grant-cache.ts";
import { currentPolicy } from "../policy-source.ts";
import type { GrantResponse } from "../schemas/grants.ts";

export interface GrantIssuerEnv {
  DB: D1Database;
  GRANTS_KV: KVNamespace;
  POLICY: Fetcher;
  KEY_ENCRYPTION_KEY: string;
}

export interface GrantOutcome {
  response: GrantResponse;
  /** True when a new grant was signed; false when the cached one was still fresh. */
  issued: boolean;
  cached: CachedGrant;
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

interface PublishedSets {
  jwks: Jwks;
  certificateKeys: CertificateKeySet;
}

function responseOf(entry: CachedGrant, terminal: TerminalRow, sets: PublishedSets): GrantResponse {
  return {
    grant: entry.grant,
    certificate: entry.certificate,
    terminalId: terminal.id,
    terminalNumber: terminal.number,
    grantSeq: entry.gseq,
    keyVersion: entry.keyVersion,
    policyVersion: entry.policyVersion,
    denyListVersion: entry.denyListVersion,
    jwks: sets.jwks,
    certificateKeys: sets.certificateKeys,
    issuedAt: iso(entry.issuedAt),
    expiresAt: iso(entry.expiresAt),
    refreshAt: iso(entry.refreshAt),
  };
}

export function grantIssuer(env: GrantIssuerEnv) {
  const keys = keyRing(env);
  const cache = grantCache(env.GRANTS_KV);
  const published = async (): Promise<PublishedSets> => {
    const [jwks, certificateKeys] = await Promise.all([keys.jwks(), keys.certificateKeySet()]);
    return { jwks, certificateKeys };
  };

  async function issue(terminal: TerminalRow, issuer: string, now: number): Promise<CachedGrant> {
    const policy = await currentPolicy(env.POLICY);
    const signers = await keys.signers();
    const [seq, state] = await env.DB.batch([
      terminals(env.DB).nextGrantSeqStatement(terminal.id, now),
      denyList(env.DB).versionStatement(),
    ]);
    const gseqRow = seq!.results[0] as { grant_seq?: unknown } | undefined;
    // The terminal stopped being active between the status check and now.
    if (typeof gseqRow?.grant_seq !== "number")
      throw new TesseraError("terminal_suspended", "This terminal is no longer active");
    const denyListVersion = denyList(env.DB).parseVersion(state);
    const grantId = newId("grt");
    const terms = grantTerms({
      subject: {
        terminalId: terminal.id,
        terminalNumber: terminal.number,
        role: terminal.role,
        locationId: terminal.location_id,
        jkt: terminal.jkt,
      },
      policy,
      keyVersion: signers.version,
      denyListVersion,
      gseq: gseqRow.grant_seq,
      grantId,
      issuer,
      now,
    });
    // Each job with its own key of the version (one key for both only while a legacy version is active).
    const [grant, certificate] = await Promise.all([
      signGrant(terms.claims, signers.grant),
      issueCertificate(
        {
          terminalNumber: terminal.number,
          operations: terms.certificate.operations,
          validFrom: terms.certificate.validFrom,
          validHours: terms.certificate.validHours,
          keyVersion: signers.version,
          publicKey: fromBase64Url(terminal.public_key_x),
        },
        signers.certificate.privateKey,
      ),
    ]);
    const certificateValidUntil = terms.certificate.validFrom + terms.certificate.validHours * 3600;
    await issuedGrants(env.DB)
      .insertStatement({
        id: grantId,
        terminalId: terminal.id,
        gseq: terms.claims.gseq,
        keyVersion: signers.version,
        policyVersion: policy.version,
        denyListVersion,
        issuedAt: now,
        notBefore: terms.claims.nbf,
        expiresAt: terms.claims.exp,
        certificateValidUntil,
      })
      .run();
    const entry: CachedGrant = {
      terminalId: terminal.id,
      jkt: terminal.jkt,
      grantId,
      grant,
      certificate: toBase64Url(certificate),
      gseq: terms.claims.gseq,
      keyVersion: signers.version,
      policyVersion: policy.version,
      denyListVersion,
      issuedAt: now,
      expiresAt: terms.claims.exp,
      refreshAt: terms.refreshAt,
    };
    await cache.put(entry, now);
    return entry;
  }

  return {
    /**
     * The cached grant for `terminal` while it is fresh: before its refresh time, bound to the same
     * device key, under the current policy and signed by a key still published. Null when a new one is due.
     */
    async cached(terminal: TerminalRow): Promise<GrantOutcome | null> {
      const now = Math.floor(Date.now() / 1000);
      const [entry, policy, rows, sets] = await Promise.all([
        cache.get(terminal.id),
        currentPolicy(env.POLICY),
        keys.rows(),
        published(),
      ]);
      const fresh =
        entry !== null &&
        now < entry.refreshAt &&
        entry.jkt === terminal.jkt &&
        entry.policyVersion === policy.version &&
        rows.some((row) => row.version === entry.keyVersion && isPublished(row.status));
      return fresh ? { response: responseOf(entry, terminal, sets), issued: false, cached: entry } : null;
    },

    /** Signs, records and caches a new grant for `terminal` (already authenticated and checked active). */
    async issue(terminal: TerminalRow, issuer: string): Promise<GrantOutcome> {
      const entry = await issue(terminal, issuer, Math.floor(Date.now() / 1000));
      return { response: responseOf(entry, terminal, await published()), issued: true, cached: entry };
    },
  };
}
