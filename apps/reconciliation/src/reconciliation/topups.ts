/**
 * Online top-up authorisation: value enters a card only through a top-up the backend allowed first. The
 * station writes the card with the authorisation id, and the ledger later matches the uploaded event to
 * it (once, same card, same amount) or flags `topup_unauthorised`.
 */
import { MAX_HISTORY_AMOUNT, type PolicyDocument, TesseraError } from "@tessera/protocol";
import type { AuditActor } from "@tessera/service-kit";
import { auditLog } from "../db/audit.ts";
import { cardStore } from "../db/cards.ts";
import { flagStore } from "../db/flags.ts";

/** A station writes right after asking; a quarter of an hour covers a slow tap without leaving old ones about. */
export const TOPUP_AUTHORISATION_TTL_SECONDS = 15 * 60;

export interface TopupAuthorisationGrant {
  authorisationId: string;
  cardId: string;
  amount: number;
  expiresAt: number;
}

export async function authoriseTopup(
  db: D1Database,
  policy: PolicyDocument,
  input: { cardId: string; amount: number; actor: AuditActor; requestId?: string },
): Promise<TopupAuthorisationGrant> {
  const { cardId, amount } = input;
  if (amount > MAX_HISTORY_AMOUNT)
    throw new TesseraError("topup_not_authorised", `A top-up is at most ${MAX_HISTORY_AMOUNT} minor units`);
  const [card, flags] = await Promise.all([cardStore(db).get(cardId), flagStore(db).forCards([cardId])]);
  if (card && card.status !== "active")
    throw new TesseraError(
      "topup_not_authorised",
      `Card ${cardId} is ${card.status}; it cannot be topped up`,
    );
  if (flags.some((f) => f.denied_at !== null && f.state === "open"))
    throw new TesseraError("topup_not_authorised", `Card ${cardId} is on the deny list pending an open flag`);
  const balance = card?.balance ?? 0;
  if (balance + amount > policy.balanceCap)
    throw new TesseraError(
      "topup_not_authorised",
      `The card would hold ${balance + amount}, over the balance cap of ${policy.balanceCap}`,
    );
  const now = Math.floor(Date.now() / 1000);
  const grant: TopupAuthorisationGrant = {
    authorisationId: `tpa_${crypto.randomUUID().replaceAll("-", "")}`,
    cardId,
    amount,
    expiresAt: now + TOPUP_AUTHORISATION_TTL_SECONDS,
  };
  const audit = auditLog(db);
  await db.batch([
    db
      .prepare(
        `INSERT INTO topup_authorisations (id, card_id, amount, requested_by, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .bind(grant.authorisationId, cardId, amount, JSON.stringify(input.actor), now, grant.expiresAt),
    audit.insertStatement({
      service: "reconciliation",
      actor: input.actor,
      action: "topup.authorise",
      target: `card:${cardId}`,
      detail: { authorisationId: grant.authorisationId, amount, reconciledBalance: card?.balance ?? null },
      at: new Date(now * 1000).toISOString(),
      ...(input.requestId ? { requestId: input.requestId } : {}),
    }),
  ]);
  await audit.seal();
  return grant;
}
