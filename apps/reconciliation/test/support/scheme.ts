/**
 * Real terminals for tests: the fixture's seeded device keys, certificates signed by the fixture's backend
 * key, session grants (JWTs) the Worker verifies against the stand-in's JWKS, and the protocol's own card
 * operations writing virtual cards — so every signature a test uploads is genuine.
 */
import { env } from "cloudflare:workers";
import {
  type Ed25519Jwk,
  exportPublicKeyRaw,
  type GrantScope,
  issueCertificate,
  jwkThumbprint,
  kidForVersion,
  type Operation,
  type OperationRequest,
  publicKeyToJwk,
  ROLE_CEILING,
  type SessionGrantClaims,
  signEvent,
  signGrant,
  type TerminalEvent,
} from "@tessera/protocol";
import {
  createTestScheme,
  seededKeyPair,
  type TestScheme,
  type TestTerminal,
  tapVirtualCard,
} from "@tessera/protocol/testing";
import type { VirtualNtag, WriteOptions } from "@tessera/protocol/virtual-card";
import type { FixtureTerminal } from "./fixture.ts";

export const HOUR = 3600;
export const DAY = 86_400;
export const nowSeconds = () => Math.floor(Date.now() / 1000);
export const hourFloor = (at: number) => Math.floor(at / HOUR) * HOUR;

const fixture = env.TEST_FIXTURE;

export function fixtureTerminal(terminalId: string): FixtureTerminal {
  const found = fixture.terminals.find((t) => t.terminalId === terminalId);
  if (!found) throw new Error(`no fixture terminal ${terminalId}`);
  return found;
}

async function backendKey() {
  return seededKeyPair(fixture.backend.seed);
}

/** A protocol test scheme whose backend key is the fixture's, so cards verify against the stand-in's JWKS. */
export async function testScheme(): Promise<TestScheme> {
  const scheme = await createTestScheme();
  const backend = await backendKey();
  scheme.keys.set(1, backend.publicKey);
  scheme.signingKeys.set(1, backend.privateKey);
  return scheme;
}

export interface Device {
  terminalId: string;
  terminalNumber: number;
  role: FixtureTerminal["role"];
  privateKey: CryptoKey;
  publicJwk: Ed25519Jwk;
  jkt: string;
}

export async function deviceOf(terminalId: string): Promise<Device> {
  const spec = fixtureTerminal(terminalId);
  const pair = await seededKeyPair(spec.seed);
  const publicJwk = await publicKeyToJwk(pair.publicKey);
  return {
    terminalId,
    terminalNumber: spec.terminalNumber,
    role: spec.role,
    privateKey: pair.privateKey,
    publicJwk,
    jkt: await jwkThumbprint(publicJwk),
  };
}

export interface SignedGrant {
  token: string;
  claims: SessionGrantClaims;
}

export async function signTestGrant(
  device: Device,
  options: Partial<Omit<SessionGrantClaims, "cnf">> = {},
): Promise<SignedGrant> {
  const now = nowSeconds();
  const claims: SessionGrantClaims = {
    iss: "tessera-grants-test",
    sub: device.terminalId,
    aud: "tessera",
    iat: now - 60,
    nbf: hourFloor(now) - 3 * DAY,
    exp: now + DAY,
    jti: `grt_${crypto.randomUUID()}`,
    cnf: { jkt: device.jkt },
    tid: device.terminalNumber,
    gseq: 1,
    role: device.role,
    ops: [...ROLE_CEILING[device.role]],
    limits: { perTransaction: 10_000, cumulativeValue: 1_000_000, cumulativeCount: 10_000 },
    loc: "hall",
    pv: 1,
    dlv: 0,
    kv: 1,
    ...options,
  };
  const backend = await backendKey();
  return {
    token: await signGrant(claims, { privateKey: backend.privateKey, kid: kidForVersion(1, "dual") }),
    claims,
  };
}

/** A terminal ready to tap cards and upload: device, grant JWT, certificate and the protocol's TestTerminal. */
export interface TerminalSetup {
  device: Device;
  grant: SignedGrant;
  terminal: TestTerminal;
}

export interface SetupOptions {
  /** Certificate window; defaults to three days back through four days ahead. */
  validFrom?: number;
  validHours?: number;
  /** Operations in the certificate and the terminal's local scope (defaults: the role's ceiling). */
  operations?: Operation[];
  /** Claims of the JWT the events name (its window, operations, limits). */
  grant?: Partial<Omit<SessionGrantClaims, "cnf">>;
  /** The terminal's own idea of its grant, when a test makes it act outside the real one. */
  localScope?: Partial<GrantScope>;
  /** Write a different terminal number into certificates and events (an impostor). */
  terminalNumber?: number;
}

export async function setupTerminal(terminalId: string, options: SetupOptions = {}): Promise<TerminalSetup> {
  const device = await deviceOf(terminalId);
  const operations = options.operations ?? [...ROLE_CEILING[device.role]];
  const grant = await signTestGrant(device, {
    ops: operations.filter((op) => ROLE_CEILING[device.role].includes(op)),
    ...options.grant,
  });
  const validFrom = options.validFrom ?? hourFloor(nowSeconds()) - 3 * DAY;
  const validHours = options.validHours ?? 7 * 24;
  const terminalNumber = options.terminalNumber ?? device.terminalNumber;
  const backend = await backendKey();
  const pair = await seededKeyPair(fixtureTerminal(terminalId).seed);
  const certificate = await issueCertificate(
    {
      terminalNumber,
      operations,
      validFrom,
      validHours,
      keyVersion: 1,
      publicKey: await exportPublicKeyRaw(pair.publicKey),
    },
    backend.privateKey,
  );
  return {
    device,
    grant,
    terminal: {
      role: device.role,
      credentials: { terminalId, terminalNumber, certificate, deviceKey: device.privateKey },
      grant: {
        grantId: grant.claims.jti,
        grantSeq: grant.claims.gseq,
        operations,
        limits: { perTransaction: 1_000_000, cumulativeValue: 100_000_000, cumulativeCount: 1_000_000 },
        notBefore: Math.min(grant.claims.nbf, validFrom),
        expiresAt: Math.max(grant.claims.exp, validFrom + validHours * HOUR),
        ...options.localScope,
      },
      usage: { value: 0, count: 0 },
      seq: 0,
    },
  };
}

export interface Tap {
  event: TerminalEvent;
  torn: boolean;
}

/** One tap with the protocol's own operation code; a torn write is recorded as `uncertain`, as terminals do. */
export async function tap(
  scheme: TestScheme,
  setup: TerminalSetup,
  card: VirtualNtag,
  request: OperationRequest,
  options: { now?: number; write?: WriteOptions } = {},
): Promise<Tap> {
  const outcome = await tapVirtualCard(scheme, setup.terminal, card, request, {
    now: options.now ?? nowSeconds(),
    ...(options.write ? { write: options.write } : {}),
  });
  if (!outcome.result.ok)
    throw new Error(`tap refused: ${outcome.result.refusal.code} (${outcome.result.refusal.detail})`);
  const torn = outcome.torn !== undefined;
  const event = torn
    ? await resign(setup, { ...outcome.result.event, outcome: "uncertain" })
    : outcome.result.event;
  return { event, torn };
}

/**
 * A write torn before it changes anything: the card keeps its state, and the terminal, which cannot confirm
 * the write, records the tap as `uncertain` (as it uploads one whose card never came back).
 */
export async function unconfirmedTap(
  scheme: TestScheme,
  setup: TerminalSetup,
  card: VirtualNtag,
  request: OperationRequest,
): Promise<TerminalEvent> {
  const torn = await tap(scheme, setup, card, request, { write: { tear: { atPage: 0, model: "cut" } } });
  if (!torn.torn || torn.event.outcome !== "uncertain") throw new Error("the write was not left unconfirmed");
  return torn.event;
}

/** Signs an event again with the terminal's device key (for tests that make a terminal lie). */
export async function resign(setup: TerminalSetup, event: Record<string, unknown>): Promise<TerminalEvent> {
  const { sig: _sig, ...fields } = event;
  return signEvent(fields as never, setup.device.privateKey);
}
