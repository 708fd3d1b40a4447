/**
 * A complete, self-contained card scheme for tests, committed vectors, demo mode and the simulator: a
 * backend certificate key per version, terminals with device keys and certificates, grants and a policy view.
 * It uses the same functions the real services use; nothing here is a shortcut around verification.
 */

import { issueCertificate } from "../card/certificate.ts";
import { cardImageFromRead, cardRecords } from "../card/read.ts";
import { exportPublicKeyRaw, generateSigningKeyPair } from "../crypto/ed25519.ts";
import { type Operation, ROLE_CEILING, type Role } from "../domain/operation.ts";
import {
  applyOperation,
  type GrantScope,
  type OfflineUsage,
  type OperationPolicy,
  type OperationRequest,
  type TerminalCredentials,
} from "../operations/apply.ts";
import type { CardVerdict } from "../verify/verdict.ts";
import { type VerifyContext, verifyCard } from "../verify/verify-card.ts";
import type { VirtualNtag, WriteOptions } from "../virtual-card/index.ts";

export const HOUR = 3600;
/** A fixed "now" (2026-11-01T00:00:00Z) so vectors and tests are reproducible. */
export const T0 = 1793491200;

export interface TestTerminal {
  credentials: TerminalCredentials;
  grant: GrantScope;
  role: Role;
  usage: OfflineUsage;
  seq: number;
}

export interface TestScheme {
  /** The backend's certificate keys by version, as readers hold them. */
  keys: Map<number, CryptoKey>;
  /** Their private halves, which sign the terminals' certificates. */
  signingKeys: Map<number, CryptoKey>;
  currentKeyVersion: number;
  policy: OperationPolicy & { readableLayouts: number[]; acceptedKeyVersions: number[] };
  context(extra?: Partial<VerifyContext>): VerifyContext;
  terminal(options?: {
    role?: Role;
    operations?: Operation[];
    terminalNumber?: number;
    validFrom?: number;
    validHours?: number;
    keyVersion?: number;
    limits?: Partial<GrantScope["limits"]>;
  }): Promise<TestTerminal>;
  rotate(): Promise<number>;
}

export async function createTestScheme(options: { keyVersion?: number } = {}): Promise<TestScheme> {
  const keys = new Map<number, CryptoKey>();
  const signingKeys = new Map<number, CryptoKey>();
  let nextTerminal = 1;
  const addKey = async (version: number) => {
    const pair = await generateSigningKeyPair();
    keys.set(version, pair.publicKey);
    signingKeys.set(version, pair.privateKey);
  };
  const scheme: TestScheme = {
    keys,
    signingKeys,
    currentKeyVersion: options.keyVersion ?? 1,
    policy: {
      balanceCap: 50_000,
      layouts: { write: 1 },
      sessions: { required: false, entryFee: 0 },
      readableLayouts: [1],
      acceptedKeyVersions: [options.keyVersion ?? 1],
    },
    context(extra = {}) {
      return {
        keys,
        policy: {
          readableLayouts: scheme.policy.readableLayouts,
          acceptedKeyVersions: scheme.policy.acceptedKeyVersions,
        },
        ...extra,
      };
    },
    async terminal(opts = {}) {
      const role = opts.role ?? "station";
      const operations = opts.operations ?? [...ROLE_CEILING[role]];
      const terminalNumber = opts.terminalNumber ?? nextTerminal++;
      const keyVersion = opts.keyVersion ?? scheme.currentKeyVersion;
      const validFrom = opts.validFrom ?? T0 - HOUR;
      const validHours = opts.validHours ?? 24;
      const device = await generateSigningKeyPair();
      const certificate = await issueCertificate(
        {
          terminalNumber,
          operations,
          validFrom,
          validHours,
          keyVersion,
          publicKey: await exportPublicKeyRaw(device.publicKey),
        },
        signingKeys.get(keyVersion)!,
      );
      return {
        role,
        credentials: {
          terminalId: `trm_${terminalNumber}`,
          terminalNumber,
          certificate,
          deviceKey: device.privateKey,
        },
        grant: {
          grantId: `grt_${terminalNumber}_1`,
          grantSeq: 1,
          operations,
          limits: {
            perTransaction: 10_000,
            cumulativeValue: 1_000_000,
            cumulativeCount: 10_000,
            ...opts.limits,
          },
          notBefore: validFrom,
          expiresAt: validFrom + validHours * HOUR,
        },
        usage: { value: 0, count: 0 },
        seq: 0,
      };
    },
    async rotate() {
      const next = scheme.currentKeyVersion + 1;
      await addKey(next);
      scheme.currentKeyVersion = next;
      scheme.policy.acceptedKeyVersions = [...scheme.policy.acceptedKeyVersions, next];
      return next;
    },
  };
  await addKey(scheme.currentKeyVersion);
  return scheme;
}

/** Reads and verifies a virtual card. */
export async function readVirtualCard(card: VirtualNtag, context: VerifyContext): Promise<CardVerdict> {
  return verifyCard(cardImageFromRead(card.read()), context);
}

/**
 * One tap on a virtual card: read, verify, apply, write (with an optional tear). Returns the operation result
 * and, when the write was torn, the error it raised. Updates the terminal's usage and sequence on success.
 */
export async function tapVirtualCard(
  scheme: TestScheme,
  terminal: TestTerminal,
  card: VirtualNtag,
  request: OperationRequest,
  options: { now?: number; write?: WriteOptions; context?: VerifyContext } = {},
) {
  const context = options.context ?? scheme.context();
  const read = card.read();
  const image = cardImageFromRead(read);
  const verdict = await verifyCard(image, context);
  const result = await applyOperation({
    verdict,
    uid: read.uid,
    payload: image.payload,
    request,
    terminal: terminal.credentials,
    grant: terminal.grant,
    policy: scheme.policy,
    usage: terminal.usage,
    now: options.now ?? T0,
    event: { id: crypto.randomUUID(), seq: terminal.seq + 1 },
  });
  if (!result.ok) return { verdict, result, torn: undefined as unknown };
  terminal.seq += 1;
  terminal.usage = result.usage;
  try {
    card.write(cardRecords(result.payload), options.write);
    return { verdict, result, torn: undefined as unknown };
  } catch (error) {
    return { verdict, result, torn: error as unknown };
  }
}
