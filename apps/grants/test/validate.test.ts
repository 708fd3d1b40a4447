import { toBase64Url } from "@tessera/protocol";
import { describe, expect, it } from "vitest";
import { blankCard, type Card, validateCard, validator, write } from "./cards.ts";
import {
  asTerminal,
  call,
  credential,
  type EnrolledTerminal,
  enrolTerminal,
  fetchGrant,
  type GrantAnswer,
  json,
  operator,
} from "./helpers.ts";

async function issuedCard(): Promise<{
  card: Card;
  station: EnrolledTerminal;
  answer: GrantAnswer;
  now: number;
}> {
  const station = await enrolTerminal({ role: "station", locationId: "lobby" });
  const answer = await fetchGrant(station);
  const now = Math.floor(Date.now() / 1000);
  let card: Card = blankCard();
  card = await write(card, station, answer, { op: "issue" }, now);
  card = await write(card, station, answer, { op: "topup", amount: 1_000, authorisationId: "auth-1" }, now);
  card = await write(card, station, answer, { op: "debit", amount: 250 }, now);
  return { card, station, answer, now };
}

describe("POST /v1/validate a card", () => {
  it("verifies a card written offline by an enrolled terminal with its grant's certificate", async () => {
    const { card, station } = await issuedCard();
    const answer = await validateCard(card, await validator());
    expect(answer).toMatchObject({
      valid: true,
      verdict: "valid",
      state: { balance: 750, counter: 3, terminalNumber: station.terminalNumber },
    });
  });

  it("calls a flipped byte tampering, and a blank chip not activated", async () => {
    const { card } = await issuedCard();
    const payload = card.payload!.slice();
    // One bit in each slot's signed bytes.
    for (const offset of [40, 40 + 238]) payload[offset] = payload[offset]! ^ 0x01;
    expect(await validateCard({ uid: card.uid, payload }, await validator())).toMatchObject({
      valid: false,
      verdict: "tampered",
    });
    expect(await validateCard({ uid: card.uid, payload: null }, await validator())).toMatchObject({
      valid: false,
      verdict: "not_activated",
    });
  });

  it("refuses a copy on another chip", async () => {
    const { card } = await issuedCard();
    const copy = { uid: crypto.getRandomValues(new Uint8Array(7)), payload: card.payload };
    expect((await validateCard(copy, await validator())).valid).toBe(false);
  });

  it("applies the current deny list: a listed card is blocked", async () => {
    const { card } = await issuedCard();
    await call(
      "/v1/deny-list/entries",
      json({ kind: "card", id: card.cardId, reason: "stolen" }, await operator()),
    );
    expect(await validateCard(card, await validator())).toMatchObject({
      valid: false,
      verdict: "blocked",
      reason: "deny-list",
    });
  });

  it("refuses what a terminal wrote after its revocation, and keeps what it wrote before", async () => {
    const { card, station, answer, now } = await issuedCard();
    // Listing a terminal revokes it; here from a moment after the card above was written.
    const effectiveFrom = now + 30;
    const revoke = await call(
      "/v1/deny-list/entries",
      json(
        { kind: "terminal", terminalNumber: station.terminalNumber, reason: "revoked", effectiveFrom },
        await operator(),
      ),
    );
    expect(revoke.status).toBe(200);
    expect((await validateCard(card, await validator())).valid).toBe(true);
    // The stolen terminal keeps writing offline with the grant it holds.
    const later = await write(card, station, answer, { op: "debit", amount: 100 }, effectiveFrom + 60);
    expect(await validateCard(later, await validator())).toMatchObject({
      valid: false,
      verdict: "revoked_terminal",
    });
  });

  it("flags a card older than the caller last saw it", async () => {
    const { card } = await issuedCard();
    const seen = (await validateCard(card, await validator())).state!;
    const rollback = await validateCard(card, await validator(), {
      counter: seen.counter + 5,
      chain: seen.chain,
    });
    expect(rollback).toMatchObject({ valid: false, verdict: "clone_suspected", reason: "rollback" });
  });

  it("answers terminals with their grant, and refuses services without grants:validate", async () => {
    const { card } = await issuedCard();
    const terminal = await enrolTerminal();
    const { grant } = await fetchGrant(terminal);
    const body = JSON.stringify({
      kind: "card",
      uid: toBase64Url(card.uid),
      payload: toBase64Url(card.payload!),
    });
    const asPos = await asTerminal(terminal, grant, "POST", "/v1/validate", {
      body,
      headers: { "Content-Type": "application/json" },
    });
    expect(asPos.status).toBe(200);
    expect(((await asPos.json()) as { valid: boolean }).valid).toBe(true);
    const stranger = await call(
      "/v1/validate",
      json(
        { kind: "card", uid: "AA", payload: null },
        await credential({ kind: "service", scopes: ["cards:read"] }),
      ),
    );
    expect(stranger.status).toBe(403);
  });

  it("refuses malformed input with validation_failed", async () => {
    const response = await call(
      "/v1/validate",
      json({ kind: "card", uid: "not base64url!", payload: null }, await validator()),
    );
    expect(response.status).toBe(422);
  });
});

describe("POST /v1/validate a grant", () => {
  it("accepts a live grant, and refuses it once its terminal is revoked", async () => {
    const terminal = await enrolTerminal();
    const { grant } = await fetchGrant(terminal);
    const check = async () =>
      (await (
        await call("/v1/validate", json({ kind: "grant", grant }, await validator()))
      ).json()) as Record<string, unknown>;
    expect(await check()).toMatchObject({
      valid: true,
      terminalStatus: "active",
      claims: { sub: terminal.terminalId },
    });
    await call(`/v1/terminals/${terminal.terminalId}/revoke`, json({ reason: "gone" }, await operator()));
    expect(await check()).toMatchObject({
      valid: false,
      reason: "terminal_revoked",
      terminalStatus: "revoked",
    });
  });

  it("refuses a forged or garbled grant", async () => {
    const terminal = await enrolTerminal();
    const { grant } = await fetchGrant(terminal);
    const forged = `${grant.slice(0, -4)}AAAA`;
    const answer = await call("/v1/validate", json({ kind: "grant", grant: forged }, await validator()));
    expect(await answer.json()).toMatchObject({ valid: false, reason: "bad_signature" });
    const garbled = await call("/v1/validate", json({ kind: "grant", grant: "abc" }, await validator()));
    expect(await garbled.json()).toMatchObject({ valid: false, reason: "malformed" });
  });
});
