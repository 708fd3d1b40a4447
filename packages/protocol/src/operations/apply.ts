/**
 * Card operations as pure functions: given a verified card, the terminal's credentials, its grant and the
 * policy, produce the exact payload to write and the signed event to log — or a typed refusal. Scope and
 * limits are enforced here, before anything touches the card; every later verifier checks them again.
 */

import { decodeCertificate } from "../card/certificate.ts";
import { GENESIS_CHAIN } from "../card/chain.ts";
import { historyEntriesForSlot, MAX_UINT24, MAX_UINT32, slotBytes } from "../card/layout-v1.ts";
import {
  composePayload,
  payloadBytes,
  type SlotIndex,
  splitPayload,
  WRITABLE_LAYOUTS,
} from "../card/payload.ts";
import { openSlot, sealSlot } from "../card/slot.ts";
import type { CardSession, CardState, CardStatus } from "../card/state.ts";
import { ONLINE_ONLY_OPERATIONS, type Operation } from "../domain/operation.ts";
import { fromHex, toBase64Url, toHex } from "../encoding/bytes.ts";
import { signEvent, type TerminalEvent } from "../events/index.ts";
import type { CardVerdict } from "../verify/verdict.ts";
import type { Refusal, RefusalCode } from "./refusal.ts";

/** NTAG215 holds four history entries per slot; a station may issue larger cards explicitly. */
export const DEFAULT_HISTORY_ENTRIES = 4;

export interface TerminalCredentials {
  terminalId: string;
  terminalNumber: number;
  /** The 107-byte backend-signed certificate that came with the current grant. */
  certificate: Uint8Array;
  /** The non-extractable device private key. */
  deviceKey: CryptoKey;
}

/** The parts of a verified session grant that bound what this terminal may do. */
export interface GrantScope {
  grantId: string;
  grantSeq: number;
  operations: readonly Operation[];
  limits: { perTransaction: number; cumulativeValue: number; cumulativeCount: number };
  notBefore: number;
  expiresAt: number;
  locationId?: string;
}

/** The parts of the policy the card operations need. */
export interface OperationPolicy {
  balanceCap: number;
  /** The layout writers must write (policy switches it only once terminals in the field can read it). */
  layouts: { write: number };
  sessions: { required: boolean; entryFee: number };
}

/** What this terminal has already done offline under the current grant. */
export interface OfflineUsage {
  value: number;
  count: number;
}

export type OperationRequest =
  | { op: "debit" | "refund"; amount: number; productId?: string }
  | { op: "topup"; amount: number; authorisationId?: string }
  | { op: "payout"; authorisationId?: string }
  | { op: "checkin"; zone: number }
  | { op: "checkout"; amount: number }
  | { op: "block"; status: Exclude<CardStatus, "active"> }
  | { op: "issue"; cardId?: string; historyEntries?: number }
  | {
      op: "reissue";
      authorisationId?: string;
      /** The reconciled ledger's view of the card, from the backend. */
      restore: { cardId: string; balance: number; counter: number; chain: string };
    };

export interface OperationInput {
  /** The verdict for what is on the card now (from verifyCard). */
  verdict: CardVerdict;
  uid: Uint8Array;
  /** The Tessera payload currently on the card (null when blank). */
  payload: Uint8Array | null;
  request: OperationRequest;
  terminal: TerminalCredentials;
  grant: GrantScope;
  policy: OperationPolicy;
  usage: OfflineUsage;
  /** Epoch seconds (terminal clock). */
  now: number;
  event: { id: string; seq: number };
}

export type OperationResult =
  | { ok: true; payload: Uint8Array; state: CardState; event: TerminalEvent; usage: OfflineUsage }
  | { ok: false; refusal: Refusal };

function refuse(code: RefusalCode, detail: string, verdict?: CardVerdict): OperationResult {
  return { ok: false, refusal: { code, detail, ...(verdict ? { verdict: verdict.kind } : {}) } };
}

function randomCardId(): string {
  return toHex(crypto.getRandomValues(new Uint8Array(8)));
}

/** Value moved off (negative) or onto (positive) the card, and which operations count toward offline limits. */
function valueDelta(request: OperationRequest, current: CardState | null, entryFee: number): number {
  switch (request.op) {
    case "debit":
    case "checkout":
      return -request.amount;
    case "refund":
    case "topup":
      return request.amount;
    case "payout":
      return -(current?.balance ?? 0);
    case "checkin":
      return -entryFee;
    default:
      return 0;
  }
}

export async function applyOperation(input: OperationInput): Promise<OperationResult> {
  const { verdict, request, grant, policy, usage, now, terminal } = input;
  const op = request.op;

  if (!WRITABLE_LAYOUTS.includes(policy.layouts.write)) {
    return refuse(
      "layout_not_supported",
      `policy asks for layout ${policy.layouts.write}; this software writes layout ${WRITABLE_LAYOUTS.join(", ")}`,
    );
  }
  if (now < grant.notBefore) return refuse("grant_not_yet_valid", "the session grant is not valid yet");
  if (now >= grant.expiresAt) return refuse("grant_expired", "the session grant has expired");
  const cert = decodeCertificate(terminal.certificate);
  if (now < cert.validFrom || now > cert.validUntil)
    return refuse("certificate_expired", "the terminal certificate is not valid now");
  if (!grant.operations.includes(op) || !cert.operations.includes(op)) {
    return refuse("operation_not_allowed", `this terminal may not ${op}`);
  }
  if (ONLINE_ONLY_OPERATIONS.includes(op) && !("authorisationId" in request && request.authorisationId)) {
    return refuse("online_only", `${op} needs an online authorisation from the backend`);
  }

  // Which state the new one is written over.
  let current: CardState | null = null;
  let target: SlotIndex = 0;
  let recovered = false;
  if (op === "issue") {
    if (verdict.kind !== "not_activated")
      return refuse("already_activated", "this card is already a Tessera card");
  } else if (op === "reissue") {
    // A restore starts from the reconciled ledger, whatever the card holds now (it may be tampered or blank).
  } else if (op === "block" && "state" in verdict && verdict.kind !== "valid" && verdict.kind !== "blocked") {
    // Any terminal may block a card it caught misbehaving (clone, revoked writer, out of scope, expired).
    current = verdict.state;
    target = findSlot(input.payload, current) === 0 ? 1 : 0;
  } else if (verdict.kind === "valid") {
    current = verdict.state;
    target = verdict.activeSlot === 0 ? 1 : 0;
    recovered = verdict.recovered;
  } else if (verdict.kind === "blocked") {
    return refuse("card_blocked", "this card is blocked", verdict);
  } else if (verdict.kind === "not_activated") {
    return refuse("not_activated", "this card has not been issued", verdict);
  } else {
    return refuse("card_not_valid", `card refused: ${verdict.kind}`, verdict);
  }

  // Amount, limits and balance.
  const amount =
    request.op === "payout"
      ? (current?.balance ?? 0)
      : request.op === "checkin"
        ? policy.sessions.entryFee
        : "amount" in request
          ? request.amount
          : 0;
  if (!Number.isSafeInteger(amount) || amount < 0 || amount > MAX_UINT24)
    return refuse("invalid_amount", "amount out of range");
  // A check-out may be free (a flat entry fee already paid); everything else that moves value moves some.
  if ((op === "debit" || op === "refund" || op === "topup") && amount === 0) {
    return refuse("invalid_amount", "amount must be positive");
  }
  const delta = valueDelta(request, current, policy.sessions.entryFee);
  const moved = Math.abs(delta);
  if (!ONLINE_ONLY_OPERATIONS.includes(op)) {
    if (moved > grant.limits.perTransaction)
      return refuse("over_transaction_limit", "over the per-transaction limit");
    if (usage.value + moved > grant.limits.cumulativeValue)
      return refuse("over_offline_value", "offline value limit reached");
    if (usage.count + 1 > grant.limits.cumulativeCount)
      return refuse("over_offline_count", "offline transaction limit reached");
  }
  const balanceBefore = current?.balance ?? 0;
  let balance = balanceBefore + delta;
  if (balance < 0) return refuse("insufficient_balance", "not enough balance on the card");
  if (request.op === "reissue") balance = request.restore.balance;
  if (balance > policy.balanceCap && delta > 0)
    return refuse("over_balance_cap", "the card would exceed its balance cap");

  // Session rules.
  let session: CardSession | null = current?.session ?? null;
  if (request.op === "checkin") {
    if (session) return refuse("session_open", "this card is already checked in");
    if (!Number.isInteger(request.zone) || request.zone < 1 || request.zone > 255)
      return refuse("invalid_amount", "zone must be 1..255");
    session = { startedAt: now, zone: request.zone };
  } else if (request.op === "checkout") {
    if (!session) return refuse("no_session", "this card is not checked in");
    session = null;
  } else if (request.op === "debit" && policy.sessions.required && !session) {
    return refuse("session_required", "check in first");
  }

  // Counter: +1, or +2 over a recovered card so the state that may have been lost keeps its number.
  let counter: number;
  let previousChain: Uint8Array;
  let historyEntries: number;
  let cardId: string;
  let history: { op: Operation; amount: number; at: number }[];
  if (request.op === "issue") {
    cardId = request.cardId ?? randomCardId();
    counter = 1;
    previousChain = GENESIS_CHAIN;
    historyEntries = request.historyEntries ?? DEFAULT_HISTORY_ENTRIES;
    if (historyEntriesForSlot(slotBytes(historyEntries)) !== historyEntries) {
      return refuse(
        "invalid_request",
        `a card cannot hold ${historyEntries} history entries (even numbers 2..34)`,
      );
    }
    history = [];
  } else if (request.op === "reissue") {
    cardId = request.restore.cardId;
    counter = request.restore.counter + 2;
    previousChain = fromHex(request.restore.chain);
    const existing = input.payload ? splitPayload(input.payload) : undefined;
    historyEntries = existing ? historyEntriesForSlot(existing[0].length)! : DEFAULT_HISTORY_ENTRIES;
    history = [];
    session = null;
  } else {
    const state = current!;
    cardId = state.cardId;
    counter = state.counter + (recovered ? 2 : 1);
    previousChain = fromHex(state.chain);
    historyEntries = historyEntriesForSlot(state.bytes.length)!;
    history = state.history.map((h) => ({ op: h.op, amount: h.amount, at: h.at }));
  }
  if (counter > MAX_UINT32)
    return refuse("counter_exhausted", "this card's counter is exhausted; reissue it");
  history = [{ op, amount, at: now }, ...history].slice(0, historyEntries);

  const status: CardStatus = request.op === "block" ? request.status : "active";
  const slot = await sealSlot({
    fields: {
      flags: { recovered: recovered && op !== "reissue", restored: op === "reissue", issued: op === "issue" },
      status,
      cardId,
      counter,
      balance,
      session,
      writtenAt: now,
      // The card keeps the low 16 bits; the event names the grant in full.
      grantSeq: grant.grantSeq & 0xffff,
      history,
    },
    previousChain,
    historyEntries,
    certificate: terminal.certificate,
    uid: input.uid,
    deviceKey: terminal.deviceKey,
  });
  const freshStart = op === "issue" || op === "reissue";
  const payload = freshStart
    ? composePayload(slot, 0, null)
    : composePayload(
        slot,
        target,
        input.payload && input.payload.length === payloadBytes(historyEntries) ? input.payload : null,
      );
  const state = openSlot(slot);

  const event = await signEvent(
    {
      id: input.event.id,
      terminalId: terminal.terminalId,
      terminalNumber: terminal.terminalNumber,
      grantId: grant.grantId,
      seq: input.event.seq,
      at: now,
      op,
      amount,
      card: {
        id: cardId,
        uid: toHex(input.uid),
        counterBefore: request.op === "reissue" ? request.restore.counter : current ? current.counter : null,
        counterAfter: counter,
        balanceBefore: request.op === "reissue" ? request.restore.balance : current ? current.balance : null,
        balanceAfter: balance,
        chainBefore: freshStart ? (op === "reissue" ? toHex(previousChain) : null) : current!.chain,
        chainAfter: state.chain,
        slot: toBase64Url(slot),
      },
      outcome: "confirmed",
      recovered,
      ...("productId" in request && request.productId ? { productId: request.productId } : {}),
      ...("authorisationId" in request && request.authorisationId
        ? { authorisationId: request.authorisationId }
        : {}),
      ...(grant.locationId ? { locationId: grant.locationId } : {}),
    },
    terminal.deviceKey,
  );
  const counted = ONLINE_ONLY_OPERATIONS.includes(op)
    ? usage
    : { value: usage.value + moved, count: usage.count + 1 };
  return { ok: true, payload, state, event, usage: counted };
}

/** Which slot of a payload holds exactly this state. */
function findSlot(payload: Uint8Array | null, state: CardState): SlotIndex | undefined {
  const slots = payload ? splitPayload(payload) : undefined;
  if (!slots) return undefined;
  return slots.findIndex(
    (s) => s.length === state.bytes.length && s.every((b, i) => b === state.bytes[i]),
  ) as SlotIndex;
}
