import { describe, expect, it } from "vitest";
import { createTestScheme, HOUR, readVirtualCard, T0, tapVirtualCard } from "../testing/index.ts";
import { VirtualNtag } from "../virtual-card/index.ts";
import type { DenyLookup } from "./verify-card.ts";

async function issuedCard(balance = 5000) {
  const scheme = await createTestScheme();
  const station = await scheme.terminal({ role: "station" });
  const card = new VirtualNtag({ model: "NTAG215" });
  await tapVirtualCard(scheme, station, card, { op: "issue" });
  await tapVirtualCard(scheme, station, card, { op: "topup", amount: balance, authorisationId: "auth" });
  return { scheme, station, card };
}

const denyTerminal = (terminalNumber: number, from: number): DenyLookup => ({
  hasCard: () => false,
  terminalRevokedFrom: (n) => (n === terminalNumber ? from : undefined),
});

describe("scope is enforced by every verifier, not only by the writer", () => {
  it("rejects a top-up signed by a terminal whose certificate allows only debits", async () => {
    const { scheme, card } = await issuedCard();
    // A compromised POS terminal whose grant claims top-ups, but whose backend certificate says debit only.
    const rogue = await scheme.terminal({ role: "pos", operations: ["debit"] });
    rogue.grant.operations = ["debit", "topup"];
    const forged = await tapVirtualCard(scheme, rogue, card, {
      op: "topup",
      amount: 100,
      authorisationId: "x",
    });
    expect(forged.result.ok).toBe(false); // the honest writer check stops it first…
    // …and a writer that skips its own checks is still caught by every reader.
    const { applyOperation } = await import("../operations/apply.ts");
    const { cardImageFromRead, cardRecords } = await import("../card/read.ts");
    const { openSlot, sealSlot } = await import("../card/slot.ts");
    const { composePayload } = await import("../card/payload.ts");
    const { fromHex } = await import("../encoding/bytes.ts");
    const verdict = await readVirtualCard(card, scheme.context());
    if (verdict.kind !== "valid") throw new Error("setup");
    const current = verdict.state;
    const slot = await sealSlot({
      fields: {
        flags: { recovered: false, restored: false, issued: false },
        status: "active",
        cardId: current.cardId,
        counter: current.counter + 1,
        balance: current.balance + 100_000,
        session: null,
        writtenAt: T0,
        grantSeq: 1,
        history: [{ op: "topup", amount: 100_000, at: T0 }],
      },
      previousChain: fromHex(current.chain),
      historyEntries: 4,
      certificate: rogue.credentials.certificate,
      uid: card.uid,
      deviceKey: rogue.credentials.deviceKey,
    });
    card.write(
      cardRecords(
        composePayload(slot, verdict.activeSlot === 0 ? 1 : 0, cardImageFromRead(card.read()).payload),
      ),
    );
    const after = await readVirtualCard(card, scheme.context());
    expect(after).toMatchObject({
      kind: "out_of_scope",
      operation: "topup",
      terminalNumber: rogue.credentials.terminalNumber,
    });
    expect(openSlot(slot).balance).toBe(current.balance + 100_000);
    expect(applyOperation).toBeTypeOf("function");
  });

  it("rejects writes by a revoked terminal made after its revocation, and keeps earlier ones", async () => {
    const { scheme, card } = await issuedCard();
    const pos = await scheme.terminal({ role: "pos" });
    await tapVirtualCard(scheme, pos, card, { op: "debit", amount: 10 }, { now: T0 });
    const before = await readVirtualCard(
      card,
      scheme.context({ denyList: denyTerminal(pos.credentials.terminalNumber, T0 + 60) }),
    );
    expect(before.kind).toBe("valid");
    await tapVirtualCard(scheme, pos, card, { op: "debit", amount: 10 }, { now: T0 + 120 });
    const after = await readVirtualCard(
      card,
      scheme.context({ denyList: denyTerminal(pos.credentials.terminalNumber, T0 + 60) }),
    );
    expect(after).toMatchObject({
      kind: "revoked_terminal",
      terminalNumber: pos.credentials.terminalNumber,
      revokedFrom: T0 + 60,
    });
  });

  it("rejects a card written outside its writer's certificate validity", async () => {
    const { scheme, card } = await issuedCard();
    // The certificate says valid from T0-1h for 2h; the terminal's clock (or a forger) claims a later time.
    const pos = await scheme.terminal({ role: "pos", validFrom: T0 - HOUR, validHours: 2 });
    pos.grant.expiresAt = T0 + 10 * HOUR; // a writer that ignores its own certificate window
    const late = await tapVirtualCard(scheme, pos, card, { op: "debit", amount: 10 }, { now: T0 + 3 * HOUR });
    expect(late.result.ok).toBe(false);
    expect(!late.result.ok && late.result.refusal.code).toBe("certificate_expired");
  });

  it("keeps a card valid after its writer's certificate expired, when it was written inside the validity", async () => {
    const { scheme, card } = await issuedCard();
    const pos = await scheme.terminal({ role: "pos", validFrom: T0 - HOUR, validHours: 2 });
    await tapVirtualCard(scheme, pos, card, { op: "debit", amount: 10 }, { now: T0 });
    // Read long after the certificate expired: what matters is when the card was written.
    const verdict = await readVirtualCard(card, scheme.context());
    expect(verdict.kind).toBe("valid");
    expect(verdict.kind === "valid" && verdict.state.certificate.validUntil).toBe(T0 + HOUR);
  });

  it("rejects a card whose slots are signed under a key version the reader does not know or accept", async () => {
    const scheme = await createTestScheme();
    const other = await createTestScheme({ keyVersion: 9 });
    const station = await other.terminal({ role: "station" });
    const card = new VirtualNtag({ model: "NTAG215" });
    await tapVirtualCard(other, station, card, { op: "issue" });
    // Just issued (one slot): refused as tampered, never mistaken for a blank card a station could overwrite.
    expect(await readVirtualCard(card, scheme.context())).toMatchObject({
      kind: "tampered",
      reason: "unknown-key-version",
    });
    await tapVirtualCard(other, station, card, { op: "topup", amount: 15_000, authorisationId: "a" });
    expect(await readVirtualCard(card, scheme.context())).toMatchObject({
      kind: "tampered",
      reason: "unknown-key-version",
    });
    // Knowing the key is not enough: policy must accept its version too.
    const context = {
      ...scheme.context(),
      keys: other.keys,
      policy: { readableLayouts: [1], acceptedKeyVersions: [1] },
    };
    expect(await readVirtualCard(card, context)).toMatchObject({
      kind: "tampered",
      reason: "unknown-key-version",
    });
  });

  it("accepts cards of both key versions during a rotation and re-signs on the next write", async () => {
    const { scheme, card } = await issuedCard();
    const oldPos = await scheme.terminal({ role: "pos" });
    await tapVirtualCard(scheme, oldPos, card, { op: "debit", amount: 10 });
    const v2 = await scheme.rotate();
    expect(scheme.policy.acceptedKeyVersions).toEqual([1, 2]);
    expect((await readVirtualCard(card, scheme.context())).kind).toBe("valid");
    const newPos = await scheme.terminal({ role: "pos", keyVersion: v2 });
    await tapVirtualCard(scheme, newPos, card, { op: "debit", amount: 10 });
    const verdict = await readVirtualCard(card, scheme.context());
    expect(verdict.kind === "valid" && verdict.state.certificate.keyVersion).toBe(2);
    // Once version 1 is retired, a card last written under it is refused; this one is already re-signed.
    scheme.policy.acceptedKeyVersions = [2];
    expect((await readVirtualCard(card, scheme.context())).kind).toBe("valid");
  });

  it("rejects a card blocked by status or by the deny list, but still shows its state", async () => {
    const { scheme, station, card } = await issuedCard();
    const verdict = await readVirtualCard(card, scheme.context());
    if (verdict.kind !== "valid") throw new Error("setup");
    const denied = await readVirtualCard(
      card,
      scheme.context({
        denyList: { hasCard: (id) => id === verdict.state.cardId, terminalRevokedFrom: () => undefined },
      }),
    );
    expect(denied).toMatchObject({ kind: "blocked", reason: "deny-list", state: { balance: 5000 } });
    await tapVirtualCard(scheme, station, card, { op: "block", status: "blocked_lost" });
    expect(await readVirtualCard(card, scheme.context())).toMatchObject({
      kind: "blocked",
      reason: "status",
      state: { status: "blocked_lost" },
    });
    const pos = await scheme.terminal({ role: "pos" });
    const refused = await tapVirtualCard(scheme, pos, card, { op: "debit", amount: 1 });
    expect(!refused.result.ok && refused.result.refusal.code).toBe("card_blocked");
  });
});

describe("clones and replays", () => {
  it("detects a replayed older image against the counter this terminal remembers", async () => {
    const { scheme, card } = await issuedCard();
    const pos = await scheme.terminal({ role: "pos" });
    const saved = card.snapshot();
    const spent = await tapVirtualCard(scheme, pos, card, { op: "debit", amount: 300 });
    if (!spent.result.ok) throw new Error("setup");
    const remembered = new Map([
      [spent.result.state.cardId, { counter: spent.result.state.counter, chain: spent.result.state.chain }],
    ]);
    card.restore(saved); // the holder writes the pre-purchase image back
    const verdict = await readVirtualCard(card, scheme.context({ remembered: (id) => remembered.get(id) }));
    expect(verdict).toMatchObject({
      kind: "clone_suspected",
      reason: "rollback",
      rememberedCounter: spent.result.state.counter,
    });
  });

  it("detects a different state under a counter already seen (a clone spent elsewhere)", async () => {
    const { scheme, card } = await issuedCard();
    const twin = card.cloneTo(card.uid); // a chip that also fakes the serial number
    const a = await scheme.terminal({ role: "pos" });
    const b = await scheme.terminal({ role: "pos" });
    const first = await tapVirtualCard(scheme, a, card, { op: "debit", amount: 100 });
    if (!first.result.ok) throw new Error("setup");
    const remembered = new Map([
      [first.result.state.cardId, { counter: first.result.state.counter, chain: first.result.state.chain }],
    ]);
    await tapVirtualCard(scheme, b, twin, { op: "debit", amount: 200 });
    expect(
      await readVirtualCard(twin, scheme.context({ remembered: (id) => remembered.get(id) })),
    ).toMatchObject({
      kind: "clone_suspected",
      reason: "duplicate-counter",
    });
  });

  it("rejects a byte-for-byte copy onto a chip with another serial number", async () => {
    const { scheme, card } = await issuedCard();
    const copy = card.cloneTo();
    expect(await readVirtualCard(copy, scheme.context())).toMatchObject({
      kind: "tampered",
      reason: "bad-signature",
    });
  });

  it("rejects two valid slots that do not chain (spliced from two cards or two branches)", async () => {
    const { scheme, card } = await issuedCard();
    const twin = card.cloneTo(card.uid);
    const pos = await scheme.terminal({ role: "pos" });
    await tapVirtualCard(scheme, pos, card, { op: "debit", amount: 100 });
    await tapVirtualCard(scheme, pos, card, { op: "debit", amount: 100 });
    await tapVirtualCard(scheme, pos, twin, { op: "debit", amount: 7 });
    await tapVirtualCard(scheme, pos, twin, { op: "debit", amount: 7 });
    // Take slot 0 from one branch and slot 1 from the other.
    const { cardImageFromRead, cardRecords } = await import("../card/read.ts");
    const a = cardImageFromRead(card.read()).payload!;
    const b = cardImageFromRead(twin.read()).payload!;
    const spliced = new Uint8Array(a.length);
    spliced.set(a.subarray(0, a.length / 2));
    spliced.set(b.subarray(b.length / 2), a.length / 2);
    card.write(cardRecords(spliced));
    expect(await readVirtualCard(card, scheme.context())).toMatchObject({
      kind: "tampered",
      reason: "chain-break",
    });
  });
});

describe("layout and key migrations", () => {
  it("refuses a card with a slot in a newer layout instead of falling back to the older slot", async () => {
    const { scheme, card } = await issuedCard();
    const { cardImageFromRead, cardRecords } = await import("../card/read.ts");
    const verdict = await readVirtualCard(card, scheme.context());
    if (verdict.kind !== "valid") throw new Error("setup");
    const payload = cardImageFromRead(card.read()).payload!.slice();
    const half = payload.length / 2;
    const other = verdict.activeSlot === 0 ? 1 : 0;
    payload.fill(0x5a, other * half, (other + 1) * half);
    payload[other * half] = 2; // a layout-2 state written by newer software
    card.write(cardRecords(payload));
    expect(await readVirtualCard(card, scheme.context())).toMatchObject({
      kind: "unsupported_layout",
      layout: 2,
    });
  });

  it("ignores an older slot under a retired key, and refuses a card whose newest state is under one", async () => {
    const { scheme, card } = await issuedCard();
    const v2 = await scheme.rotate();
    const pos = await scheme.terminal({ role: "pos", keyVersion: v2 });
    await tapVirtualCard(scheme, pos, card, { op: "debit", amount: 10 });
    const untouched = new VirtualNtag({ model: "NTAG215" });
    const station = await scheme.terminal({ role: "station", keyVersion: 1 });
    await tapVirtualCard(scheme, station, untouched, { op: "issue" });
    scheme.policy.acceptedKeyVersions = [v2]; // version 1 is withdrawn
    // Re-signed during the rotation: the stale older slot does not make it look torn.
    expect(await readVirtualCard(card, scheme.context())).toMatchObject({ kind: "valid", recovered: false });
    // Never written during the rotation: refused, to be re-signed at a station.
    expect(await readVirtualCard(untouched, scheme.context())).toMatchObject({
      kind: "tampered",
      reason: "unknown-key-version",
    });
  });
});
