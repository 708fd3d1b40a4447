/**
 * The session grant's life on the terminal: accept one only after checking it and its certificate against
 * this device, decide when to fetch the next, and adopt it without ever dropping a grant still in force
 * for one that cannot be used yet.
 */
import {
  type CertificateKeySet,
  DEFAULT_POLICY,
  decodeCertificate,
  equalBytes,
  exportPublicKeyRaw,
  fromBase64Url,
  type GrantScope,
  type Jwks,
  keysByVersion,
  type SessionGrantClaims,
  verifyCertificate,
  verifyGrant,
} from "@tessera/protocol";
import { GrantAnswer, PATHS } from "../backend/contract.ts";
import { EngineError, errorMessage } from "../errors.ts";
import {
  type ActiveGrant,
  grantInForce,
  nowSeconds,
  publishGrant,
  type Runtime,
  recordError,
} from "../runtime.ts";
import { CURRENT, inTransaction, type TerminalDatabase } from "../storage/database.ts";
import type { DeviceRecord, GrantRecord, TerminalRecord } from "../storage/records.ts";
import { syncDenyList } from "../sync/deny-list.ts";

/**
 * What the terminal may do under a grant, by its own clock. The start is brought forward by the policy's
 * clock-skew allowance, so a terminal whose clock runs a little behind the backend's can use a grant the
 * moment it arrives (the backend and reconciliation allow the same skew); the end stays the grant's own
 * `exp`, so no allowance ever makes a grant last longer than policy says.
 */
export function grantScope(claims: SessionGrantClaims, clockSkewSeconds: number): GrantScope {
  return {
    grantId: claims.jti,
    grantSeq: claims.gseq,
    operations: claims.ops,
    limits: {
      perTransaction: claims.limits.perTransaction,
      cumulativeValue: claims.limits.cumulativeValue,
      cumulativeCount: claims.limits.cumulativeCount,
    },
    notBefore: claims.nbf - Math.max(0, clockSkewSeconds),
    expiresAt: claims.exp,
    locationId: claims.loc,
  };
}

/**
 * The keys that verify certificates: the set the backend sent with the grant, or, from a backend (or a grant
 * stored) before keys were split (ADR 0004), the JWKS, of which `keysByVersion(…, "certificate")` reads only
 * the legacy dual-purpose keys.
 */
function certificateKeysOf(from: {
  jwks: Jwks;
  certificateKeys?: CertificateKeySet | undefined;
}): CertificateKeySet {
  return from.certificateKeys ?? from.jwks;
}

export async function activateGrant(record: GrantRecord, clockSkewSeconds: number): Promise<ActiveGrant> {
  return {
    record,
    scope: grantScope(record.claims, clockSkewSeconds),
    keys: await keysByVersion(certificateKeysOf(record), "certificate"),
  };
}

export async function loadGrant(
  db: TerminalDatabase,
  clockSkewSeconds: number,
): Promise<ActiveGrant | undefined> {
  const record = await db.get("grant", CURRENT);
  return record ? activateGrant(record, clockSkewSeconds) : undefined;
}

/**
 * When to fetch the next grant: once inside the policy's refresh margin before expiry, or earlier if the
 * server asks (a key rotation, say). A margin as long as the lifetime would mean refreshing at once and
 * forever, so never before halfway through the grant's life.
 */
export function grantRefreshAt(
  claims: Pick<SessionGrantClaims, "iat" | "exp">,
  marginSeconds: number,
  serverRefreshAt?: number,
): number {
  const halfway = claims.iat + Math.floor((claims.exp - claims.iat) / 2);
  const byMargin = Math.max(claims.exp - marginSeconds, halfway);
  return serverRefreshAt === undefined ? byMargin : Math.min(serverRefreshAt, byMargin);
}

/**
 * Checks a grant answer for this device before anything acts on it: the grant's signature, window and key
 * binding; that it names this terminal; and that the certificate (which goes onto every card this terminal
 * writes) is the backend's, for this terminal number and this device key.
 */
export async function acceptGrant(
  answer: GrantAnswer,
  device: DeviceRecord,
  terminal: TerminalRecord,
  now: number,
  clockSkewSeconds: number,
): Promise<{ record: Omit<GrantRecord, "refreshAt">; keys: Map<number, CryptoKey> }> {
  const verdict = await verifyGrant(answer.grant, answer.jwks, {
    now,
    expectedJkt: device.jkt,
    clockSkewSeconds,
  });
  if (!verdict.ok)
    throw new EngineError("grant_rejected", `the backend's grant was refused: ${verdict.reason}`);
  const claims = verdict.claims;
  if (claims.sub !== terminal.terminalId || claims.tid !== terminal.terminalNumber) {
    throw new EngineError("grant_rejected", "the grant names another terminal");
  }
  const certificate = fromBase64Url(answer.certificate);
  let decoded: ReturnType<typeof decodeCertificate>;
  try {
    decoded = decodeCertificate(certificate);
  } catch (error) {
    throw new EngineError("grant_rejected", `the terminal certificate is malformed: ${errorMessage(error)}`);
  }
  const keys = await keysByVersion(certificateKeysOf(answer), "certificate");
  const backendKey = keys.get(decoded.keyVersion);
  if (!backendKey || !(await verifyCertificate(decoded, backendKey))) {
    throw new EngineError(
      "grant_rejected",
      "the terminal certificate is not signed by a published certificate key",
    );
  }
  if (decoded.terminalNumber !== claims.tid) {
    throw new EngineError("grant_rejected", "the terminal certificate is for another terminal number");
  }
  if (!equalBytes(decoded.publicKey, await exportPublicKeyRaw(device.keyPair.publicKey))) {
    throw new EngineError("grant_rejected", "the terminal certificate is for another device key");
  }
  const record = {
    token: answer.grant,
    claims,
    certificate,
    jwks: answer.jwks,
    ...(answer.certificateKeys ? { certificateKeys: answer.certificateKeys } : {}),
    receivedAt: now,
  };
  return { record, keys };
}

/**
 * Fetches, checks and adopts a new grant. The grant says which deny-list version the terminal must hold;
 * if the list cannot be brought that far and the current grant is still in force, the current one is kept
 * and this counts as a failed refresh. A grant that fails any check is never stored.
 */
export async function refreshGrant(rt: Runtime): Promise<ActiveGrant> {
  const { device, terminal } = rt;
  if (!device || !terminal) throw new EngineError("not_enrolled", "enrol this terminal first");
  const body = await rt.client.json("grants", "POST", PATHS.grants, {
    credentials: { privateKey: device.keyPair.privateKey, publicJwk: device.publicJwk },
    proof: true,
    body: { terminalId: terminal.terminalId },
  });
  const answer = GrantAnswer.parse(body);
  const now = nowSeconds(rt);
  const policy = rt.policy?.document ?? DEFAULT_POLICY;
  const { record: accepted, keys } = await acceptGrant(
    answer,
    device,
    terminal,
    now,
    policy.clockSkewSeconds,
  );
  const record: GrantRecord = {
    ...accepted,
    refreshAt: grantRefreshAt(accepted.claims, policy.grant.refreshMarginSeconds, answer.refreshAt),
  };
  const next: ActiveGrant = { record, scope: grantScope(record.claims, policy.clockSkewSeconds), keys };

  if (rt.denyList.version < record.claims.dlv) {
    try {
      await syncDenyList(rt, {
        privateKey: device.keyPair.privateKey,
        publicJwk: device.publicJwk,
        grant: record.token,
      });
    } catch (error) {
      await recordError(rt, "deny_list_sync_failed", error);
    }
    const current = rt.grant;
    if (
      rt.denyList.version < record.claims.dlv &&
      grantInForce(current, now) &&
      current.scope.grantId !== next.scope.grantId
    ) {
      throw new EngineError(
        "deny_list_behind",
        `the new grant needs deny list ${record.claims.dlv}, this terminal has ${rt.denyList.version}`,
      );
    }
  }

  const usage = await inTransaction(rt.db, ["grant", "offlineUsage"], "readwrite", async (tx) => {
    await tx.objectStore("grant").put(record, CURRENT);
    // Limits are per grant: rows of other grants are history (the events carry it), except that a
    // repeat answer with the same grant (served from the edge cache) keeps counting where it was.
    const usageStore = tx.objectStore("offlineUsage");
    for (const key of await usageStore.getAllKeys())
      if (key !== next.scope.grantId) await usageStore.delete(key);
    return usageStore.get(next.scope.grantId);
  });
  rt.grant = next;
  // A repeat of the grant in force keeps counting where this terminal is: its newest taps may still be in the
  // outbox, not yet folded into the stored usage.
  rt.usage =
    rt.usage?.grantId === next.scope.grantId && rt.usage.count > (usage?.count ?? -1) ? rt.usage : usage;
  publishGrant(rt);
  return next;
}
