/** The shape of test/fixtures/scheme.json, which the grants and policy stand-ins serve. */
import type { Ed25519PublicJwk, JwksKey, PolicyDocument, Role } from "@tessera/protocol";

export interface FixtureTerminal {
  terminalId: string;
  terminalNumber: number;
  role: Role;
  locationId: string;
  seed: string;
  publicKeyJwk: Ed25519PublicJwk;
  status: string;
  revokedAt: number | null;
}

export interface SchemeFixture {
  backend: { keyVersion: number; seed: string; jwk: JwksKey };
  terminals: FixtureTerminal[];
  policy: PolicyDocument;
}
