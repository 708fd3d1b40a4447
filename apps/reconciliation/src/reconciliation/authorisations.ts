/**
 * Online authorisations: the operations a station may only write with the backend's say-so first.
 *
 * - A top-up: value enters a card only this way.
 * - A pay-out: the card's balance handed back as cash, so never for a card the ledger knows as blocked or
 *   one deny-listed pending a flag (the value of a lost or cloned card is not paid to whoever holds it).
 * - A restore (reissue): the reconciled balance written onto a card, so only the balance and counter the
 *   ledger restores from now (`GET /v1/cards/{id}/restore`), never a figure the station made up or read
 *   before the ledger moved on.
 *
 * The station writes the card with the authorisation id, and the ledger later matches the uploaded event to
 * it (once, same card, same operation, same amount) or flags it `{op}_unauthorised`.
 */
import { MAX_HISTORY_AMOUNT, type PolicyDocument, TesseraError } from "@tessera/protocol";
import type { AuditActor } from "@tessera/service-kit";
import { auditLog } from "../db/audit.ts";
import { authorisationStore } from "../db/authorisations.ts";
import { cardStore } from "../db/cards.ts";
import { flagStore } from "../db/flags.ts";
import type { AuthorisedOperation } from "../ledger/index.ts";
import { readCardLedger } from "./recompute.ts";

/** A station writes right after asking; a quarter of an hour covers a slow tap without leaving old ones about. */
export const AUTHORISATION_TTL_SECONDS = 15 * 60;

export interface OnlineAuthorisationGrant {
  authorisationId: string;
  op: AuthorisedOperation;
  cardId: string;
  /** Top-up: the value added; pay-out: the balance paid out; restore: the balance written. */
  amount: number;
  expiresAt: number;
  /** What the ledger holds for the card now (null for a card it has no event of). */
  reconciledBalance: number | null;
}

export interface AuthorisationRequest {
  op: AuthorisedOperation;
  cardId: string;
  amount: number;
  /** A restore: the counter of the ledger state the station read. */
  counter?: number;
  actor: AuditActor;
  requestId?: string;
}

const REFUSAL = {
  topup: "topup_not_authorised",
  payout: "payout_not_authorised",
  reissue: "reissue_not_authorised",
} as const;

const ID_PREFIX = { topup: "tpa", payout: "poa", reissue: "rsa" } as const;

export async function authoriseOnline(
  db: D1Database,
  policy: PolicyDocument,
  input: AuthorisationRequest,
): Promise<OnlineAuthorisationGrant> {
  const { op, cardId, amount } = input;
  const refuse = (detail: string) => new TesseraError(REFUSAL[op], detail);
  if (amount > MAX_HISTORY_AMOUNT) throw refuse(`An amount is at most ${MAX_HISTORY_AMOUNT} minor units`);
  const [card, flags] = await Promise.all([cardStore(db).get(cardId), flagStore(db).forCards([cardId])]);
  const denied = flags.some((f) => f.denied_at !== null && f.state === "open");
  const balance = card?.balance ?? 0;

  if (op === "topup") {
    if (card && card.status !== "active")
      throw refuse(`Card ${cardId} is ${card.status}; it cannot be topped up`);
    if (denied) throw refuse(`Card ${cardId} is on the deny list pending an open flag`);
    if (balance + amount > policy.balanceCap)
      throw refuse(`The card would hold ${balance + amount}, over the balance cap of ${policy.balanceCap}`);
  } else if (op === "payout") {
    if (card && card.status !== "active")
      throw refuse(`Card ${cardId} is ${card.status}; it cannot be paid out`);
    if (denied) throw refuse(`Card ${cardId} is on the deny list pending an open flag`);
    if (amount > policy.balanceCap)
      throw refuse(`A card holds at most ${policy.balanceCap}; it cannot pay out ${amount}`);
  } else {
    const ledger = await readCardLedger(db, policy, cardId);
    if (!ledger) throw new TesseraError("card_unknown", `No event of card ${cardId} has been reconciled`);
    const basis = ledger.restore;
    if (basis.balance !== amount || (input.counter !== undefined && basis.counter !== input.counter))
      throw refuse(
        `Card ${cardId} is restored from balance ${basis.balance} at counter ${basis.counter}; read it again before restoring`,
      );
  }

  const now = Math.floor(Date.now() / 1000);
  const grant: OnlineAuthorisationGrant = {
    authorisationId: `${ID_PREFIX[op]}_${crypto.randomUUID().replaceAll("-", "")}`,
    op,
    cardId,
    amount,
    expiresAt: now + AUTHORISATION_TTL_SECONDS,
    reconciledBalance: card?.balance ?? null,
  };
  const audit = auditLog(db);
  await db.batch([
    authorisationStore(db).insertStatement({
      id: grant.authorisationId,
      op,
      card_id: cardId,
      amount,
      requested_by: JSON.stringify(input.actor),
      created_at: now,
      expires_at: grant.expiresAt,
    }),
    audit.insertStatement({
      service: "reconciliation",
      actor: input.actor,
      action: `${op}.authorise`,
      target: `card:${cardId}`,
      detail: { authorisationId: grant.authorisationId, amount, reconciledBalance: grant.reconciledBalance },
      at: new Date(now * 1000).toISOString(),
      ...(input.requestId ? { requestId: input.requestId } : {}),
    }),
  ]);
  await audit.seal();
  return grant;
}
