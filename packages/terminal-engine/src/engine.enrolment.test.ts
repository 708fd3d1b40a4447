import { createDpopProof, generateSigningKeyPair, publicKeyToJwk } from "@tessera/protocol";
import { describe, expect, it } from "vitest";
import { BackendError } from "./backend/backend-client.ts";
import { EngineError } from "./errors.ts";
import { DEVICE, openTerminalDatabase } from "./storage/database.ts";
import { createTestTerminal } from "./testing/test-terminal.ts";

async function storedDevice(databaseName: string) {
  const db = await openTerminalDatabase(databaseName);
  const device = await db.get("identity", DEVICE);
  db.close();
  if (device?.kind !== "device") throw new Error("no device key stored");
  return device;
}

describe("enrolment", () => {
  it("starts not enrolled, and refuses taps until it is", async () => {
    const t = await createTestTerminal({ bare: true });
    expect(t.engine.getSnapshot().phase).toBe("not_enrolled");
    const { transport } = await t.card(1_000);
    expect(await t.engine.tap(transport, { op: "debit", amount: 1 })).toMatchObject({
      kind: "refused",
      code: "not_enrolled",
    });
    await t.engine.close();
  });

  it("keeps the device key it generated when a code is refused, and registers that same key next time", async () => {
    const t = await createTestTerminal({ bare: true });
    const refused = await t.engine.enrol("ENRL-NOPE").catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(BackendError);
    expect((refused as BackendError).code).toBe("enrolment_code_invalid");
    const device = await storedDevice(t.databaseName);
    expect(device.keyPair.privateKey.extractable).toBe(false);

    const info = await t.engine.enrol(t.backend.createEnrolmentCode({ role: "gate", name: "North gate" }));
    expect(info).toMatchObject({ role: "gate", name: "North gate" });
    expect(t.backend.terminals.get(info.terminalId)?.jkt).toBe(device.jkt);
    expect(t.engine.getSnapshot()).toMatchObject({ phase: "ready", terminal: info });

    await expect(t.engine.enrol(t.backend.createEnrolmentCode({ role: "pos" }))).rejects.toBeInstanceOf(
      EngineError,
    );
    await t.engine.close();

    const again = await t.reopen();
    expect(again.getSnapshot().terminal).toEqual(info);
    await again.close();
  });

  it("is proven by the device key on every grant request: another key cannot take the terminal's grant", async () => {
    const t = await createTestTerminal({ bare: true });
    const info = await t.engine.enrol(t.backend.createEnrolmentCode({ role: "pos" }));
    const url = `${t.backend.endpoints.grants}/v1/grants`;
    // Another device knows the terminal id and makes a perfectly good proof with its own key.
    const stranger = await generateSigningKeyPair();
    const proof = await createDpopProof({
      privateKey: stranger.privateKey,
      publicJwk: await publicKeyToJwk(stranger.publicKey),
      htm: "POST",
      htu: url,
      iat: Math.floor(t.clock.now() / 1000),
    });
    const response = await t.backend.fetch(url, {
      method: "POST",
      body: JSON.stringify({ terminalId: info.terminalId }),
      headers: { "content-type": "application/json", dpop: proof },
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: "dpop_invalid", detail: "wrong_key_binding" });
    // The terminal itself, with the key it holds, gets one.
    await t.engine.refreshGrant();
    expect(t.engine.getSnapshot().grant?.valid).toBe(true);
    await t.engine.close();
  });
});
