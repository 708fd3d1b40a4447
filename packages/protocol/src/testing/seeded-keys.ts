/**
 * Ed25519 keys from fixed 32-byte seeds, for committed test vectors only: anyone can rebuild the same keys
 * and so check every signature byte. Never use seeded keys outside tests.
 */

import { issueCertificate } from "../card/certificate.ts";
import { ED25519, exportPublicKeyRaw } from "../crypto/ed25519.ts";
import type { Operation } from "../domain/operation.ts";
import { concatBytes, fromHex } from "../encoding/bytes.ts";
import type { GrantScope, TerminalCredentials } from "../operations/apply.ts";
import { HOUR, T0 } from "./scheme.ts";

/** The fixed DER prefix of a PKCS#8 Ed25519 private key (RFC 8410) before the 32-byte seed. */
const PKCS8_ED25519_PREFIX = fromHex("302e020100300506032b657004220420");

export async function seededKeyPair(seedHex: string): Promise<CryptoKeyPair> {
  const seed = fromHex(seedHex);
  if (seed.length !== 32) throw new RangeError("an Ed25519 seed is 32 bytes");
  const privateKey = await crypto.subtle.importKey(
    "pkcs8",
    concatBytes(PKCS8_ED25519_PREFIX, seed) as Uint8Array<ArrayBuffer>,
    ED25519,
    true,
    ["sign"],
  );
  const jwk = (await crypto.subtle.exportKey("jwk", privateKey)) as JsonWebKey;
  const publicKey = await crypto.subtle.importKey(
    "jwk",
    { kty: "OKP", crv: "Ed25519", x: jwk.x! },
    ED25519,
    true,
    ["verify"],
  );
  return { privateKey, publicKey };
}

/** A seed made of one repeated byte, easy to quote in documentation. */
export function seedOf(byte: number): string {
  return byte.toString(16).padStart(2, "0").repeat(32);
}

export interface SeededTerminal {
  credentials: TerminalCredentials;
  grant: GrantScope;
  devicePublicKey: CryptoKey;
  seedByte: number;
}

/**
 * A terminal whose device key comes from `seedOf(seedByte)` and whose certificate `backendKey` signs: the
 * fixture the committed vectors and the worked example in docs/protocol.md share, so both describe the same
 * bytes.
 */
export async function seededTerminal(options: {
  terminalNumber: number;
  seedByte: number;
  operations: readonly Operation[];
  backendKey: CryptoKey;
  keyVersion?: number;
  validFrom?: number;
  validHours?: number;
}): Promise<SeededTerminal> {
  const { terminalNumber, seedByte, operations, backendKey } = options;
  const device = await seededKeyPair(seedOf(seedByte));
  const validFrom = options.validFrom ?? T0 - HOUR;
  const validHours = options.validHours ?? 24;
  const certificate = await issueCertificate(
    {
      terminalNumber,
      operations,
      validFrom,
      validHours,
      keyVersion: options.keyVersion ?? 1,
      publicKey: await exportPublicKeyRaw(device.publicKey),
    },
    backendKey,
  );
  return {
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
      limits: { perTransaction: 100_000, cumulativeValue: 1_000_000, cumulativeCount: 1000 },
      notBefore: validFrom,
      expiresAt: validFrom + validHours * HOUR,
    },
    devicePublicKey: device.publicKey,
    seedByte,
  };
}
