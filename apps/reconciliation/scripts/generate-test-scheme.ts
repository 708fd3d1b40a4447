/**
 * Writes test/fixtures/scheme.json: the backend key, the enrolled terminals and the policy the test stubs
 * of the grants and policy Workers serve. Every key comes from a fixed seed (`seedOf`), so the tests derive
 * the same private keys and sign real grants, certificates, slots and events that verify here.
 * Run: `node scripts/generate-test-scheme.ts` (a test checks the file still matches its seeds).
 */
import { writeFileSync } from "node:fs";
import { DEFAULT_POLICY, jwksKeyFor, publicKeyToJwk } from "@tessera/protocol";
import { seededKeyPair, seedOf } from "@tessera/protocol/testing";

export const BACKEND_SEED = seedOf(0x01);

/** The terminals the grants stub knows: one per role and purpose, so test files never share one's history. */
export const TERMINAL_SPECS = [
  { terminalId: "trm_station_a", terminalNumber: 101, role: "station", seed: 0x10 },
  { terminalId: "trm_station_b", terminalNumber: 102, role: "station", seed: 0x11 },
  { terminalId: "trm_pos_a", terminalNumber: 201, role: "pos", seed: 0x20 },
  { terminalId: "trm_pos_b", terminalNumber: 202, role: "pos", seed: 0x21 },
  { terminalId: "trm_pos_c", terminalNumber: 203, role: "pos", seed: 0x22 },
  { terminalId: "trm_pos_fault", terminalNumber: 204, role: "pos", seed: 0x23 },
  { terminalId: "trm_station_fault", terminalNumber: 104, role: "station", seed: 0x13 },
  { terminalId: "trm_gate_a", terminalNumber: 301, role: "gate", seed: 0x30 },
  // Passes its grants' cumulative offline limits (test/grant.limits.test.ts).
  { terminalId: "trm_pos_limits", terminalNumber: 205, role: "pos", seed: 0x24 },
  // Revoked while a test runs, through the grants stub (test/revocation.race.test.ts).
  { terminalId: "trm_pos_race", terminalNumber: 206, role: "pos", seed: 0x25 },
  { terminalId: "trm_station_race", terminalNumber: 107, role: "station", seed: 0x14 },
  // Revoked at 2026-05-28T20:26:40Z: its writes after that are flagged revoked_terminal.
  {
    terminalId: "trm_pos_revoked",
    terminalNumber: 401,
    role: "pos",
    seed: 0x40,
    status: "revoked",
    revokedAt: 1_780_000_000,
  },
] as const;

export async function buildScheme() {
  const backend = await seededKeyPair(BACKEND_SEED);
  const terminals = [];
  for (const spec of TERMINAL_SPECS) {
    const pair = await seededKeyPair(seedOf(spec.seed));
    terminals.push({
      terminalId: spec.terminalId,
      terminalNumber: spec.terminalNumber,
      role: spec.role,
      locationId: "hall",
      seed: seedOf(spec.seed),
      publicKeyJwk: await publicKeyToJwk(pair.publicKey),
      status: "status" in spec ? spec.status : "active",
      revokedAt: "revokedAt" in spec ? spec.revokedAt : null,
    });
  }
  return {
    backend: { keyVersion: 1, seed: BACKEND_SEED, jwk: await jwksKeyFor(backend.publicKey, 1, "dual") },
    terminals,
    policy: { ...DEFAULT_POLICY, version: 1, publishedAt: "2026-11-01T00:00:00.000Z" },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const scheme = await buildScheme();
  writeFileSync(
    new URL("../test/fixtures/scheme.json", import.meta.url),
    `${JSON.stringify(scheme, null, 2)}\n`,
  );
  console.log(`wrote scheme.json: ${scheme.terminals.length} terminals`);
}
