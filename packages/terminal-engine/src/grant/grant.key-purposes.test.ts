/**
 * The terminal keeps the backend's two kinds of key apart (ADR 0004): grants are checked with the JWKS,
 * certificates — its own and those on the cards it reads — with the certificate key set. A backend from
 * before keys were split (one dual-purpose key, no certificate key set) keeps working, across a restart.
 */
import { exportPublicKeyRaw, toBase64Url } from "@tessera/protocol";
import { T0 } from "@tessera/protocol/testing";
import { VirtualCardTransport, VirtualNtag } from "@tessera/protocol/virtual-card";
import { describe, expect, it } from "vitest";
import { TerminalEngine } from "../engine.ts";
import { FakeBackend } from "../testing/fake-backend.ts";
import { ManualClock } from "../testing/manual-clock.ts";
import { createTestTerminal, TestNetwork } from "../testing/test-terminal.ts";

const HOUR = 3600;

describe("key purposes on the terminal", () => {
  it("reads cards with the certificate keys that came with its grant", async () => {
    const t = await createTestTerminal();
    const { transport } = await t.card(5_000);
    expect(await t.engine.tap(transport, { op: "debit", amount: 100 })).toMatchObject({ kind: "done" });
    await t.engine.close();
  });

  it("refuses a grant whose certificate the backend signed with its grant key", async () => {
    const t = await createTestTerminal();
    const kept = t.engine.getSnapshot().grant!;
    const enrolled = t.backend.terminals.get(t.engine.getSnapshot().terminal!.terminalId)!;
    // Right terminal, right device key, right fields: only the signing key is the wrong one.
    const misSigned = await t.backend.certificateFor(
      {
        terminalNumber: enrolled.terminalNumber,
        operations: ["debit"],
        validFrom: Math.floor(t.clock.now() / 1000 / HOUR) * HOUR,
        validHours: 24,
        publicKey: await exportPublicKeyRaw(enrolled.publicKey),
      },
      "grant",
    );
    const genuine = await t.backend.certificateFor({
      terminalNumber: enrolled.terminalNumber,
      operations: ["debit"],
      validFrom: Math.floor(t.clock.now() / 1000 / HOUR) * HOUR,
      validHours: 24,
      publicKey: await exportPublicKeyRaw(enrolled.publicKey),
    });
    t.backend.onGrantAnswer = (answer) => ({ ...answer, certificate: toBase64Url(misSigned) });
    await expect(t.engine.refreshGrant()).rejects.toMatchObject({ code: "grant_rejected" });
    expect(t.engine.getSnapshot().grant?.grantId).toBe(kept.grantId);
    // The same certificate signed with the certificate key is taken.
    t.backend.onGrantAnswer = (answer) => ({ ...answer, certificate: toBase64Url(genuine) });
    await t.engine.refreshGrant();
    expect(t.engine.getSnapshot().grant?.grantId).not.toBe(kept.grantId);
    await t.engine.close();
  });

  it("refuses a grant answer that offers the grant keys as certificate keys", async () => {
    const t = await createTestTerminal();
    t.backend.onGrantAnswer = (answer) => ({ ...answer, certificateKeys: answer.jwks });
    await expect(t.engine.refreshGrant()).rejects.toMatchObject({ code: "grant_rejected" });
    await t.engine.close();
  });

  it("keeps working against a backend from before the split, and after a restart", async () => {
    const clock = new ManualClock(T0 * 1000);
    const backend = await FakeBackend.create({ clock, legacyKeys: true });
    const databaseName = `tessera-test-${crypto.randomUUID()}`;
    const open = () =>
      TerminalEngine.open({
        endpoints: backend.endpoints,
        fetch: backend.fetch,
        clock,
        random: () => 0.5,
        network: new TestNetwork(),
        databaseName,
        softwareVersion: "engine-test-1",
      });
    const engine = await open();
    await engine.enrol(backend.createEnrolmentCode({ role: "pos" }));
    await engine.refreshGrant();
    await engine.syncNow();
    const card = new VirtualNtag({ model: "NTAG215" });
    await backend.issueCard(card, 5_000);
    const transport = new VirtualCardTransport(card);
    expect(await engine.tap(transport, { op: "debit", amount: 100 })).toMatchObject({ kind: "done" });
    await engine.close();

    // The stored grant has no certificate key set; the JWKS's dual-purpose key still reads the card.
    const again = await open();
    expect(again.getSnapshot().grant?.valid).toBe(true);
    expect(await again.tap(transport, { op: "debit", amount: 100 })).toMatchObject({ kind: "done" });
    await again.close();
  });
});
