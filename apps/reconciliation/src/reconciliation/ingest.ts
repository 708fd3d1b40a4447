/**
 * One upload, end to end: classify each event (new, duplicate, conflict, malformed), verify the new ones,
 * bring the ledger of every card they touch up to date — extended from the card's stored tail when the new
 * events simply continue its history, recomputed from all of its stored events otherwise — and write events,
 * ledger heads, flags, audit entries and the batch in one D1 `batch()`, so the answer is sent only once D1
 * holds everything, and a failure stores nothing.
 */
import {
  decodeGrantUnverified,
  type FlagKind,
  type Jwks,
  type PolicyDocument,
  type ReconcileEventResult,
  type ReconcileResult,
  type SessionGrantClaims,
  TerminalEvent,
  verifyGrant,
} from "@tessera/protocol";
import type { TerminalPrincipal } from "@tessera/service-kit";
import { auditLog } from "../db/audit.ts";
import { authorisationStore } from "../db/authorisations.ts";
import { batchStore } from "../db/batches.ts";
import { cardStore } from "../db/cards.ts";
import { type ConflictRow, type EventRow, eventStore } from "../db/events.ts";
import { type FlagWrite, flagIdOf, flagStore } from "../db/flags.ts";
import { grantTallyStore } from "../db/grant-tallies.ts";
import { grantsSeenStore } from "../db/grants-seen.ts";
import { extendLedger, type GrantFacts, type LedgerEvent, type LedgerTail } from "../ledger/index.ts";
import {
  backendKeys,
  deviceKeyOf,
  type GrantsRpc,
  type GrantsTerminal,
  knownTerminal,
  lookupTerminal,
} from "../upstream/grants.ts";
import { type EventEncoding, encodeEvent } from "../verification/event-encoding.ts";
import {
  type EventVerdict,
  fingerprintOf,
  type RejectionCode,
  verifyEvent,
} from "../verification/verify-event.ts";
import type { AutoDenyCandidate } from "./auto-deny.ts";
import { planGrantLimits } from "./grant-limits.ts";
import {
  autoDenyCandidates,
  type ExtendedCard,
  flagAuditEntry,
  isConstraintFailure,
  ledgerContext,
  loadLedgerInputs,
  planLedgerUpdate,
} from "./recompute.ts";

/** Older grants a terminal may hand in with a batch, for events it made under them while offline. */
export const MAX_GRANTS_PER_BATCH = 16;
const MAX_ATTEMPTS = 4;
/** Events verified between looks at whether D1 has said which of them it already holds. */
const VERIFY_CHUNK = 50;

export interface IngestDeps {
  db: D1Database;
  grants: GrantsRpc;
  /** The current policy: card limits and gap windows, and events whose grant is unknown. */
  policy: PolicyDocument;
  /** A published policy version (a grant's `pv`), or null when it cannot be had. */
  policyVersion?: (version: number) => Promise<PolicyDocument | null>;
}

export interface IngestRequest {
  uploader: TerminalPrincipal;
  idempotencyKey: string;
  bodyHash: string;
  events: readonly PreparedEvent[];
  grantTokens: readonly string[];
  requestId?: string;
  /** The grants Worker's keys, when the caller asked for them while the events were prepared. */
  keys?: { jwks: Jwks; keys: Map<number, CryptoKey> };
  /** The uploader in the terminal directory, when the caller asked while the events were prepared. */
  terminal?: TerminalReads;
}

/**
 * The uploader as the terminal directory has it now (`now`, read afresh: its revocation, however recent,
 * decides which events are flagged `revoked_terminal`), and as this isolate last heard of it (`known`), which
 * verification starts with while `now` is on its way.
 */
export interface TerminalReads {
  now: Promise<GrantsTerminal | null>;
  known?: GrantsTerminal | null;
}

export function readTerminal(grants: GrantsRpc, terminalNumber: number): TerminalReads {
  const now = lookupTerminal(grants, terminalNumber, { fresh: true });
  now.catch(() => {});
  return { now, known: knownTerminal(terminalNumber) };
}

export type IngestOutcome =
  | { kind: "stored"; result: ReconcileResult; autoDeny: AutoDenyCandidate[]; audited: boolean }
  /** Another request with the same Idempotency-Key was stored first. */
  | { kind: "raced" };

/** One uploaded event, parsed and encoded once, before anything is known of the batch it is in. */
export interface PreparedEvent {
  index: number;
  raw: unknown;
  /** The event as uploaded, JSON (the `body` it is stored with). */
  json: string;
  encoding: EventEncoding;
  id: string | undefined;
  cardId: string | null;
  fingerprint: string;
  event?: TerminalEvent;
  invalid?: string;
}

type Item = PreparedEvent;

type Classified =
  | { item: Item; status: "duplicate" }
  | { item: Item; status: "conflict" }
  | { item: Item; status: "invalid" }
  | { item: Item; status: "new"; verdict: EventVerdict };

const CARD_ID = /^[0-9a-f]{16}$/;

function idOf(raw: unknown): string | undefined {
  const id = (raw as { id?: unknown } | null)?.id;
  return typeof id === "string" && id.length >= 1 && id.length <= 64 ? id : undefined;
}

function cardIdOf(raw: unknown): string | null {
  const id = (raw as { card?: { id?: unknown } } | null)?.card?.id;
  return typeof id === "string" && CARD_ID.test(id) ? id : null;
}

/**
 * Validates each event with the protocol's schema and encodes it once: its canonical JSON (fingerprint, and
 * without `sig` the bytes its signature covers) and its plain JSON (stored as uploaded). CPU work that needs
 * nothing from storage or the grants Worker, so a caller runs it while it waits for them.
 */
export async function prepareEvents(events: readonly unknown[]): Promise<PreparedEvent[]> {
  return Promise.all(
    events.map(async (raw, index) => {
      const parsed = TerminalEvent.safeParse(raw);
      const encoding = encodeEvent(raw);
      const base = {
        index,
        raw,
        json: JSON.stringify(raw) ?? "null",
        encoding,
        id: idOf(raw),
        cardId: cardIdOf(raw),
        fingerprint: await fingerprintOf(encoding.canonical),
      };
      if (parsed.success) return { ...base, event: parsed.data };
      const issue = parsed.error.issues[0];
      return { ...base, invalid: `${issue?.path.join(".") || "event"}: ${issue?.message ?? "invalid"}` };
    }),
  );
}

function grantFacts(claims: SessionGrantClaims): GrantFacts {
  return {
    grantId: claims.jti,
    terminalId: claims.sub,
    terminalNumber: claims.tid,
    role: claims.role,
    operations: claims.ops,
    perTransaction: claims.limits.perTransaction,
    notBefore: claims.nbf,
    expiresAt: claims.exp,
  };
}

export async function ingestBatch(deps: IngestDeps, request: IngestRequest): Promise<IngestOutcome> {
  const { db, policy } = deps;
  const { uploader } = request;
  const receivedAt = Math.floor(Date.now() / 1000);
  const batchId = `bat_${crypto.randomUUID()}`;
  const events = eventStore(db);

  const items: readonly Item[] = request.events;

  // What verification needs from the grants Worker, and the grants the events name. Verification starts with
  // the terminal as this isolate knew it; the directory's answer, once in, decides (`settleTerminal`).
  const { jwks, keys } = request.keys ?? (await backendKeys(deps.grants));
  const reads = request.terminal ?? readTerminal(deps.grants, uploader.terminalNumber);
  let settled = reads.known === undefined;
  let terminal = reads.known === undefined ? await reads.now : reads.known;
  let deviceKey = terminal ? await deviceKeyOf(terminal) : null;
  const grants = new Map<string, SessionGrantClaims>([[uploader.grant.jti, uploader.grant]]);
  for (const token of request.grantTokens) {
    // An older grant is checked for its signature and owner; its validity window is judged per event.
    const unverified = decodeGrantUnverified(token);
    if (!unverified) continue;
    const verdict = await verifyGrant(token, jwks, { now: unverified.claims.nbf });
    if (verdict.ok && verdict.claims.sub === uploader.terminalId)
      grants.set(verdict.claims.jti, verdict.claims);
  }
  const named = [...new Set(items.flatMap((i) => (i.event ? [i.event.grantId] : [])))].filter(
    (g) => !grants.has(g),
  );
  for (const [jti, claims] of await grantsSeenStore(db).find(named)) grants.set(jti, claims);
  // Each event is judged by the policy its grant was issued under (clock skew, role limits), not today's.
  const versions = new Map<number, PolicyDocument>();
  const wanted = [...new Set([...grants.values()].map((g) => g.pv))];
  await Promise.all(
    wanted.map(async (version) => {
      const found = version === policy.version ? policy : await deps.policyVersion?.(version);
      if (found) versions.set(version, found);
    }),
  );
  const policyFor = (grantId: string): PolicyDocument => {
    const claims = grants.get(grantId);
    return (claims && versions.get(claims.pv)) ?? policy;
  };

  const verdicts = new Map<number, EventVerdict>();
  /**
   * Waits for the directory's answer on the terminal; if it says anything else than what verification started
   * with (revoked a moment ago, another key), every verdict is dropped and each event is verified again under it.
   */
  async function settleTerminal(): Promise<void> {
    if (settled) return;
    const now = await reads.now;
    settled = true;
    if (JSON.stringify(now) === JSON.stringify(terminal)) return;
    terminal = now;
    deviceKey = now ? await deviceKeyOf(now) : null;
    verdicts.clear();
  }
  const verify = async (item: Item): Promise<EventVerdict> => {
    let verdict = verdicts.get(item.index);
    if (!verdict) {
      verdict = await verifyEvent(
        item.event!,
        {
          uploaderTerminalId: uploader.terminalId,
          terminal,
          deviceKey,
          backendKeys: keys,
          grant: (id) => {
            const claims = grants.get(id);
            return claims ? grantFacts(claims) : null;
          },
          policy: policyFor(item.event!.grantId),
          receivedAt,
        },
        item.encoding,
      );
      verdicts.set(item.index, verdict);
    }
    return verdict;
  };

  // Every card and authorisation the well-formed events name.
  const candidateCards = [...new Set(items.flatMap((i) => (i.event ? [i.event.card.id] : [])))];
  const candidateAuthorisations = [
    ...new Set(items.flatMap((i) => (i.event?.authorisationId ? [i.event.authorisationId] : []))),
  ];
  // Every grant whose tally this upload may change: the ones its events name, and the ones it presents.
  const candidateGrants = [
    ...new Set([...grants.keys(), ...items.flatMap((i) => (i.event ? [i.event.grantId] : []))]),
  ];

  for (let attempt = 1; ; attempt++) {
    const plan = await planUpload();
    try {
      await db.batch(plan.statements);
      return { kind: "stored", result: plan.result, autoDeny: plan.autoDeny, audited: plan.audited };
    } catch (error) {
      if (isConstraintFailure(error, /UNIQUE constraint failed: batches/)) return { kind: "raced" };
      // Another upload changed one of these cards between our read and our write: read again.
      if (isConstraintFailure(error, /CHECK constraint failed/) && attempt < MAX_ATTEMPTS) continue;
      throw error;
    }
  }

  /**
   * Verifies the well-formed events while D1 answers which of them it already holds: verification is CPU
   * work that does not depend on the answer, so the reads overlap it; once the answer is in, events it
   * names as held are no longer verified (a duplicate's verdict is never used).
   */
  async function verifyWhileReading(stored: Promise<Map<string, { fingerprint: string }>>) {
    let held: Map<string, { fingerprint: string }> | undefined;
    const answered = stored.then((m) => {
      held = m;
    });
    answered.catch(() => {});
    const pending = items.filter((i) => i.event);
    for (let from = 0; from < pending.length; from += VERIFY_CHUNK) {
      for (const item of pending.slice(from, from + VERIFY_CHUNK))
        if (!(item.id && held?.has(item.id))) await verify(item);
      // Lets D1's answer land between chunks; once it has, there is nothing left to wait for.
      if (!held) await new Promise((resolve) => setTimeout(resolve, 0));
    }
    await answered;
    return held!;
  }

  async function planUpload() {
    const ids = [...new Set(items.flatMap((i) => (i.id ? [i.id] : [])))];
    const tailsRead = cardStore(db).tails(candidateCards);
    const namedRead = authorisationStore(db).forCards([], candidateAuthorisations);
    const talliesRead = grantTallyStore(db).read(uploader.terminalId, candidateGrants);
    tailsRead.catch(() => {});
    namedRead.catch(() => {});
    talliesRead.catch(() => {});
    const stored = await verifyWhileReading(events.findByIds(ids));
    await settleTerminal();

    // Classify, first occurrence of an id in the batch winning over later ones.
    const firstInBatch = new Map<string, Item>();
    const classified: Classified[] = [];
    for (const item of items) {
      const id = item.id;
      const held = id ? (stored.get(id)?.fingerprint ?? firstInBatch.get(id)?.fingerprint) : undefined;
      if (id && held !== undefined) {
        classified.push({ item, status: held === item.fingerprint ? "duplicate" : "conflict" });
        continue;
      }
      if (id) firstInBatch.set(id, item);
      if (!item.event) classified.push({ item, status: "invalid" });
      else classified.push({ item, status: "new", verdict: await verify(item) });
    }

    const newFacts = classified.flatMap((c) =>
      c.status === "new" && c.verdict.booked ? [c.verdict.facts] : [],
    );
    const now = Date.now();
    const context = {
      at: now,
      ...(request.requestId ? { requestId: request.requestId } : {}),
      detail: { batchId, uploadedBy: uploader.terminalId },
    };
    // Only cards that gain an event are brought up to date (a retried batch of duplicates rewrites nothing):
    // from their tails where the new events continue them, from all of their events otherwise.
    const byCard = new Map<string, LedgerEvent[]>();
    for (const facts of newFacts) {
      const forCard = byCard.get(facts.cardId);
      if (forCard) forCard.push(facts);
      else byCard.set(facts.cardId, [facts]);
    }
    const [tails, named] = await Promise.all([tailsRead, namedRead]);
    const ctx = ledgerContext(policy, named, Math.floor(now / 1000));
    const extended: ExtendedCard[] = [];
    const recompute: string[] = [];
    for (const [cardId, incoming] of byCard) {
      const row = tails.get(cardId);
      const tail = row?.tail ? (JSON.parse(row.tail) as LedgerTail) : null;
      const extension = tail ? extendLedger(cardId, tail, incoming, ctx) : null;
      if (extension && row) extended.push({ extension, storedCount: row.event_count });
      else recompute.push(cardId);
    }
    const [inputs, extendedFlags] = await Promise.all([
      loadLedgerInputs(db, recompute, candidateAuthorisations),
      flagStore(db).byIds(
        await Promise.all(extended.flatMap((e) => e.extension.flags.map((f) => flagIdOf(f.key)))),
      ),
    ]);
    const update = await planLedgerUpdate(db, policy, inputs, newFacts, context, extended, extendedFlags);
    const grantLimits = await planGrantLimits(
      db,
      policy,
      { terminalId: uploader.terminalId, booked: newFacts, claims: grants, stored: await talliesRead },
      context,
    );
    const rejectionFlags = await rejectionFlagsOf(classified);

    const flagsOfEvent = new Map(update.flagsOfEvent);
    for (const [eventId, kinds] of grantLimits.flagsOfEvent)
      flagsOfEvent.set(eventId, [...(flagsOfEvent.get(eventId) ?? []), ...kinds]);
    const results: ReconcileEventResult[] = classified.map((c) => resultOf(c, flagsOfEvent));
    const result: ReconcileResult = { batchId, receivedAt, results };

    const eventRows: EventRow[] = classified.flatMap((c) => {
      if (!c.item.id || (c.status !== "new" && c.status !== "invalid")) return [];
      const booked = c.status === "new" && c.verdict.booked ? c.verdict.facts : null;
      const evidence = c.status === "new" && c.verdict.voided ? c.verdict.facts : null;
      const code: RejectionCode | null =
        c.status === "invalid"
          ? "validation_failed"
          : c.verdict.booked || c.verdict.voided
            ? null
            : c.verdict.code;
      const event = c.item.event;
      return [
        {
          id: c.item.id,
          terminal_id: uploader.terminalId,
          grant_id: event?.grantId ?? null,
          card_id: (booked ?? evidence)?.cardId ?? c.item.cardId,
          seq: event?.seq ?? null,
          counter_after: (booked ?? evidence)?.counterAfter ?? null,
          written_at: (booked ?? evidence)?.writtenAt ?? null,
          op: (booked ?? evidence)?.op ?? event?.op ?? null,
          amount: (booked ?? evidence)?.amount ?? event?.amount ?? null,
          booked: booked ? 1 : 0,
          reject_code: code,
          facts: booked ? JSON.stringify(booked) : evidence ? JSON.stringify(evidence) : null,
          body: c.item.json,
          fingerprint: c.item.fingerprint,
        },
      ];
    });
    const conflicts: ConflictRow[] = classified.flatMap((c) =>
      c.status === "conflict" && c.item.id
        ? [{ event_id: c.item.id, body: c.item.json, fingerprint: c.item.fingerprint }]
        : [],
    );

    const statements: D1PreparedStatement[] = [];
    if (update.guard) statements.push(update.guard);
    if (grantLimits.guard) statements.push(grantLimits.guard);
    statements.push(...events.insertStatements(eventRows, batchId, receivedAt));
    if (conflicts.length > 0)
      statements.push(events.insertConflictsStatement(conflicts, batchId, receivedAt));
    statements.push(grantsSeenStore(db).insertStatement([...grants.values()], receivedAt));
    statements.push(...update.writes, ...grantLimits.writes);
    if (rejectionFlags.length > 0) {
      statements.push(flagStore(db).upsertStatement(rejectionFlags, receivedAt));
      statements.push(
        auditLog(db).insertManyStatement(
          rejectionFlags.map((f) => flagAuditEntry("flag.raise", f, context)),
          now,
        ),
      );
    }
    statements.push(
      batchStore(db).insertStatement({
        id: batchId,
        terminalId: uploader.terminalId,
        idempotencyKey: request.idempotencyKey,
        bodyHash: request.bodyHash,
        receivedAt,
        result,
      }),
    );
    const autoDeny = [
      ...update.autoDeny,
      ...grantLimits.autoDeny,
      ...autoDenyCandidates(policy, rejectionFlags),
    ];
    const audited = update.audited || grantLimits.audited || rejectionFlags.length > 0;
    return { statements, result, autoDeny, audited };
  }
}

/** Flags raised by events that could not be booked: bad signatures, unknown terminals, conflicting copies. */
async function rejectionFlagsOf(classified: readonly Classified[]): Promise<FlagWrite[]> {
  const out: FlagWrite[] = [];
  for (const c of classified) {
    const id = c.item.id;
    if (!id) continue;
    let kind: FlagKind | undefined;
    let key = "";
    let detail = "";
    if (c.status === "conflict") {
      kind = "conflict";
      key = `conflict:${id}:${c.item.fingerprint}`;
      detail = `Event ${id} was uploaded again with different content; the first copy stands, this one is kept as evidence.`;
    } else if (c.status === "new" && !c.verdict.booked && !c.verdict.voided && c.verdict.flag) {
      kind = c.verdict.flag;
      key = `${kind}:${id}`;
      detail = c.verdict.detail;
    }
    if (!kind) continue;
    const event = c.item.event;
    out.push({
      id: await flagIdOf(key),
      key,
      source: "rejection",
      kind,
      card_id: c.item.cardId,
      event_ids: JSON.stringify([id]),
      terminal_ids: JSON.stringify(event ? [event.terminalId] : []),
      counter: event?.card.counterAfter ?? null,
      amount: event?.amount ?? null,
      detail,
    });
  }
  return out;
}

function resultOf(c: Classified, flagsOfEvent: ReadonlyMap<string, FlagKind[]>): ReconcileEventResult {
  const eventId = c.item.id ?? `#${c.item.index}`;
  switch (c.status) {
    case "duplicate":
      return { eventId, status: "duplicate" };
    case "conflict":
      return {
        eventId,
        status: "rejected",
        code: "conflict",
        detail:
          "An event with this id and different content was received before; it is kept, this copy is evidence",
        flags: ["conflict"],
      };
    case "invalid":
      return {
        eventId,
        status: "rejected",
        code: "validation_failed",
        detail: c.item.invalid!.slice(0, 500),
      };
    case "new": {
      const verdict = c.verdict;
      // A voided write is what the terminal says it is: evidence of a write that never reached the card.
      if (verdict.voided) return { eventId, status: "accepted" };
      if (!verdict.booked)
        return {
          eventId,
          status: "rejected",
          code: verdict.code,
          detail: verdict.detail.slice(0, 500),
          ...(verdict.flag ? { flags: [verdict.flag] } : {}),
        };
      const flags = [...new Set(flagsOfEvent.get(eventId) ?? [])].sort();
      return flags.length > 0 ? { eventId, status: "flagged", flags } : { eventId, status: "accepted" };
    }
  }
}
