/**
 * The tap: read → verify → decide → make the event durable → write the card → read it back → settle.
 *
 * The order is chosen so that a crash (power loss, a killed tab, a thrown error) at any step boundary
 * loses nothing and doubles nothing. What each boundary leaves behind, and what makes it safe:
 *
 * - after "read", "verified", "decided": nothing about this tap is stored and the card is untouched; the
 *   event's `seq` was not taken, so the sequence stays gapless. (A read settles earlier uncertain taps of
 *   this chip and remembers its counter, each in its own transaction: done or not done, never half.)
 * - after "pending-durable": one transaction holds the event (signed "uncertain", status `pending_write`),
 *   its uncertain-tap record (with the "confirmed" version signed in advance), the new `seq` and the
 *   offline usage. The card may or may not be written next. On restart every `pending_write` becomes
 *   `uncertain`; the next read of the chip confirms it (our slot is on the card) or voids it (the card is
 *   still at the old state) — exactly one outcome, by one transaction.
 * - after "card-written" and "read-back": the card holds the new state (or, torn, the old one), the store
 *   still says `pending_write`: the same restart path as above settles it from the card itself.
 * - after "settled": the event is `confirmed` (or `uncertain`) and the card memory is updated, all in one
 *   transaction; only the result was not shown. After a restart the screen shows the card's new state and
 *   (while its event waits in the outbox) the tap, so the operator can see it happened before charging again.
 *
 * Usage is counted when the event becomes durable, before the card is written: a tap that might have moved
 * value always counts toward the grant's offline limits, and a void does not give it back (the safe side).
 * The upload never takes `pending_write` events, and takes `uncertain` ones only after a hold, so a
 * settlement normally reaches the server instead of the guess.
 */
import {
  applyOperation,
  type CardReadResult,
  type CardTransport,
  type CardVerdict,
  cardImageFromRead,
  cardRecords,
  equalBytes,
  type OperationRequest,
  type PolicyDocument,
  signEvent,
  toHex,
  type VerifyContext,
  verdictState,
  verifyCard,
} from "@tessera/protocol";
import { PATHS, TopupAuthorisationAnswer } from "../backend/contract.ts";
import { cardStateRecord } from "../cards/card-memory.ts";
import { errorMessage } from "../errors.ts";
import {
  type ActiveGrant,
  grantCredentials,
  nowSeconds,
  publishGrant,
  publishOutbox,
  type Runtime,
  usageOf,
} from "../runtime.ts";
import type { LastTap } from "../state/terminal-state.ts";
import { inTransaction } from "../storage/database.ts";
import type { DeviceRecord, DocumentRecord, TerminalRecord } from "../storage/records.ts";
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

/** Remembers what a read showed (counter, last known state) and puts the card on the screen. */
async function rememberRead(rt: Runtime, uid: Uint8Array, verdict: CardVerdict): Promise<void> {
  const observation = rt.cards.observe(uid, verdict, rt.clock.now());
  if (observation.counter || observation.state) {
    await inTransaction(rt.db, ["recentCounters", "cardStates"], "readwrite", (tx) =>
      rt.cards.write(
        { recentCounters: tx.objectStore("recentCounters"), cardStates: tx.objectStore("cardStates") },
        observation,
      ),
    );
    rt.cards.apply(observation);
  }
  const shown = verdictState(verdict);
  rt.state.update({
    lastCard: {
      verdict: verdict.kind,
      uid: toHex(uid),
      // A refused card still shows what it claims (its last known balance), marked with the verdict.
      state: observation.state ?? (shown ? cardStateRecord(shown, uid, verdict, rt.clock.now()) : null),
    },
  });
}

/** Reads a card and settles what is pending for it; shared by taps and plain balance reads. */
async function readAndVerify(
  rt: Runtime,
  transport: CardTransport,
  inTap: boolean,
): Promise<
  | { ok: true; read: CardReadResult; verdict: CardVerdict; ready: Ready; settled: Settlement[] }
  | { ok: false; code: EngineRefusalCode; detail: string }
> {
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
  if (settled.length > 0) await publishOutbox(rt);
  await rememberRead(rt, read.uid, verdict);
  return { ok: true, read, verdict, ready, settled };
}

/** A read with no write: the cardholder's balance, and the moment uncertain taps of this chip settle. */
export async function readCard(rt: Runtime, transport: CardTransport): Promise<CardReadResultView> {
  const outcome = await readAndVerify(rt, transport, false);
  if (!outcome.ok) return { kind: "refused", code: outcome.code, detail: outcome.detail };
  return { kind: "read", uid: toHex(outcome.read.uid), verdict: outcome.verdict, settled: outcome.settled };
}

async function authoriseTopup(rt: Runtime, cardId: string, amount: number): Promise<string> {
  const credentials = grantCredentials(rt);
  if (!credentials) throw new Error("a top-up is authorised online with a session grant in force");
  const answer = await rt.client.json("reconciliation", "POST", PATHS.topupAuthorisations, {
    credentials,
    proof: true,
    body: { cardId, amount },
  });
  return TopupAuthorisationAnswer.parse(answer).authorisationId;
}

function refused(
  rt: Runtime,
  op: OperationRequest["op"],
  code: TapRefusalCode,
  detail: string,
  verdict?: CardVerdict,
): TapResult {
  rt.counters.tapsRefused++;
  const state = verdict ? verdictState(verdict) : undefined;
  showTap(rt, {
    at: nowSeconds(rt),
    op,
    kind: "refused",
    code,
    ...(state ? { cardId: state.cardId, balance: state.balance } : {}),
  });
  return { kind: "refused", code, detail, ...(verdict ? { verdict } : {}) };
}

function showTap(rt: Runtime, tap: LastTap): void {
  rt.state.update({ lastTap: tap });
}

export async function performTap(
  rt: Runtime,
  transport: CardTransport,
  request: OperationRequest,
): Promise<TapResult> {
  const op = request.op;
  const first = await readAndVerify(rt, transport, true);
  if (!first.ok) return refused(rt, op, first.code, first.detail);
  const { read, verdict, ready } = first;
  await rt.checkpoint("verified");

  // The grant names the deny-list version it was issued against; acting on an older list could let a
  // card or terminal revoked since then through.
  if (rt.denyList.version < ready.grant.record.claims.dlv) {
    return refused(
      rt,
      op,
      "deny_list_outdated",
      `the grant needs deny list ${ready.grant.record.claims.dlv}; this terminal has ${rt.denyList.version}`,
      verdict,
    );
  }
  // Android writes the NDEF length last, so a torn write reads as an empty chip: never issue over a chip
  // this terminal knows; it is restored (reissued) at a station instead.
  if (op === "issue" && verdict.kind === "not_activated" && (await rt.cards.knowsChip(rt.db, read.uid))) {
    return refused(
      rt,
      op,
      "torn_card",
      "this chip held a Tessera card: restore it instead of issuing",
      verdict,
    );
  }

  let effective = request;
  if (request.op === "topup" && !request.authorisationId && verdict.kind === "valid") {
    try {
      effective = {
        ...request,
        authorisationId: await authoriseTopup(rt, verdict.state.cardId, request.amount),
      };
    } catch (error) {
      return refused(rt, op, "online_authorisation_failed", errorMessage(error), verdict);
    }
  }

  const seq = rt.lastSeq + 1;
  const grant = ready.grant;
  const now = nowSeconds(rt);
  const deviceKey = ready.device.keyPair.privateKey;
  const decision = await applyOperation({
    verdict,
    uid: read.uid,
    payload: cardImageFromRead(read).payload,
    request: effective,
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
    event: { id: crypto.randomUUID(), seq },
  });
  await rt.checkpoint("decided");
  if (!decision.ok) return refused(rt, op, decision.refusal.code, decision.refusal.detail, verdict);

  // Durable before the card is touched, and claiming no more than is known: "uncertain".
  const confirmedEvent = decision.event;
  const uncertainEvent = await signEvent({ ...confirmedEvent, outcome: "uncertain" }, deviceKey);
  const cardId = decision.state.cardId;
  const usage = { grantId: grant.scope.grantId, ...decision.usage, updatedAt: now };
  const terminalId = ready.terminal.terminalId;
  await inTransaction(
    rt.db,
    ["outbox", "uncertainTaps", "offlineUsage", "sequence"],
    "readwrite",
    async (tx) => {
      const sequence = tx.objectStore("sequence");
      // Two engines on one database would hand out one seq twice; refuse rather than fork the sequence.
      if (((await sequence.get(terminalId))?.lastSeq ?? 0) !== seq - 1) {
        throw new Error("the event sequence moved during the tap: is a second engine using this storage?");
      }
      await tx.objectStore("outbox").put({
        id: confirmedEvent.id,
        seq,
        status: "pending_write",
        event: uncertainEvent,
        cardId,
        at: now,
        heldUntil: now + rt.settings.uncertainHoldSeconds,
      });
      await tx.objectStore("uncertainTaps").put({
        eventId: confirmedEvent.id,
        uid: toHex(read.uid),
        cardId,
        counterAfter: decision.state.counter,
        chainAfter: decision.state.chain,
        slot: confirmedEvent.card.slot,
        confirmedEvent,
        at: now,
      });
      await tx.objectStore("offlineUsage").put(usage);
      await sequence.put({ terminalId, lastSeq: seq });
    },
  );
  rt.lastSeq = seq;
  rt.usage = usage;
  publishGrant(rt);
  await publishOutbox(rt);
  await rt.checkpoint("pending-durable");

  let writeError: unknown;
  try {
    await transport.write(cardRecords(decision.payload));
  } catch (error) {
    writeError = error;
  }
  await rt.checkpoint("card-written");

  // Confirmed only if the same chip now verifies as exactly the state we signed (any verdict that carries
  // a state has passed the signature checks; a block over a refused state reads back as refused).
  let backVerdict: CardVerdict | undefined;
  try {
    const back = await transport.read();
    if (equalBytes(back.uid, read.uid)) {
      backVerdict = await verifyCard(cardImageFromRead(back), verifyContext(rt, ready));
    }
  } catch {
    // The card left the field: the write stays unconfirmed.
  }
  const backState = backVerdict ? verdictState(backVerdict) : undefined;
  const confirmed = backState !== undefined && equalBytes(backState.bytes, decision.state.bytes);
  await rt.checkpoint("read-back");

  if (confirmed && backVerdict) {
    const observation = rt.cards.observe(read.uid, backVerdict, rt.clock.now());
    await inTransaction(
      rt.db,
      ["outbox", "uncertainTaps", "recentCounters", "cardStates"],
      "readwrite",
      async (tx) => {
        const outbox = tx.objectStore("outbox");
        const record = await outbox.get(confirmedEvent.id);
        if (record) await outbox.put({ ...record, status: "confirmed", event: confirmedEvent, heldUntil: 0 });
        await tx.objectStore("uncertainTaps").delete(confirmedEvent.id);
        await rt.cards.write(
          { recentCounters: tx.objectStore("recentCounters"), cardStates: tx.objectStore("cardStates") },
          observation,
        );
      },
    );
    rt.cards.apply(observation);
    rt.state.update({
      lastCard: {
        verdict: backVerdict.kind,
        uid: toHex(read.uid),
        state: observation.state ?? rt.state.getSnapshot().lastCard?.state ?? null,
      },
    });
  } else {
    await inTransaction(rt.db, ["outbox"], "readwrite", async (tx) => {
      const record = await tx.objectStore("outbox").get(confirmedEvent.id);
      if (record?.status === "pending_write")
        await tx.objectStore("outbox").put({ ...record, status: "uncertain" });
    });
  }
  await rt.checkpoint("settled");
  await publishOutbox(rt);
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
    return { kind: "uncertain", op, amount, cardId, event: uncertainEvent, detail };
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
  };
}
