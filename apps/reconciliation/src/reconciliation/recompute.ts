/**
 * Recomputes the ledger of some cards from their stored events (plus events about to be stored) and
 * plans the D1 writes that bring `cards`, `flags` and the audit log in line with it. Used by uploads and
 * by the hourly sweep that flags gaps whose window has passed.
 */
import type { FlagKind, PolicyDocument } from "@tessera/protocol";
import type { AuditEntryInput } from "@tessera/service-kit";
import { auditLog } from "../db/audit.ts";
import { authorisationStore } from "../db/authorisations.ts";
import { cardRowOf, cardStore } from "../db/cards.ts";
import { eventStore } from "../db/events.ts";
import { type FlagRow, type FlagWrite, flagStore, flagWriteOf } from "../db/flags.ts";
import {
  type CardLedger,
  type LedgerContext,
  type LedgerEvent,
  type LedgerExtension,
  type OnlineAuthorisation,
  reconcileCard,
  tailOf,
} from "../ledger/index.ts";
import type { AutoDenyCandidate } from "./auto-deny.ts";

export const SYSTEM_ACTOR = { kind: "system", id: "reconciliation", name: "reconciliation" } as const;

export interface LedgerUpdate {
  /** The cards recomputed in full. */
  ledgers: CardLedger[];
  /** Must run first in the batch: aborts it if another writer changed these cards meanwhile. */
  guard: D1PreparedStatement | null;
  writes: D1PreparedStatement[];
  /** Flag kinds per event id, over every recomputed card (and the flags extensions raised or changed). */
  flagsOfEvent: Map<string, FlagKind[]>;
  autoDeny: AutoDenyCandidate[];
  /** True when the writes append audit entries (flags raised or withdrawn), which then need sealing. */
  audited: boolean;
}

export interface AuditContext {
  at: number;
  requestId?: string;
  detail?: Record<string, unknown>;
}

/** One `flag.raise` / `flag.withdraw` audit entry. */
export function flagAuditEntry(
  action: "flag.raise" | "flag.withdraw",
  flag: Pick<FlagWrite, "id" | "kind" | "card_id" | "event_ids" | "amount" | "detail">,
  context: AuditContext,
): AuditEntryInput {
  return {
    service: "reconciliation",
    actor: SYSTEM_ACTOR,
    action,
    target: `flag:${flag.id}`,
    detail:
      action === "flag.raise"
        ? {
            kind: flag.kind,
            cardId: flag.card_id,
            eventIds: JSON.parse(flag.event_ids) as string[],
            amount: flag.amount,
            detail: flag.detail,
            ...context.detail,
          }
        : {
            kind: flag.kind,
            cardId: flag.card_id,
            reason: "no longer raised by the card's ledger",
            ...context.detail,
          },
    at: new Date(context.at).toISOString(),
    ...(context.requestId ? { requestId: context.requestId } : {}),
  };
}

/** What recomputing some cards reads: their booked events, the authorisations they name, their flags. */
export interface LedgerInputs {
  cards: string[];
  factsByCard: Map<string, LedgerEvent[]>;
  authorisations: Map<string, OnlineAuthorisation>;
  existing: FlagRow[];
}

/**
 * Reads the inputs of these cards in parallel. `named` are authorisation ids the incoming events carry;
 * ids stored events name on another card are fetched too, so the ledger sees the same inputs every time.
 */
export async function loadLedgerInputs(
  db: D1Database,
  cardIds: readonly string[],
  named: readonly string[] = [],
): Promise<LedgerInputs> {
  const cards = [...new Set(cardIds)].sort();
  const [factsByCard, authorisations, existing] = await Promise.all([
    eventStore(db).bookedFactsForCards(cards),
    authorisationStore(db).forCards(cards, [...new Set(named)]),
    flagStore(db).forCards(cards),
  ]);
  const elsewhere = [...factsByCard.values()]
    .flat()
    .flatMap((f) => (f.authorisationId && !authorisations.has(f.authorisationId) ? [f.authorisationId] : []));
  if (elsewhere.length > 0)
    for (const [id, auth] of await authorisationStore(db).forCards([], [...new Set(elsewhere)]))
      authorisations.set(id, auth);
  return { cards, factsByCard, authorisations, existing };
}

/** The ledger rules of the current policy, with these authorisations, at `now` (epoch seconds). */
export function ledgerContext(
  policy: PolicyDocument,
  authorisations: ReadonlyMap<string, OnlineAuthorisation>,
  now: number,
): LedgerContext {
  return {
    policy: {
      cardLimits: policy.cardLimits,
      missingEventWindowSeconds: policy.reconciliation.missingEventWindowSeconds,
    },
    authorisations,
    now,
  };
}

/** A card whose ledger an upload extends from its tail, and the booked-event count the tail was taken at. */
export interface ExtendedCard {
  extension: LedgerExtension;
  storedCount: number;
}

/**
 * Plans the writes that bring these cards' heads and flags in line with their ledgers: the cards in `inputs`
 * recomputed from their stored events plus `incoming` (those of it on them), and the `extended` cards from
 * their tails, whose stored flags among the ones they touch are `extendedFlags`.
 */
export async function planLedgerUpdate(
  db: D1Database,
  policy: PolicyDocument,
  inputs: LedgerInputs,
  incoming: readonly LedgerEvent[],
  context: AuditContext,
  extended: readonly ExtendedCard[] = [],
  extendedFlags: readonly FlagRow[] = [],
): Promise<LedgerUpdate> {
  const { cards, authorisations, existing } = inputs;
  const expected = cards.map((cardId) => ({ cardId, count: inputs.factsByCard.get(cardId)?.length ?? 0 }));
  const factsByCard = new Map([...inputs.factsByCard].map(([cardId, facts]) => [cardId, [...facts]]));
  const recomputed = new Set(cards);
  for (const facts of incoming) {
    if (!recomputed.has(facts.cardId)) continue;
    const list = factsByCard.get(facts.cardId) ?? [];
    list.push(facts);
    factsByCard.set(facts.cardId, list);
  }
  const withEvents = cards.filter((cardId) => (factsByCard.get(cardId)?.length ?? 0) > 0);
  const now = Math.floor(context.at / 1000);
  const ctx = ledgerContext(policy, authorisations, now);
  const ledgers = withEvents.map((cardId) => reconcileCard(cardId, factsByCard.get(cardId)!, ctx));

  const { computed, raised, withdrawn } = await syncFlags(ledgers, existing);
  const extensionFlags = extended.flatMap((e) => e.extension.flags);
  const extensionWrites = await Promise.all(extensionFlags.map(flagWriteOf));
  const storedExtensionFlags = new Map(extendedFlags.map((f) => [f.id, f]));
  for (const flag of extensionWrites) {
    const known = storedExtensionFlags.get(flag.id);
    computed.push(flag);
    if (!known || known.state === "withdrawn") raised.push(flag);
  }

  const flags = flagStore(db);
  const writes: D1PreparedStatement[] = [];
  const cardRows = [
    ...ledgers.map((l) => cardRowOf(l, now, tailOf(l, factsByCard.get(l.cardId)!, ctx))),
    ...extended.map((e) => cardRowOf(e.extension.ledger, now, e.extension.tail)),
  ];
  if (cardRows.length > 0) writes.push(cardStore(db).upsertStatement(cardRows));
  if (computed.length > 0) writes.push(flags.upsertStatement(computed, now));
  if (withdrawn.length > 0)
    writes.push(
      flags.withdrawStatement(
        withdrawn.map((f) => f.id),
        now,
      ),
    );
  const audits = [
    ...raised.map((f) => flagAuditEntry("flag.raise", f, context)),
    ...withdrawn.map((f) => flagAuditEntry("flag.withdraw", f, context)),
  ];
  if (audits.length > 0) writes.push(auditLog(db).insertManyStatement(audits, context.at));

  const flagsOfEvent = new Map<string, FlagKind[]>();
  for (const flag of [...ledgers.flatMap((l) => l.flags), ...extensionFlags])
    for (const id of flag.eventIds) flagsOfEvent.set(id, [...(flagsOfEvent.get(id) ?? []), flag.kind]);

  expected.push(...extended.map((e) => ({ cardId: e.extension.ledger.cardId, count: e.storedCount })));
  return {
    ledgers,
    guard: expected.length > 0 ? cardStore(db).guardStatement(expected) : null,
    writes,
    flagsOfEvent,
    autoDeny: autoDenyCandidates(policy, raised),
    audited: audits.length > 0,
  };
}

/** Newly raised flags about a card whose kind policy deny-lists automatically: the card is listed. */
export function autoDenyCandidates(
  policy: PolicyDocument,
  raised: readonly Pick<FlagWrite, "id" | "kind" | "card_id" | "detail">[],
): AutoDenyCandidate[] {
  const kinds = new Set<string>(policy.autoDenyFlags);
  return raised
    .filter((f) => f.card_id !== null && kinds.has(f.kind))
    .map((f) => ({
      flagId: f.id,
      kind: f.kind,
      detail: f.detail,
      target: { kind: "card" as const, cardId: f.card_id! },
    }));
}

/** Which stored flags to insert or update, which are newly raised and which no longer apply. */
async function syncFlags(ledgers: readonly CardLedger[], existing: readonly FlagRow[]) {
  const computed: FlagWrite[] = await Promise.all(ledgers.flatMap((l) => l.flags.map(flagWriteOf)));
  const byId = new Map(existing.map((f) => [f.id, f]));
  const computedIds = new Set(computed.map((f) => f.id));
  const raised = computed.filter((f) => {
    const known = byId.get(f.id);
    return !known || known.state === "withdrawn";
  });
  const withdrawn = existing.filter(
    (f) => f.source === "ledger" && f.state === "open" && !computedIds.has(f.id),
  );
  return { computed, raised, withdrawn };
}

/** True when D1 refused a batch because of `pattern` (a constraint name in the message). */
export function isConstraintFailure(error: unknown, pattern: RegExp): boolean {
  return (
    error instanceof Error &&
    pattern.test(`${error.message} ${String((error as { cause?: unknown }).cause ?? "")}`)
  );
}

/** Recomputes cards outside an upload (the hourly sweep), retrying when an upload races it. */
export async function recomputeCards(
  db: D1Database,
  policy: PolicyDocument,
  cardIds: readonly string[],
  at = Date.now(),
): Promise<AutoDenyCandidate[]> {
  for (let attempt = 1; ; attempt++) {
    const inputs = await loadLedgerInputs(db, cardIds);
    const update = await planLedgerUpdate(db, policy, inputs, [], { at, detail: { by: "sweep" } });
    if (update.writes.length === 0) return [];
    try {
      await db.batch([...(update.guard ? [update.guard] : []), ...update.writes]);
      return update.autoDeny;
    } catch (error) {
      if (isConstraintFailure(error, /CHECK constraint failed/) && attempt < 4) continue;
      throw error;
    }
  }
}

/** The ledger of one card as stored now, or null when no event of it was ever booked. */
export async function readCardLedger(
  db: D1Database,
  policy: PolicyDocument,
  cardId: string,
): Promise<CardLedger | null> {
  const facts = (await eventStore(db).bookedFactsForCards([cardId])).get(cardId) ?? [];
  if (facts.length === 0) return null;
  const named = facts.flatMap((f) => (f.authorisationId ? [f.authorisationId] : []));
  const authorisations = await authorisationStore(db).forCards([cardId], [...new Set(named)]);
  return reconcileCard(cardId, facts, ledgerContext(policy, authorisations, Math.floor(Date.now() / 1000)));
}
