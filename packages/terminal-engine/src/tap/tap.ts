/**
 * The tap: read → verify → decide → make the event durable → write the card → read it back → settle.
 *
 * The order is chosen so that a crash (power loss, a killed tab, a thrown error) at any step boundary
 * loses nothing and doubles nothing. What each boundary leaves behind, and what makes it safe:
 *
 * - after "read", "verified", "decided": nothing about this tap is stored and the card is untouched; the
 *   event's `seq` was not taken, so the sequence stays gapless. (A read settles earlier uncertain taps of
 *   this chip, each in its own transaction: done or not done, never half. What the read taught the card
 *   memory is stored with the tap's event below, or, when the tap is refused, with the refusal's tally.)
 * - after "pending-durable": one write holds the tap's outbox record — the event (signed "uncertain", status
 *   `pending_write`), its unsettled write (with the "confirmed" version signed in advance), the offline usage,
 *   the shift it is counted in and the card state it was written over (see records.ts). The card may or may
 *   not be written next. On restart every `pending_write` becomes `uncertain`; the next read of the chip
 *   confirms it (our slot is on the card) or voids it (the card is still at the old state) — exactly one
 *   outcome, by one write, which moves the tally with it.
 * - after "card-written" and "read-back": the card holds the new state (or, torn, the old one), the store
 *   still says `pending_write`: the same restart path as above settles it from the card itself.
 * - after "settled": the settlement (the record `confirmed`, or `uncertain`) is held in memory and the result
 *   is shown. The next tap's one write carries it (`settles` in that record) — durable from then on, and
 *   folded into its own record when the engine is idle — or, if no tap follows, it is written as soon as the
 *   engine is idle. A crash before either leaves `pending_write`, exactly as after "read-back": nothing is lost
 *   or doubled; after a restart the screen shows the card's new state and (while its event waits in the
 *   outbox) the tap, so the operator can see it happened before charging again.
 *
 * Usage is counted when the event becomes durable, before the card is written: a tap that might have moved
 * value always counts toward the grant's offline limits, and a void does not give it back (the safe side).
 * The upload never takes `pending_write` events, and takes `uncertain` ones only after a hold, so a
 * settlement normally reaches the server instead of the guess.
 *
 * The tap writes storage once before the card is touched and, when taps follow each other, not at all after
 * it: its settlement rides in the next tap's record. Counters, card memory, the outbox gauge and the tally
 * are kept in memory and carried by the records; nothing is recounted on the way.
 */
import {
  applyOperation,
  type CardImage,
  type CardReadResult,
  type CardTransport,
  type CardVerdict,
  cardImageFromRead,
  cardRecords,
  equalBytes,
  eventSigningBytes,
  ONLINE_ONLY_OPERATIONS,
  type OperationRequest,
  type OperationResult,
  type PolicyDocument,
  type SlotCondition,
  type SlotIndex,
  sign,
  splitPayload,
  type TerminalEvent,
  toBase64Url,
  toHex,
  type VerifyContext,
  verdictState,
  verifyCard,
} from "@tessera/protocol";
import { AuthorisationAnswer, PATHS } from "../backend/contract.ts";
import { type CardObservation, cardStateRecord, NOTHING_LEARNT } from "../cards/card-memory.ts";
import { errorMessage } from "../errors.ts";
import {
  type ActiveGrant,
  grantCredentials,
  nowSeconds,
  publishGrant,
  publishOutbox,
  publishShift,
  type Runtime,
  settlementOf,
  usageOf,
} from "../runtime.ts";
import { countConfirmed, countPending, countRefused, uncountConfirmed } from "../shift/shift-tally.ts";
import type { LastTap } from "../state/terminal-state.ts";
import { CURRENT, inTransaction, putRecords } from "../storage/database.ts";
import type { DeviceRecord, DocumentRecord, OutboxRecord, TerminalRecord } from "../storage/records.ts";
import type {
  CardReadResultView,
  EngineRefusalCode,
  Settlement,
  TapRefusalCode,
  TapResult,
} from "./results.ts";
import { settleEarlierTaps } from "./settle.ts";

interface Ready {
  device: DeviceRecord;
  terminal: TerminalRecord;
  grant: ActiveGrant;
  policy: DocumentRecord<PolicyDocument>;
}

/** What a terminal needs before it can verify a card at all. */
function readiness(rt: Runtime): Ready | { code: EngineRefusalCode; detail: string } {
  if (!rt.device || !rt.terminal) return { code: "not_enrolled", detail: "this terminal is not enrolled" };
  if (!rt.grant) return { code: "no_grant", detail: "no session grant yet: connect to the backend once" };
  if (!rt.policy) return { code: "no_policy", detail: "no policy yet: connect to the backend once" };
  return { device: rt.device, terminal: rt.terminal, grant: rt.grant, policy: rt.policy };
}

export function verifyContext(rt: Runtime, ready: Ready): VerifyContext {
  return {
    keys: ready.grant.keys,
    policy: {
      readableLayouts: ready.policy.document.layouts.readable,
      acceptedKeyVersions: ready.policy.document.keys.acceptedVersions,
    },
    denyList: rt.denyList,
    remembered: rt.cards.remembered,
  };
}

/** Puts the card just read on the screen: its state, or what a refused card claims, marked with the verdict. */
function showCard(rt: Runtime, uid: Uint8Array, verdict: CardVerdict, observation: CardObservation): void {
  const shown = verdictState(verdict);
  rt.state.update({
    lastCard: {
      verdict: verdict.kind,
      uid: toHex(uid),
      state: observation.state ?? (shown ? cardStateRecord(shown, uid, verdict, rt.clock.now()) : null),
    },
  });
}

interface FirstRead {
  ok: true;
  read: CardReadResult;
  image: CardImage;
  verdict: CardVerdict;
  ready: Ready;
  settled: Settlement[];
  /** What the read taught the card memory, not stored yet: it goes into the tap's first transaction. */
  observation: CardObservation;
}

/** Reads a card and settles what is pending for it; shared by taps and plain balance reads. */
async function readAndVerify(
  rt: Runtime,
  transport: CardTransport,
  inTap: boolean,
): Promise<FirstRead | { ok: false; code: EngineRefusalCode; detail: string }> {
  let read: CardReadResult;
  try {
    read = await transport.read();
  } catch (error) {
    return { ok: false, code: "card_read_failed", detail: errorMessage(error) };
  }
  if (inTap) await rt.checkpoint("read");
  const ready = readiness(rt);
  if ("code" in ready) return { ok: false, ...ready };
  const image = cardImageFromRead(read);
  const verdict = await verifyCard(image, verifyContext(rt, ready));
  const settled = await settleEarlierTaps(rt, image, verdict, ready.device.keyPair.privateKey);
  const observation = rt.cards.observe(read.uid, verdict, rt.clock.now());
  showCard(rt, read.uid, verdict, observation);
  return { ok: true, read, image, verdict, ready, settled, observation };
}

/**
 * Stores what a read taught the card memory, and counts a refusal in the shift tally, in one transaction
 * (reads and refused taps write no event to carry either).
 */
async function remember(rt: Runtime, observation: CardObservation, refusal?: TapRefusalCode): Promise<void> {
  if (!observation.counter && !refusal) return;
  await inTransaction(rt.db, ["recentCounters", "cardStates", "shift"], "readwrite", async (tx) => {
    const shift = tx.objectStore("shift");
    await rt.cards.write(
      { recentCounters: tx.objectStore("recentCounters"), cardStates: tx.objectStore("cardStates") },
      observation,
    );
    // The stored tally is the base the outbox's taps are added to (see shift-tally.ts): count it there.
    const base = refusal ? await shift.get(CURRENT) : undefined;
    if (base && refusal) await shift.put(countRefused(base, refusal), CURRENT);
  });
  rt.cards.apply(observation);
  if (refusal) {
    rt.shift = countRefused(rt.shift, refusal);
    publishShift(rt);
  }
}

/** A read with no write: the cardholder's balance, and the moment uncertain taps of this chip settle. */
export async function readCard(rt: Runtime, transport: CardTransport): Promise<CardReadResultView> {
  const outcome = await readAndVerify(rt, transport, false);
  if (!outcome.ok) return { kind: "refused", code: outcome.code, detail: outcome.detail };
  await remember(rt, outcome.observation);
  return { kind: "read", uid: toHex(outcome.read.uid), verdict: outcome.verdict, settled: outcome.settled };
}

/**
 * Asks the backend, online, for the authorisation a top-up, pay-out or restore is written with. `amount` is
 * what it covers: the value a top-up adds, the balance a pay-out hands out, the balance a restore writes.
 */
async function authoriseOnline(
  rt: Runtime,
  body: { op: "topup" | "payout" | "reissue"; cardId: string; amount: number; counter?: number },
): Promise<string> {
  const credentials = grantCredentials(rt);
  if (!credentials) throw new Error(`a ${body.op} is authorised online with a session grant in force`);
  const answer = await rt.client.json("reconciliation", "POST", PATHS.authorisations, {
    credentials,
    proof: true,
    body,
  });
  return AuthorisationAnswer.parse(answer).authorisationId;
}

/** What the backend is asked to authorise for this request, decided as if authorised (`trial`). */
function authorisationAsked(request: OperationRequest, trial: TerminalEvent) {
  switch (request.op) {
    case "topup":
      return { op: "topup", cardId: trial.card.id, amount: request.amount } as const;
    case "payout":
      return { op: "payout", cardId: trial.card.id, amount: trial.amount } as const;
    case "reissue":
      return {
        op: "reissue",
        cardId: request.restore.cardId,
        amount: request.restore.balance,
        counter: request.restore.counter,
      } as const;
    default:
      return undefined;
  }
}

/** The request with an online authorisation id, for the operations that carry one. */
function authorised(request: OperationRequest, authorisationId: string): OperationRequest {
  switch (request.op) {
    case "topup":
    case "payout":
    case "reissue":
      return { ...request, authorisationId };
    default:
      return request;
  }
}

/** A refusal is counted in the shift tally, stored with what the read taught the card memory, and shown. */
async function refused(
  rt: Runtime,
  op: OperationRequest["op"],
  code: TapRefusalCode,
  detail: string,
  first?: { verdict: CardVerdict; observation: CardObservation; settled: Settlement[] },
): Promise<TapResult> {
  rt.counters.tapsRefused++;
  await remember(rt, first?.observation ?? NOTHING_LEARNT, code);
  const state = first ? verdictState(first.verdict) : undefined;
  showTap(rt, {
    at: nowSeconds(rt),
    op,
    kind: "refused",
    code,
    ...(state ? { cardId: state.cardId, balance: state.balance } : {}),
  });
  return {
    kind: "refused",
    code,
    detail,
    ...(first ? { verdict: first.verdict, settled: first.settled } : {}),
  };
}

/**
 * Keeps a tap's settlement for the next write instead of writing it now: the next tap's record carries it,
 * so back-to-back taps cost one write each, and a single tap's is written as soon as the engine is idle. A
 * crash before either leaves the event `pending_write`, as a crash just after the read-back would (see the
 * top of this file).
 */
function holdSettlement(rt: Runtime, record: OutboxRecord, undo: () => void): void {
  rt.held.push({ record, undo });
  rt.requestFlush();
}

function showTap(rt: Runtime, tap: LastTap): void {
  rt.state.update({ lastTap: tap });
}

/**
 * The confirmed event with outcome "uncertain", signed: what is stored before the card is touched. The
 * confirmed event passed the event schema when applyOperation signed it and only its outcome changes here,
 * so it is signed as it is rather than parsed again.
 */
async function asUncertain(event: TerminalEvent, deviceKey: CryptoKey): Promise<TerminalEvent> {
  const { sig: _confirmed, ...fields } = event;
  const unsigned = { ...fields, outcome: "uncertain" as const };
  return { ...unsigned, sig: toBase64Url(await sign(deviceKey, eventSigningBytes(unsigned))) };
}

/**
 * The verdict on the image this tap wrote, when the chip gave it back byte for byte. That image is exactly
 * what applyOperation composed: the new slot, signed by this terminal a moment ago over a state it built from
 * the verified one, and the other slot copied from that verified read (or empty, for a fresh start). So its
 * signatures need no second check, and its verdict follows from the new state alone.
 */
function writtenImageVerdict(decision: Extract<OperationResult, { ok: true }>): CardVerdict {
  const state = decision.state;
  if (state.status !== "active") return { kind: "blocked", state, reason: "status" };
  const slots = splitPayload(decision.payload)!;
  const active: SlotIndex = equalBytes(slots[0], state.bytes) ? 0 : 1;
  const other: SlotCondition = slots[active === 0 ? 1 : 0].every((b) => b === 0) ? "empty" : "valid";
  return {
    kind: "valid",
    state,
    activeSlot: active,
    slots: active === 0 ? ["valid", other] : [other, "valid"],
    recovered: false,
  };
}

/**
 * Reads the chip after the write. The same chip giving back exactly the payload written is confirmed at once
 * (see writtenImageVerdict); anything else — a tear, a garbled page, a half-written NDEF message — is
 * verified in full, as any other reader would, and the write counts only if the state it shows is ours.
 */
async function readBack(
  rt: Runtime,
  transport: CardTransport,
  uid: Uint8Array,
  decision: Extract<OperationResult, { ok: true }>,
  ready: Ready,
): Promise<CardVerdict | undefined> {
  let back: CardReadResult;
  try {
    back = await transport.read();
  } catch {
    // The card left the field: the write stays unconfirmed.
    return undefined;
  }
  if (!equalBytes(back.uid, uid)) return undefined;
  const image = cardImageFromRead(back);
  if (image.payload && equalBytes(image.payload, decision.payload)) return writtenImageVerdict(decision);
  return verifyCard(image, verifyContext(rt, ready));
}

export async function performTap(
  rt: Runtime,
  transport: CardTransport,
  request: OperationRequest,
): Promise<TapResult> {
  const op = request.op;
  const first = await readAndVerify(rt, transport, true);
  if (!first.ok) return refused(rt, op, first.code, first.detail);
  const { read, image, verdict, ready } = first;
  await rt.checkpoint("verified");

  // The grant names the deny-list version it was issued against; acting on an older list could let a
  // card or terminal revoked since then through.
  if (rt.denyList.version < ready.grant.record.claims.dlv) {
    return refused(
      rt,
      op,
      "deny_list_outdated",
      `the grant needs deny list ${ready.grant.record.claims.dlv}; this terminal has ${rt.denyList.version}`,
      first,
    );
  }
  // Android writes the NDEF length last, so a torn write reads as an empty chip: never issue over a chip
  // this terminal knows; it is restored (reissued) at a station instead.
  if (op === "issue" && verdict.kind === "not_activated" && rt.cards.knowsChip(read.uid)) {
    return refused(
      rt,
      op,
      "torn_card",
      "this chip held a Tessera card: restore it instead of issuing",
      first,
    );
  }

  const seq = rt.lastSeq + 1;
  const grant = ready.grant;
  const now = nowSeconds(rt);
  const deviceKey = ready.device.keyPair.privateKey;
  const eventId = crypto.randomUUID();
  const decide = (asked: OperationRequest) =>
    applyOperation({
      verdict,
      uid: read.uid,
      payload: image.payload,
      request: asked,
      terminal: {
        terminalId: ready.terminal.terminalId,
        terminalNumber: ready.terminal.terminalNumber,
        certificate: grant.record.certificate,
        deviceKey,
      },
      grant: grant.scope,
      policy: ready.policy.document,
      usage: usageOf(rt, grant.scope.grantId),
      now,
      event: { id: eventId, seq },
    });

  let effective = request;
  if (ONLINE_ONLY_OPERATIONS.includes(op) && !("authorisationId" in request && request.authorisationId)) {
    // Every other check comes first — the card, the grant, the balance cap —, decided as if authorised: a
    // refusal then names its real reason, and the backend is never asked to authorise what this terminal
    // would refuse anyway. The trial's signatures are thrown away with it.
    const trial = await decide(authorised(request, "trial"));
    if (!trial.ok) return refused(rt, op, trial.refusal.code, trial.refusal.detail, first);
    const asked = authorisationAsked(request, trial.event);
    if (asked) {
      try {
        effective = authorised(request, await authoriseOnline(rt, asked));
      } catch (error) {
        return refused(rt, op, "online_authorisation_failed", errorMessage(error), first);
      }
    }
  }

  const decision = await decide(effective);
  await rt.checkpoint("decided");
  if (!decision.ok) return refused(rt, op, decision.refusal.code, decision.refusal.detail, first);

  // Durable before the card is touched, and claiming no more than is known: "uncertain".
  const confirmedEvent = decision.event;
  const uncertainEvent = await asUncertain(confirmedEvent, deviceKey);
  const cardId = decision.state.cardId;
  const uid = toHex(read.uid);
  const usage = { grantId: grant.scope.grantId, ...decision.usage, updatedAt: now };
  const pendingShift = countPending(rt.shift);
  // The tap's journal: everything the tap changed rides in this one record (see records.ts).
  const pending: OutboxRecord = {
    id: confirmedEvent.id,
    seq,
    status: "pending_write",
    event: uncertainEvent,
    cardId,
    at: now,
    heldUntil: now + rt.settings.uncertainHoldSeconds,
    pending: { uid, confirmedEvent },
    usage: { grantId: usage.grantId, value: usage.value, count: usage.count },
    shiftId: pendingShift.id,
  };
  // Earlier taps' held settlements ride along in this record: one write for all of it.
  const held = rt.held.splice(0);
  const record =
    held.length > 0 ? { ...pending, settles: held.map(({ record }) => settlementOf(record)) } : pending;
  try {
    await putRecords(rt.db, "outbox", [record]);
  } catch (error) {
    // Not written: they wait for the next write, or the flush.
    rt.held.unshift(...held);
    rt.requestFlush();
    // Two engines on one database would hand out one seq twice; the outbox's unique seq index refuses the
    // second (and the upload checks the sequence mark for one already gone). Refuse rather than fork.
    if (error instanceof DOMException && error.name === "ConstraintError")
      throw new Error("the event sequence moved during the tap: is a second engine using this storage?");
    throw error;
  }
  // Durable now, carried by this record; their own records are rewritten when the engine is idle.
  for (const { record: settled } of held) rt.carried.set(settled.id, settled);
  if (held.length > 0) rt.requestFlush();
  rt.lastSeq = seq;
  rt.usage = usage;
  rt.shift = pendingShift;
  // What the read taught is in the record now (the state before the tap), and memory has it at once.
  rt.cards.apply(first.observation);
  rt.outbox.tapStored(uid, now);
  publishGrant(rt);
  publishOutbox(rt);
  publishShift(rt);
  await rt.checkpoint("pending-durable");

  let writeError: unknown;
  try {
    await transport.write(cardRecords(decision.payload));
  } catch (error) {
    writeError = error;
  }
  await rt.checkpoint("card-written");

  // Confirmed only if the same chip now shows exactly the state we signed (any verdict that carries a state
  // has passed the signature checks; a block over a refused state reads back as refused).
  const backVerdict = await readBack(rt, transport, read.uid, decision, ready);
  const backState = backVerdict ? verdictState(backVerdict) : undefined;
  const confirmed = backState !== undefined && equalBytes(backState.bytes, decision.state.bytes);
  await rt.checkpoint("read-back");

  // The settlement: the record confirmed (its unsettled write gone, the state it wrote carried for the card
  // memory) or uncertain. It is held for the next write and applied to memory now; if writing it fails,
  // memory goes back to "unsettled" and the chip's next read settles the tap again.
  if (confirmed && backVerdict) {
    const { pending: _settled, ...rest } = pending;
    const observation = rt.cards.observe(read.uid, backVerdict, rt.clock.now());
    holdSettlement(rt, { ...rest, status: "confirmed", event: confirmedEvent, heldUntil: 0 }, () => {
      rt.outbox.tapsUnsettled(uid);
      if (rt.shift.id === pendingShift.id) rt.shift = uncountConfirmed(rt.shift, confirmedEvent);
      publishOutbox(rt);
      publishShift(rt);
    });
    rt.cards.apply(observation);
    rt.outbox.tapsSettled(uid);
    rt.shift = countConfirmed(rt.shift, confirmedEvent);
    rt.state.update({
      lastCard: {
        verdict: backVerdict.kind,
        uid,
        state: observation.state ?? rt.state.getSnapshot().lastCard?.state ?? null,
      },
    });
  } else {
    holdSettlement(rt, { ...pending, status: "uncertain" }, () => {});
  }
  await rt.checkpoint("settled");
  publishOutbox(rt);
  publishShift(rt);
  rt.requestUpload();

  const amount = confirmedEvent.amount;
  if (!confirmed) {
    rt.counters.uncertain++;
    showTap(rt, { at: now, op, kind: "uncertain", cardId, amount });
    const detail = writeError
      ? `the card write did not complete (${errorMessage(writeError)}): tap the card again`
      : backVerdict
        ? "the card does not show the new state: tap the card again"
        : "the card could not be read back: tap the card again";
    return { kind: "uncertain", op, amount, cardId, event: uncertainEvent, detail, settled: first.settled };
  }
  rt.counters.tapsApproved++;
  showTap(rt, { at: now, op, kind: "done", cardId, amount, balance: decision.state.balance });
  const before = verdictState(verdict);
  return {
    kind: "done",
    op,
    amount,
    cardId,
    balanceBefore: confirmedEvent.card.balanceBefore ?? before?.balance ?? null,
    state: decision.state,
    event: confirmedEvent,
    settled: first.settled,
  };
}
