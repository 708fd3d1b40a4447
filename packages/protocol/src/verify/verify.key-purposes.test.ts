/**
 * Card readers take the certificate key a version names, never that version's grant key (ADR 0004), and
 * cards under a legacy dual-purpose version read on beside cards under split versions.
 */
import { describe, expect, it } from "vitest";
import { issueCertificate } from "../card/certificate.ts";
import { exportPublicKeyRaw, generateSigningKeyPair } from "../crypto/ed25519.ts";
import { jwksKeyFor, keysByVersion } from "../grant/keys.ts";
import { createTestScheme, readVirtualCard, type TestTerminal, tapVirtualCard } from "../testing/index.ts";
import { VirtualNtag } from "../virtual-card/index.ts";

/**
 * Version 1 stands for a legacy dual-purpose key (the scheme's first key), version 2 for a split version: the
 * scheme's second key is its certificate key, and `grantKey` its grant key.
 */
async function migratingScheme() {
  const scheme = await createTestScheme();
  const station = await scheme.terminal({ role: "station" });
  const card = new VirtualNtag({ model: "NTAG215" });
  await tapVirtualCard(scheme, station, card, { op: "issue" });
  await tapVirtualCard(scheme, station, card, { op: "topup", amount: 5000, authorisationId: "auth" });
  await scheme.rotate();
  const grantKey = await generateSigningKeyPair();
  return { scheme, card, grantKey };
}

/** A POS terminal whose certificate names version 2 but was signed with `signer`. */
async function posSignedWith(
  scheme: Awaited<ReturnType<typeof createTestScheme>>,
  signer: CryptoKey,
): Promise<TestTerminal> {
  const honest = await scheme.terminal({ role: "pos" });
  const device = await generateSigningKeyPair();
  const certificate = await issueCertificate(
    {
      terminalNumber: honest.credentials.terminalNumber,
      operations: honest.grant.operations,
      validFrom: honest.grant.notBefore,
      validHours: (honest.grant.expiresAt - honest.grant.notBefore) / 3600,
      keyVersion: 2,
      publicKey: await exportPublicKeyRaw(device.publicKey),
    },
    signer,
  );
  return { ...honest, credentials: { ...honest.credentials, certificate, deviceKey: device.privateKey } };
}

describe("card certificates and key purposes", () => {
  it("reads a card written under the certificate key of a split version on top of a legacy-key state", async () => {
    const { scheme, card } = await migratingScheme();
    const pos = await scheme.terminal({ role: "pos" });
    await tapVirtualCard(scheme, pos, card, { op: "debit", amount: 100 });
    const verdict = await readVirtualCard(card, scheme.context());
    expect(verdict).toMatchObject({ kind: "valid", recovered: false, slots: ["valid", "valid"] });
    expect(verdict.kind === "valid" && verdict.state.certificate.keyVersion).toBe(2);
  });

  it("refuses a slot whose certificate was signed with version 2's grant key", async () => {
    const { scheme, card, grantKey } = await migratingScheme();
    const rogue = await posSignedWith(scheme, grantKey.privateKey);
    const write = await tapVirtualCard(scheme, rogue, card, { op: "debit", amount: 100 });
    expect(write.result.ok).toBe(true); // the writer's own checks do not look at the backend signature…
    // …but every reader does: the new slot is damage, and the card reads as the state before it.
    const verdict = await readVirtualCard(card, scheme.context());
    expect(verdict).toMatchObject({ kind: "valid", recovered: true, state: { balance: 5000, counter: 2 } });
    expect(verdict.kind === "valid" && verdict.state.certificate.keyVersion).toBe(1);
    expect(verdict.kind === "valid" && verdict.slots).toContain("damaged");
  });

  it("finds no key for a split version in the JWKS: its grant key is not a certificate key", async () => {
    const { scheme, card, grantKey } = await migratingScheme();
    const pos = await scheme.terminal({ role: "pos" });
    await tapVirtualCard(scheme, pos, card, { op: "debit", amount: 100 });
    await tapVirtualCard(scheme, pos, card, { op: "debit", amount: 100 });
    const jwks = {
      keys: [
        await jwksKeyFor(scheme.keys.get(1)!, 1, "dual"),
        await jwksKeyFor(grantKey.publicKey, 2, "grant"),
      ],
    };
    const certificateKeys = {
      keys: [
        await jwksKeyFor(scheme.keys.get(1)!, 1, "dual"),
        await jwksKeyFor(scheme.keys.get(2)!, 2, "certificate"),
      ],
    };
    const policy = scheme.context().policy;
    expect(
      await readVirtualCard(card, { keys: await keysByVersion(jwks, "certificate"), policy }),
    ).toMatchObject({
      kind: "tampered",
      reason: "unknown-key-version",
    });
    expect(
      await readVirtualCard(card, { keys: await keysByVersion(certificateKeys, "certificate"), policy }),
    ).toMatchObject({ kind: "valid", state: { balance: 4800 } });
  });
});
