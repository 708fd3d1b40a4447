/**
 * The grants Worker as reconciliation uses it over the `GRANTS` service binding (RPC to `GrantsService`):
 * the terminal directory (device keys, revocation), the JWKS (grant keys), the certificate key set, and
 * deny-list additions.
 */
import {
  CertificateKeySet,
  type DenyReason,
  Ed25519PublicJwk,
  Jwks,
  type JwksKey,
  keysByVersion,
  Role,
  TesseraError,
} from "@tessera/protocol";
import type { AuditActor } from "@tessera/service-kit";
import { z } from "zod";

const Instant = z.union([z.int(), z.iso.datetime({ offset: true }), z.null()]).optional();

/**
 * A terminal as the grants Worker describes it; times may come as epoch seconds or ISO 8601. `revokedFrom` is
 * when its writes stop being trusted (its deny-list entry's `effectiveFrom`, possibly before `revokedAt`).
 */
export const GrantsTerminal = z.looseObject({
  terminalId: z.string().min(1),
  terminalNumber: z.int().min(1),
  publicKeyJwk: Ed25519PublicJwk,
  status: z.string(),
  revokedAt: Instant,
  revokedFrom: Instant,
  role: Role,
  locationId: z.string().nullable().optional(),
});
export type GrantsTerminal = z.infer<typeof GrantsTerminal>;

export interface DenyEntryRequest {
  kind: "card" | "terminal";
  id: string;
  reason: DenyReason;
  note: string;
  actor: AuditActor;
}

/** The RPC surface of the grants Worker's `GrantsService` entrypoint that reconciliation calls. */
export interface GrantsRpc {
  terminal(terminalNumber: number): Promise<unknown>;
  jwks(): Promise<unknown>;
  certificateKeys(): Promise<unknown>;
  addDenyEntry(entry: DenyEntryRequest): Promise<unknown>;
}

export function grantsRpc(env: { GRANTS: unknown }): GrantsRpc {
  return env.GRANTS as GrantsRpc;
}

function epochSeconds(value: number | string | null | undefined): number | null {
  if (value === undefined || value === null) return null;
  return typeof value === "number" ? value : Math.floor(Date.parse(value) / 1000);
}

/**
 * Epoch seconds from which the terminal's writes are flagged `revoked_terminal`: its deny-list entry's
 * `effectiveFrom` as every card reader enforces it, else the revocation itself; null while not revoked.
 */
export function revokedFromSeconds(terminal: GrantsTerminal): number | null {
  return epochSeconds(terminal.revokedFrom) ?? epochSeconds(terminal.revokedAt);
}

interface Cached<T> {
  value: T;
  until: number;
}

// Per-isolate caches. A terminal lookup is kept 30 s for deciding whether a request may be answered at all
// (a report, an upload from a terminal the directory knows), where a revocation half a minute late costs
// nothing: an upload is accepted from a revoked terminal anyway. Whatever judges what a terminal may do now,
// or whether its writes came after its revocation, reads the directory afresh (`fresh`).
const TERMINAL_TTL_MS = 30_000;
// The JWKS changes only on key rotation, which publishes a key a whole grant lifetime before use.
const JWKS_TTL_MS = 60_000;
const terminals = new Map<number, Cached<GrantsTerminal | null>>();
let jwksCache: Cached<{ jwks: Jwks; keys: Map<number, CryptoKey> }> | undefined;
const deviceKeys = new Map<string, CryptoKey>();

/**
 * The terminal with this number, or null when the grants Worker does not know it. `fresh` asks the directory
 * even when a cached answer is at hand, and never falls back to one: a stale answer could miss a revocation,
 * and the caller (an upload) is safely retried later.
 */
export async function lookupTerminal(
  rpc: GrantsRpc,
  terminalNumber: number,
  options: { fresh?: boolean } = {},
): Promise<GrantsTerminal | null> {
  const now = Date.now();
  const hit = terminals.get(terminalNumber);
  if (hit && hit.until > now && !options.fresh) return hit.value;
  let raw: unknown;
  try {
    raw = await rpc.terminal(terminalNumber);
  } catch (error) {
    // A lookup a little past its 30 s beats refusing a terminal whose grant and proof already verified.
    if (hit && !options.fresh) return hit.value;
    throw upstreamFailure("terminal directory", error);
  }
  const parsed = raw === null || raw === undefined ? null : GrantsTerminal.parse(raw);
  if (terminals.size > 10_000) terminals.clear();
  terminals.set(terminalNumber, { value: parsed, until: now + TERMINAL_TTL_MS });
  return parsed;
}

/**
 * What this isolate last heard of the terminal with this number, while that answer is within its 30 s;
 * undefined when it has none. Never a substitute for asking: see `lookupTerminal`'s `fresh`.
 */
export function knownTerminal(terminalNumber: number): GrantsTerminal | null | undefined {
  const hit = terminals.get(terminalNumber);
  return hit && hit.until > Date.now() ? hit.value : undefined;
}

/**
 * The JWKS, which verifies grants, and the certificate keys by version, which verify the certificates in
 * uploaded slots: two sets, so a grant key never verifies a certificate nor the reverse (ADR 0004).
 */
export async function backendKeys(rpc: GrantsRpc): Promise<{ jwks: Jwks; keys: Map<number, CryptoKey> }> {
  const now = Date.now();
  if (jwksCache && jwksCache.until > now) return jwksCache.value;
  let raw: [unknown, unknown];
  try {
    raw = await Promise.all([rpc.jwks(), rpc.certificateKeys()]);
  } catch (error) {
    if (jwksCache) return jwksCache.value;
    throw upstreamFailure("JWKS", error);
  }
  const jwks = Jwks.parse(raw[0]);
  const keys = await keysByVersion(CertificateKeySet.parse(raw[1]), "certificate");
  jwksCache = { value: { jwks, keys }, until: now + JWKS_TTL_MS };
  return jwksCache.value;
}

/** The terminal's device public key, imported once per isolate. */
export async function deviceKeyOf(terminal: GrantsTerminal): Promise<CryptoKey> {
  const cacheKey = `${terminal.terminalId}:${terminal.publicKeyJwk.x}`;
  let key = deviceKeys.get(cacheKey);
  if (!key) {
    key = await importJwk(terminal.publicKeyJwk);
    if (deviceKeys.size > 10_000) deviceKeys.clear();
    deviceKeys.set(cacheKey, key);
  }
  return key;
}

function importJwk(jwk: Ed25519PublicJwk | JwksKey): Promise<CryptoKey> {
  return crypto.subtle.importKey("jwk", { kty: "OKP", crv: "Ed25519", x: jwk.x }, { name: "Ed25519" }, true, [
    "verify",
  ]);
}

function upstreamFailure(what: string, error: unknown): TesseraError {
  console.error(JSON.stringify({ level: "error", event: "grants_unavailable", what, error: String(error) }));
  return new TesseraError("service_unavailable", `The grants service did not answer (${what}); retry later`);
}

/** Forgets cached lookups (tests that change the stub's answers). */
export function forgetGrantsCaches(): void {
  terminals.clear();
  jwksCache = undefined;
}
