/**
 * Reconciliation takes the grants Worker's two key sets apart (ADR 0004): certificates in uploaded slots are
 * checked with the certificate keys, grants with the JWKS, and neither key stands in for the other.
 */
import {
  decodeCertificate,
  exportPublicKeyRaw,
  generateSigningKeyPair,
  issueCertificate,
  jwksKeyFor,
  verifyCertificate,
} from "@tessera/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { backendKeys, forgetGrantsCaches, type GrantsRpc } from "../src/upstream/grants.ts";

afterEach(forgetGrantsCaches);

describe("the grants Worker's keys as reconciliation holds them", () => {
  it("imports certificate keys from the certificate key set only", async () => {
    forgetGrantsCaches();
    const [grantKey, certificateKey, device] = await Promise.all([
      generateSigningKeyPair(),
      generateSigningKeyPair(),
      generateSigningKeyPair(),
    ]);
    const rpc: GrantsRpc = {
      terminal: async () => null,
      addDenyEntry: async () => ({}),
      jwks: async () => ({ keys: [await jwksKeyFor(grantKey.publicKey, 3, "grant")] }),
      certificateKeys: async () => ({ keys: [await jwksKeyFor(certificateKey.publicKey, 3, "certificate")] }),
    };
    const { jwks, keys } = await backendKeys(rpc);
    expect(jwks.keys.map((key) => key.kid)).toEqual(["tessera-grant-3"]);
    expect([...keys.keys()]).toEqual([3]);

    const certificateSignedWith = async (signer: CryptoKey) =>
      decodeCertificate(
        await issueCertificate(
          {
            terminalNumber: 9,
            operations: ["debit"],
            validFrom: 1_793_487_600,
            validHours: 24,
            keyVersion: 3,
            publicKey: await exportPublicKeyRaw(device.publicKey),
          },
          signer,
        ),
      );
    expect(
      await verifyCertificate(await certificateSignedWith(certificateKey.privateKey), keys.get(3)!),
    ).toBe(true);
    expect(await verifyCertificate(await certificateSignedWith(grantKey.privateKey), keys.get(3)!)).toBe(
      false,
    );
  });
});
