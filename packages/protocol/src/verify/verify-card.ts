/**
 * Offline card verification: one pure function from the bytes read off a card, the backend's certificate keys,
 * the deny list and the policy to a typed verdict. It never throws on hostile bytes. The order of checks is
 * documented in docs/protocol.md ("Verification order").
 */

import { verifyCertificate } from "../card/certificate.ts";
import {
  classifySlot,
  FUTURE_LAYOUTS,
  READABLE_LAYOUTS,
  type SlotIndex,
  splitPayload,
} from "../card/payload.ts";
import { chainFollows, openSlot, verifySlotSignature } from "../card/slot.ts";
import type { CardState } from "../card/state.ts";
import { balanceAfterOperation } from "../domain/operation.ts";
import { fromHex } from "../encoding/bytes.ts";
import type { CardVerdict, SlotCondition, TamperReason } from "./verdict.ts";

/** What was read off the chip. `payload` is the Tessera record's payload, null when the card has none. */
export interface CardImage {
  uid: Uint8Array;
  payload: Uint8Array | null;
  /** The chip holds an NDEF message that is not a Tessera card. */
  foreign?: boolean;
  /** The chip answered but its NDEF area could not be parsed. */
  unreadable?: string;
}

/** The deny-list lookups verification needs (the full DenyList structure satisfies this). */
export interface DenyLookup {
  hasCard(cardIdHex: string): boolean;
  terminalRevokedFrom(terminalNumber: number): number | undefined;
}

export interface VerifyContext {
  /**
   * The backend's certificate keys by key version (`keysByVersion(certificateKeySet, "certificate")`): never
   * a version's grant key, which signs no certificate (ADR 0004).
   */
  keys: ReadonlyMap<number, CryptoKey>;
  /** Which layouts and key versions the current policy accepts. */
  policy: { readableLayouts: readonly number[]; acceptedKeyVersions: readonly number[] };
  denyList?: DenyLookup;
  /** What this reader last saw of this card (clone and rollback detection). */
  remembered?: (cardIdHex: string) => { counter: number; chain: string } | undefined;
}

type SlotReading =
  | { condition: "empty" }
  | { condition: "damaged"; reason: TamperReason }
  /** Names a layout this reader does not know yet (2..15): the card is newer than this software. */
  | { condition: "future"; layout: number }
  /** Signed under a key version the reader knows but policy no longer accepts (retired or compromised). */
  | { condition: "retired"; counter: number }
  | { condition: "valid"; state: CardState };

async function readSlot(bytes: Uint8Array, uid: Uint8Array, ctx: VerifyContext): Promise<SlotReading> {
  const raw = classifySlot(bytes);
  if (raw.kind === "empty") return { condition: "empty" };
  if (raw.kind === "malformed") return { condition: "damaged", reason: "malformed" };
  if (!READABLE_LAYOUTS.includes(raw.layout) || !ctx.policy.readableLayouts.includes(raw.layout)) {
    const future = raw.layout >= FUTURE_LAYOUTS.min && raw.layout <= FUTURE_LAYOUTS.max;
    return future
      ? { condition: "future", layout: raw.layout }
      : { condition: "damaged", reason: "malformed" };
  }
  let state: CardState;
  try {
    state = openSlot(raw.bytes);
  } catch {
    return { condition: "damaged", reason: "malformed" };
  }
  // An unknown key version is treated like damage: a garbled key-version byte looks exactly like it, and
  // keys are published a full grant lifetime before anything is signed with them, so a terminal allowed
  // to write always knows every key in use. A card whose every slot is unknown is refused.
  const keyVersion = state.certificate.keyVersion;
  if (keyVersion === 0) return { condition: "damaged", reason: "malformed" }; // versions start at 1
  const backendKey = ctx.keys.get(keyVersion);
  if (!backendKey) return { condition: "damaged", reason: "unknown-key-version" };
  if (!ctx.policy.acceptedKeyVersions.includes(keyVersion))
    return { condition: "retired", counter: state.counter };
  if (!(await verifyCertificate(state.certificate, backendKey)))
    return { condition: "damaged", reason: "bad-certificate" };
  if (!(await verifySlotSignature(state, uid))) return { condition: "damaged", reason: "bad-signature" };
  return { condition: "valid", state };
}

/** Checks that `newer` was written over `older`; returns the reason when it was not. */
async function checkSuccession(older: CardState, newer: CardState): Promise<TamperReason | undefined> {
  if (older.cardId !== newer.cardId) return "slot-mismatch";
  if (newer.flags.issued || newer.flags.restored) return undefined; // a fresh start: the other slot is stale
  const step = newer.counter - older.counter;
  if (step !== 1 && !(step === 2 && newer.flags.recovered)) return "counter-gap";
  if (!(await chainFollows(newer, fromHex(older.chain)))) return "chain-break";
  const last = newer.history[0]!;
  const expected = balanceAfterOperation(last.op, older.balance, last.amount);
  if (last.op !== "reissue" && expected !== newer.balance) return "balance-mismatch";
  for (let i = 0; i + 1 < newer.history.length && i < older.history.length; i++) {
    const a = newer.history[i + 1]!;
    const b = older.history[i]!;
    if (a.op !== b.op || a.amount !== b.amount) return "history-mismatch";
  }
  return undefined;
}

/** Checks on the state a reader would act on, in the documented order. */
function judgeState(
  state: CardState,
  active: SlotIndex,
  slots: [SlotCondition, SlotCondition],
  recovered: boolean,
  ctx: VerifyContext,
): CardVerdict {
  const cert = state.certificate;
  if (state.writtenAt < cert.validFrom)
    return { kind: "expired", state, reason: "written-before-certificate" };
  if (state.writtenAt > cert.validUntil)
    return { kind: "expired", state, reason: "written-after-certificate" };
  const last = state.history[0]!;
  if (!cert.operations.includes(last.op)) {
    return { kind: "out_of_scope", state, operation: last.op, terminalNumber: cert.terminalNumber };
  }
  const revokedFrom = ctx.denyList?.terminalRevokedFrom(cert.terminalNumber);
  if (revokedFrom !== undefined && state.writtenAt >= revokedFrom) {
    return { kind: "revoked_terminal", state, terminalNumber: cert.terminalNumber, revokedFrom };
  }
  const remembered = ctx.remembered?.(state.cardId);
  if (remembered) {
    if (state.counter < remembered.counter) {
      return { kind: "clone_suspected", state, reason: "rollback", rememberedCounter: remembered.counter };
    }
    if (state.counter === remembered.counter && state.chain !== remembered.chain) {
      return {
        kind: "clone_suspected",
        state,
        reason: "duplicate-counter",
        rememberedCounter: remembered.counter,
      };
    }
  }
  if (ctx.denyList?.hasCard(state.cardId)) return { kind: "blocked", state, reason: "deny-list" };
  if (state.status !== "active") return { kind: "blocked", state, reason: "status" };
  return { kind: "valid", state, activeSlot: active, slots, recovered };
}

export async function verifyCard(image: CardImage, ctx: VerifyContext): Promise<CardVerdict> {
  try {
    return await verifyCardUnsafe(image, ctx);
  } catch (error) {
    // Hostile bytes must never crash a terminal; anything unexpected is reported, not thrown.
    return {
      kind: "tampered",
      reason: "malformed",
      detail: error instanceof Error ? error.message : String(error),
    };
  }
}

async function verifyCardUnsafe(image: CardImage, ctx: VerifyContext): Promise<CardVerdict> {
  if (image.unreadable) return { kind: "unreadable", reason: image.unreadable };
  if (image.payload === null) return { kind: "not_activated", reason: image.foreign ? "foreign" : "blank" };
  const slots = splitPayload(image.payload);
  if (!slots)
    return { kind: "tampered", reason: "malformed", detail: `payload of ${image.payload.length} bytes` };

  const readings = [
    await readSlot(slots[0], image.uid, ctx),
    await readSlot(slots[1], image.uid, ctx),
  ] as const;

  // A slot in a layout this software cannot read may hold the newest state: never fall back past it.
  for (const r of readings)
    if (r.condition === "future") return { kind: "unsupported_layout", layout: r.layout };

  const conditions = readings.map((r) => (r.condition === "retired" ? "damaged" : r.condition)) as [
    SlotCondition,
    SlotCondition,
  ];
  const valid = ([0, 1] as const).filter((i) => readings[i].condition === "valid");
  const stateOf = (i: SlotIndex) => (readings[i] as { state: CardState }).state;

  // The newest state is under a key policy no longer accepts: refuse (a station re-signs the card); an older
  // slot under such a key is simply stale and does not make the card "recovered".
  const bestValid = valid.length ? Math.max(...valid.map((i) => stateOf(i).counter)) : -1;
  for (const r of readings) {
    if (r.condition === "retired" && r.counter > bestValid) {
      return {
        kind: "tampered",
        reason: "unknown-key-version",
        detail: "signed under a key version policy no longer accepts",
      };
    }
  }

  if (valid.length === 0) {
    // A torn issue leaves a damaged first slot and an empty second one. A well-formed slot under an unknown
    // key is not that: calling it blank would invite a station to issue over somebody's card.
    if (
      readings[0].condition === "damaged" &&
      readings[0].reason !== "unknown-key-version" &&
      readings[1].condition === "empty"
    ) {
      return { kind: "not_activated", reason: "incomplete-issue" };
    }
    if (readings[0].condition === "empty" && readings[1].condition === "empty")
      return { kind: "not_activated", reason: "blank" };
    // Report the most telling reason: an unknown key says more than a bad signature, which says more than noise.
    const reasons = readings.flatMap((r) => (r.condition === "damaged" ? [r.reason] : []));
    const reason = (["unknown-key-version", "bad-certificate", "bad-signature", "malformed"] as const).find(
      (r) => reasons.includes(r),
    );
    return { kind: "tampered", reason: reason ?? "no-valid-slot" };
  }

  if (valid.length === 2) {
    const [a, b] = [stateOf(0), stateOf(1)];
    if (a.counter === b.counter)
      return { kind: "tampered", reason: "slot-mismatch", detail: "both slots have one counter" };
    const newer: SlotIndex = a.counter > b.counter ? 0 : 1;
    const reason = await checkSuccession(stateOf(newer === 0 ? 1 : 0), stateOf(newer));
    if (reason) return { kind: "tampered", reason };
    return judgeState(stateOf(newer), newer, conditions, false, ctx);
  }

  const active = valid[0]!;
  const state = stateOf(active);
  const other = readings[active === 0 ? 1 : 0];
  // An empty partner is normal only right after an issue or restore; otherwise a slot was lost.
  const recovered =
    other.condition === "damaged" ||
    (other.condition === "empty" && !state.flags.issued && !state.flags.restored);
  return judgeState(state, active, conditions, recovered, ctx);
}
