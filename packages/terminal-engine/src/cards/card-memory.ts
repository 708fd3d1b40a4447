/**
 * What this terminal remembers of the cards it has seen: the newest (counter, chain) per card, which
 * verifyCard uses to refuse rollbacks and clones, and the last known state per card for the screen. Both
 * are bounded (the least recently seen go first) and live in memory, where verifyCard asks for them
 * synchronously. On disk they are the stores recentCounters and cardStates plus the outbox: a tap stores
 * what it learnt only in its outbox record (one write per step of a tap), start-up folds the outbox back
 * in, and the upload moves it into the stores before the events leave (`persistJournal`). Reads and refused
 * taps, which write no event, store theirs directly (`write`).
 */
import {
  type CardState,
  type CardVerdict,
  type CardVerdictKind,
  fromBase64Url,
  openSlot,
  toHex,
} from "@tessera/protocol";
import type { CardStateRecord, OutboxRecord, RecentCounterRecord } from "../storage/records.ts";

export interface CardMemoryBounds {
  /** Cards whose counters are remembered (about 100 bytes each). */
  rememberedCards: number;
  /** Cards whose last state is kept for display. */
  knownCardStates: number;
}

/** What one read or write taught the terminal, ready to be written in the caller's transaction. */
export interface CardObservation {
  counter: RecentCounterRecord | null;
  state: CardStateRecord | null;
  /** The counter or chain differs from what was remembered: more than a fresher sighting of the same state. */
  news: boolean;
}

/** The two stores an observation is written to, from whatever transaction the caller holds. */
export interface CardMemoryStores {
  recentCounters: WritableStore<RecentCounterRecord>;
  cardStates: WritableStore<CardStateRecord>;
}

interface WritableStore<V> {
  put(value: V): Promise<unknown>;
  count(): Promise<number>;
  index(name: "seenAtMs"): TrimmableIndex;
}

/** An observation with nothing to store. */
export const NOTHING_LEARNT: CardObservation = Object.freeze({ counter: null, state: null, news: false });

/**
 * Verdicts whose state is authentic and current: a reader may remember it. A clone or rollback shows an
 * older or conflicting state, and expired or out-of-scope writes are not states to build on.
 */
function trusted(verdict: CardVerdict): CardState | undefined {
  return verdict.kind === "valid" || verdict.kind === "blocked" ? verdict.state : undefined;
}

export function cardStateRecord(
  state: CardState,
  uid: Uint8Array | string,
  verdict: CardVerdict | { kind: CardVerdictKind; recovered?: boolean },
  seenAtMs: number,
): CardStateRecord {
  return {
    cardId: state.cardId,
    uid: typeof uid === "string" ? uid : toHex(uid),
    counter: state.counter,
    balance: state.balance,
    status: state.status,
    session: state.session,
    writtenAt: state.writtenAt,
    terminalNumber: state.certificate.terminalNumber,
    history: state.history.map(({ op, amount, at }) => ({ op, amount, at })),
    verdict: verdict.kind,
    recovered: verdict.kind === "valid" && "recovered" in verdict && verdict.recovered === true,
    seenAtMs,
  };
}

/** The state a confirmed event wrote, from the slot image it carries. */
function writtenState(record: OutboxRecord): CardState | undefined {
  try {
    return openSlot(fromBase64Url(record.event.card.slot));
  } catch {
    return undefined;
  }
}

export class CardMemory {
  readonly #bounds: CardMemoryBounds;
  /** Insertion order is recency: a card seen again is moved to the end. */
  readonly #counters = new Map<string, RecentCounterRecord>();
  /** Chips (UID hex) whose card state this terminal knows, in recency order: an empty read of one is a tear. */
  readonly #chips = new Set<string>();
  #lastKnown: CardStateRecord | null = null;
  /** Recency stamps only ever grow, even when two reads share a millisecond or the clock is set back. */
  #lastStamp = 0;

  private constructor(bounds: CardMemoryBounds) {
    this.#bounds = bounds;
  }

  /** The stores' contents, then what the outbox's events add (`journal`, in seq order). */
  static async load(
    db: {
      getAllFromIndex(store: "recentCounters", index: "seenAtMs"): Promise<RecentCounterRecord[]>;
      getAllFromIndex(store: "cardStates", index: "seenAtMs"): Promise<CardStateRecord[]>;
    },
    bounds: CardMemoryBounds,
    journal: readonly OutboxRecord[],
  ): Promise<CardMemory> {
    const memory = new CardMemory(bounds);
    for (const record of await db.getAllFromIndex("recentCounters", "seenAtMs")) {
      memory.#counters.set(record.cardId, record);
      memory.#lastStamp = Math.max(memory.#lastStamp, record.seenAtMs);
    }
    memory.#trim();
    for (const state of await db.getAllFromIndex("cardStates", "seenAtMs")) {
      memory.#remember(state.uid);
      memory.#lastKnown = state;
      memory.#lastStamp = Math.max(memory.#lastStamp, state.seenAtMs);
    }
    for (const record of journal) memory.apply(memory.#fromJournal(record));
    return memory;
  }

  /** verifyCard's `remembered`: bound, synchronous. */
  readonly remembered = (cardId: string): { counter: number; chain: string } | undefined => {
    const record = this.#counters.get(cardId);
    return record ? { counter: record.counter, chain: record.chain } : undefined;
  };

  /** The most recently seen known card state (survives reloads). */
  get lastKnown(): CardStateRecord | null {
    return this.#lastKnown;
  }

  /**
   * What to store after a read or a confirmed write. A counter is only ever raised: a lower one is a
   * rollback the verdict already refused, and remembering it would let the next rollback through.
   */
  observe(uid: Uint8Array, verdict: CardVerdict, nowMs: number): CardObservation {
    const state = trusted(verdict);
    if (!state) return NOTHING_LEARNT;
    return this.#observe(state.cardId, state.counter, state.chain, nowMs, (seenAtMs) =>
      cardStateRecord(state, uid, verdict, seenAtMs),
    );
  }

  #observe(
    cardId: string,
    counter: number,
    chain: string,
    nowMs: number,
    record?: (seenAtMs: number) => CardStateRecord,
  ): CardObservation {
    const known = this.#counters.get(cardId);
    const same = known !== undefined && counter === known.counter && chain === known.chain;
    if (known && !same && counter <= known.counter) return NOTHING_LEARNT;
    const seenAtMs = Math.max(nowMs, this.#lastStamp + 1);
    this.#lastStamp = seenAtMs;
    return {
      counter: { cardId, counter, chain, seenAtMs },
      state: record ? record(seenAtMs) : null,
      news: !same,
    };
  }

  /**
   * What an event still in the outbox taught: a confirmed write, the state it wrote; any other, the state
   * the card held before (an unconfirmed write may not have landed, so only the older state is certain).
   */
  #fromJournal(record: OutboxRecord): CardObservation {
    const card = record.event.card;
    this.#remember(card.uid);
    const atMs = record.at * 1000;
    if (record.status === "confirmed") {
      const state = writtenState(record);
      if (!state) return NOTHING_LEARNT;
      const kind = state.status === "active" ? "valid" : "blocked";
      return this.#observe(state.cardId, state.counter, state.chain, atMs, (seenAtMs) =>
        cardStateRecord(state, card.uid, { kind }, seenAtMs),
      );
    }
    if (card.counterBefore === null || card.chainBefore === null) return NOTHING_LEARNT;
    return this.#observe(card.id, card.counterBefore, card.chainBefore, atMs);
  }

  /**
   * Writes an observation in the caller's transaction and trims both stores to their bounds (reads and
   * refused taps: what a tap learns goes with its event instead).
   */
  async write(stores: CardMemoryStores, observation: CardObservation): Promise<void> {
    if (observation.counter)
      await putTrimmed(stores.recentCounters, observation.counter, this.#bounds.rememberedCards);
    if (observation.state)
      await putTrimmed(stores.cardStates, observation.state, this.#bounds.knownCardStates);
  }

  /**
   * Stores what these events taught, in the transaction that takes them out of the outbox: each card's
   * newest counter as remembered now, and the state of its newest confirmed write among them when that is
   * still the newest state known of the card.
   */
  async persistJournal(stores: CardMemoryStores, records: readonly OutboxRecord[]): Promise<void> {
    const confirmed = new Map<string, OutboxRecord>();
    for (const record of records) {
      if (record.status === "confirmed" && (confirmed.get(record.cardId)?.seq ?? -1) < record.seq)
        confirmed.set(record.cardId, record);
    }
    const counters: RecentCounterRecord[] = [];
    const states: CardStateRecord[] = [];
    for (const cardId of new Set(records.map((record) => record.cardId))) {
      // A card forgotten since (the bound) has nothing newer worth keeping than the cards remembered instead.
      const remembered = this.#counters.get(cardId);
      if (!remembered) continue;
      counters.push(remembered);
      const record = confirmed.get(cardId);
      const state = record ? writtenState(record) : undefined;
      if (record && state && remembered.counter === state.counter && remembered.chain === state.chain) {
        const kind = state.status === "active" ? "valid" : "blocked";
        states.push(cardStateRecord(state, record.event.card.uid, { kind }, remembered.seenAtMs));
      }
    }
    await Promise.all([
      ...counters.map((counter) => stores.recentCounters.put(counter)),
      ...states.map((state) => stores.cardStates.put(state)),
    ]);
    if (counters.length > 0) await trim(stores.recentCounters, this.#bounds.rememberedCards);
    if (states.length > 0) await trim(stores.cardStates, this.#bounds.knownCardStates);
  }

  /** Applies an observation to the memory (once stored, or once its event is). */
  apply(observation: CardObservation): void {
    if (observation.counter) {
      this.#counters.delete(observation.counter.cardId);
      this.#counters.set(observation.counter.cardId, observation.counter);
      this.#trim();
    }
    if (observation.state) {
      this.#remember(observation.state.uid);
      this.#lastKnown = observation.state;
    }
  }

  /** Whether this terminal has known a card on this chip (an empty read of it is then a torn write). */
  knowsChip(uid: Uint8Array): boolean {
    return this.#chips.has(toHex(uid));
  }

  #remember(uid: string): void {
    this.#chips.delete(uid);
    this.#chips.add(uid);
    while (this.#chips.size > this.#bounds.knownCardStates) {
      const oldest = this.#chips.values().next().value;
      if (oldest === undefined) break;
      this.#chips.delete(oldest);
    }
  }

  #trim(): void {
    while (this.#counters.size > this.#bounds.rememberedCards) {
      const oldest = this.#counters.keys().next().value;
      if (oldest === undefined) break;
      this.#counters.delete(oldest);
    }
  }
}

interface TrimmableIndex {
  openCursor(): Promise<{ delete(): Promise<void>; continue(): Promise<unknown> } | null>;
}

async function putTrimmed<V>(store: WritableStore<V>, value: V, bound: number): Promise<void> {
  await store.put(value);
  await trim(store, bound);
}

/** Drops the least recently seen records beyond `bound`. */
async function trim<V>(store: WritableStore<V>, bound: number): Promise<void> {
  const excess = (await store.count()) - bound;
  if (excess <= 0) return;
  let cursor = await store.index("seenAtMs").openCursor();
  for (let removed = 0; cursor && removed < excess; removed++) {
    await cursor.delete();
    cursor = (await cursor.continue()) as typeof cursor;
  }
}
