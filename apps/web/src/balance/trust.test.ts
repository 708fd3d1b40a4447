import { DEFAULT_POLICY, generateSigningKeyPair, jwksKeyFor } from "@tessera/protocol";
import { createTestScheme, tapVirtualCard } from "@tessera/protocol/testing";
import { VirtualNtag } from "@tessera/protocol/virtual-card";
import { describe, expect, it } from "vitest";
import { useMemoryLocalStorage } from "../testing/memory-local-storage.ts";
import { cachedTrust, refreshTrust, TRUST_STORAGE_KEY, verifyWithTrust } from "./trust.ts";

useMemoryLocalStorage();

const POLICY = { ...DEFAULT_POLICY, version: 1, publishedAt: "2026-11-01T00:00:00.000Z" };

/** A card issued and topped up under the scheme's key version 1. */
async function card() {
  const scheme = await createTestScheme();
  const station = await scheme.terminal({ role: "station" });
  const chip = new VirtualNtag({ model: "NTAG215" });
  await tapVirtualCard(scheme, station, chip, { op: "issue" });
  await tapVirtualCard(scheme, station, chip, { op: "topup", amount: 1_200, authorisationId: "auth" });
  return { chip, certificateKey: scheme.keys.get(1)! };
}

/** The grants and policy Workers as the balance view sees them. */
function backend(sets: Record<string, unknown>): typeof fetch {
  return (async (input: RequestInfo | URL) => {
    const path = new URL(String(input)).pathname;
    const body = path === "/v1/policy" ? POLICY : sets[path];
    return body === undefined ? new Response("not found", { status: 404 }) : Response.json(body);
  }) as typeof fetch;
}

describe("the balance view's trust material", () => {
  it("reads cards with the certificate key set, never the JWKS's grant keys", async () => {
    const { chip, certificateKey } = await card();
    const grantKey = await generateSigningKeyPair();
    const trust = await refreshTrust(
      backend({
        "/.well-known/tessera-certificate-keys.json": {
          keys: [await jwksKeyFor(certificateKey, 1, "certificate")],
        },
        "/.well-known/jwks.json": { keys: [await jwksKeyFor(grantKey.publicKey, 1, "grant")] },
      }),
    );
    expect(await verifyWithTrust(chip.read(), trust)).toMatchObject({
      kind: "valid",
      state: { balance: 1_200 },
    });
    expect(cachedTrust()).toEqual(trust);
  });

  it("finds no key in a set that holds only grant keys", async () => {
    const { chip } = await card();
    const grantKey = await generateSigningKeyPair();
    const trust = await refreshTrust(
      backend({
        "/.well-known/tessera-certificate-keys.json": {
          keys: [await jwksKeyFor(grantKey.publicKey, 1, "grant")],
        },
      }),
    );
    expect(await verifyWithTrust(chip.read(), trust)).toMatchObject({
      kind: "tampered",
      reason: "unknown-key-version",
    });
  });

  it("still reads with a copy stored before keys were split, whose dual-purpose keys were the JWKS", async () => {
    const { chip, certificateKey } = await card();
    localStorage.setItem(
      TRUST_STORAGE_KEY,
      JSON.stringify({
        jwks: { keys: [await jwksKeyFor(certificateKey, 1, "dual")] },
        readableLayouts: [1],
        acceptedKeyVersions: [1],
        currency: { code: "EUR", minorUnit: 2 },
        fetchedAt: Date.now(),
      }),
    );
    const stored = cachedTrust();
    expect(stored).not.toBeNull();
    expect(await verifyWithTrust(chip.read(), stored!)).toMatchObject({ kind: "valid" });
  });
});
