/**
 * Verifies one uploaded event with the same functions a card reader uses, and turns it into the facts the
 * ledger books — taken from the signed slot, never from the terminal's numbers — or a rejection.
 */
import {
  type CardState,
  chainFollows,
  equalBytes,
  type FlagKind,
  fromBase64Url,
  fromHex,
  GENESIS_CHAIN,
  openSlot,
  type PolicyDocument,
  type TerminalEvent,
  toBase64Url,
  toHex,
  verifyCertificate,
  verifyEventSignature,
  verifySlotSignature,
} from "@tessera/protocol";
import { checkEvent, type GrantFacts, type LedgerEvent } from "../ledger/index.ts";
import { type GrantsTerminal, revokedFromSeconds } from "../upstream/grants.ts";
import { type EventEncoding, verifyEncodedSignature } from "./event-encoding.ts";

/** Why an event was not booked: the `code` of its `rejected` result. */
export const REJECTION_CODES = [
  "validation_failed",
  "forbidden",
  "unknown_terminal",
  "bad_signature",
  "slot_mismatch",
  "conflict",
] as const;
export type RejectionCode = (typeof REJECTION_CODES)[number];

/**
 * `booked`: verified, goes into the card's ledger. `voided`: verified, but the terminal itself later saw the
 * write never reached the card (the event's `voided` field): kept as evidence, never booked. Otherwise refused.
 */
export type EventVerdict =
  | { booked: true; voided?: false; facts: LedgerEvent }
  | { booked: false; voided: true; facts: LedgerEvent }
  | { booked: false; voided?: false; code: RejectionCode; detail: string; flag?: FlagKind };

export interface VerificationContext {
  /** The terminal that uploaded the batch (authenticated by its grant and DPoP proof). */
  uploaderTerminalId: string;
  /** The uploader as the grants Worker knows it, null when unknown. */
  terminal: GrantsTerminal | null;
  deviceKey: CryptoKey | null;
  /** Backend public keys by version, from the JWKS. */
  backendKeys: ReadonlyMap<number, CryptoKey>;
  grant(grantId: string): GrantFacts | null;
  /** The policy the event's grant was issued under (the current one when the grant is unknown). */
  policy: PolicyDocument;
  receivedAt: number;
}

// Certificates repeat on every slot a terminal writes; remember the verdict per certificate per isolate.
const certificateVerdicts = new Map<string, boolean>();
// A batch is one terminal's writes, nearly all under one certificate: the last one verified valid is held
// as bytes too, so the next slot carrying it is recognised by comparing bytes rather than encoding them.
let lastValid: { bytes: Uint8Array; key: CryptoKey } | undefined;

async function certificateIsValid(state: CardState, key: CryptoKey): Promise<boolean> {
  const bytes = state.certificate.bytes;
  if (lastValid && lastValid.key === key && equalBytes(lastValid.bytes, bytes)) return true;
  const id = toBase64Url(bytes);
  let valid = certificateVerdicts.get(id);
  if (valid === undefined) {
    valid = await verifyCertificate(state.certificate, key);
    if (certificateVerdicts.size > 5_000) certificateVerdicts.clear();
    certificateVerdicts.set(id, valid);
  }
  if (valid) lastValid = { bytes: bytes.slice(), key };
  return valid;
}

function reject(code: RejectionCode, detail: string, flag?: FlagKind): EventVerdict {
  return { booked: false, code, detail, ...(flag ? { flag } : {}) };
}

/**
 * `encoding`, when given, is the uploaded event's encoding (`encodeEvent` of what was parsed into `event`),
 * whose signed bytes the signature is checked over instead of encoding the event again.
 */
export async function verifyEvent(
  event: TerminalEvent,
  ctx: VerificationContext,
  encoding?: EventEncoding,
): Promise<EventVerdict> {
  if (event.terminalId !== ctx.uploaderTerminalId)
    return reject("forbidden", "Events are uploaded by the terminal that signed them");
  const terminal = ctx.terminal;
  if (
    !terminal ||
    !ctx.deviceKey ||
    terminal.terminalId !== event.terminalId ||
    terminal.terminalNumber !== event.terminalNumber
  ) {
    return reject(
      "unknown_terminal",
      `No enrolled terminal ${event.terminalId} with number ${event.terminalNumber}`,
      "unknown_terminal",
    );
  }
  const signed = encoding
    ? await verifyEncodedSignature(event.sig, encoding, ctx.deviceKey)
    : await verifyEventSignature(event, ctx.deviceKey);
  if (!signed)
    return reject(
      "bad_signature",
      "The event signature does not verify with the terminal's device key",
      "bad_signature",
    );

  let state: CardState;
  try {
    state = openSlot(fromBase64Url(event.card.slot));
  } catch (error) {
    return reject("bad_signature", `The card slot is not a layout-1 slot: ${String(error)}`, "bad_signature");
  }
  const cert = state.certificate;
  const backendKey = ctx.backendKeys.get(cert.keyVersion);
  if (!backendKey)
    return reject(
      "bad_signature",
      `The slot's certificate names unknown key version ${cert.keyVersion}`,
      "bad_signature",
    );
  if (!(await certificateIsValid(state, backendKey)))
    return reject(
      "bad_signature",
      "The slot's certificate does not verify with the backend key",
      "bad_signature",
    );
  if (cert.terminalNumber !== event.terminalNumber || toBase64Url(cert.publicKey) !== terminal.publicKeyJwk.x)
    return reject(
      "slot_mismatch",
      "The slot was signed under another terminal's certificate",
      "bad_signature",
    );
  // The certificate names this terminal's enrolled key (checked above), so the imported device key serves.
  if (!(await verifySlotSignature(state, fromHex(event.card.uid), ctx.deviceKey)))
    return reject("bad_signature", "The slot's signature does not verify over the chip UID", "bad_signature");

  // The event's numbers are claims; the signed slot is the authority. Any disagreement is refused.
  const newest = state.history[0]!;
  const mismatches: string[] = [];
  if (state.cardId !== event.card.id) mismatches.push("card id");
  if (state.counter !== event.card.counterAfter) mismatches.push("counterAfter");
  if (state.balance !== event.card.balanceAfter) mismatches.push("balanceAfter");
  if (state.chain !== event.card.chainAfter) mismatches.push("chainAfter");
  if (newest.op !== event.op) mismatches.push("op");
  if (newest.amount !== event.amount) mismatches.push("amount");
  if (event.op !== "reissue" && state.flags.recovered !== event.recovered) mismatches.push("recovered");
  if (!(await chainFollows(state, event.card.chainBefore ? fromHex(event.card.chainBefore) : GENESIS_CHAIN)))
    mismatches.push("chainBefore");
  if (mismatches.length > 0)
    return reject(
      "slot_mismatch",
      `The event disagrees with its signed slot: ${mismatches.join(", ")}`,
      "bad_signature",
    );

  const policy = ctx.policy;
  const eventFlags = checkEvent({
    event: {
      terminalId: event.terminalId,
      terminalNumber: event.terminalNumber,
      grantId: event.grantId,
      op: newest.op,
      amount: newest.amount,
      writtenAt: state.writtenAt,
      at: event.at,
    },
    certificate: cert,
    grant: ctx.grant(event.grantId),
    revokedAt: revokedFromSeconds(terminal),
    role: terminal.role,
    policy: { clockSkewSeconds: policy.clockSkewSeconds, roles: policy.roles },
    receivedAt: ctx.receivedAt,
  });

  const facts: LedgerEvent = {
    eventId: event.id,
    cardId: state.cardId,
    terminalId: event.terminalId,
    terminalNumber: event.terminalNumber,
    grantId: event.grantId,
    seq: event.seq,
    op: newest.op,
    amount: newest.amount,
    counterBefore: event.card.counterBefore,
    counterAfter: state.counter,
    chainBefore: event.card.chainBefore,
    chainAfter: state.chain,
    balanceBefore: event.card.balanceBefore,
    balanceAfter: state.balance,
    writtenAt: state.writtenAt,
    status: state.status,
    recovered: state.flags.recovered,
    restored: state.flags.restored,
    outcome: event.outcome,
    ...(event.authorisationId ? { authorisationId: event.authorisationId } : {}),
    eventFlags,
  };
  return event.voided !== undefined ? { booked: false, voided: true, facts } : { booked: true, facts };
}

/** Hex SHA-256 fingerprint of a value's JSON, used to tell a duplicate from a conflict. */
export async function fingerprintOf(canonical: string): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(canonical))));
}
