/**
 * What this terminal remembers of the cards it has seen: the newest (counter, chain) per card, which
 * verifyCard uses to refuse rollbacks and clones, and the last known state per card for the screen. Both
 * live in IndexedDB (stores recentCounters and cardStates) and are bounded: the least recently seen go
 * first. Counters are mirrored in memory because verifyCard asks for them synchronously.
 */
import { type CardState, type CardVerdict, toHex } from "@tessera/protocol";
import type { TerminalDatabase } from "../storage/database.ts";
import type { CardStateRecord, RecentCounterRecord } from "../storage/records.ts";

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

/**
 * Verdicts whose state is authentic and current: a reader may remember it. A clone or rollback shows an
 * older or conflicting state, and expired or out-of-scope writes are not states to build on.
 */
function trusted(verdict: CardVerdict): CardState | undefined {
  return verdict.kind === "valid" || verdict.kind === "blocked" ? verdict.state : undefined;
}

export function cardStateRecord(
  state: CardState,
  uid: Uint8Array,
  verdict: CardVerdict,
  seenAtMs: number,
): CardStateRecord {
  return {
    cardId: state.cardId,
    uid: toHex(uid),
    counter: state.counter,
    balance: state.balance,
    status: state.status,
    session: state.session,
    writtenAt: state.writtenAt,
    terminalNumber: state.certificate.terminalNumber,
    history: state.history.map(({ op, amount, at }) => ({ op, amount, at })),
    verdict: verdict.kind,
    recovered: verdict.kind === "valid" && verdict.recovered,
    seenAtMs,
  };
}

export class CardMemory {
  readonly #bounds: CardMemoryBounds;
  /** Insertion order is recency: a card seen again is moved to the end. */
  readonly #counters = new Map<string, RecentCounterRecord>();
  #lastKnown: CardStateRecord | null = null;
  /** Recency stamps only ever grow, even when two reads share a millisecond or the clock is set back. */
  #lastStamp = 0;

  private constructor(bounds: CardMemoryBounds) {
    this.#bounds = bounds;
  }

  static async load(db: TerminalDatabase, bounds: CardMemoryBounds): Promise<CardMemory> {
    const memory = new CardMemory(bounds);
    for (const record of await db.getAllFromIndex("recentCounters", "seenAtMs")) {
      memory.#counters.set(record.cardId, record);
      memory.#lastStamp = Math.max(memory.#lastStamp, record.seenAtMs);
    }
    const newest = await db.transaction("cardStates").store.index("seenAtMs").openCursor(null, "prev");
    memory.#lastKnown = newest?.value ?? null;
    memory.#lastStamp = Math.max(memory.#lastStamp, newest?.value.seenAtMs ?? 0);
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
    if (!state) return { counter: null, state: null };
    const seenAtMs = Math.max(nowMs, this.#lastStamp + 1);
    this.#lastStamp = seenAtMs;
    const known = this.#counters.get(state.cardId);
    const counter =
      !known ||
      state.counter > known.counter ||
      (state.counter === known.counter && state.chain === known.chain)
        ? { cardId: state.cardId, counter: state.counter, chain: state.chain, seenAtMs }
        : null;
    const record = counter ? cardStateRecord(state, uid, verdict, seenAtMs) : null;
    return { counter, state: record };
  }

  /** Writes an observation in the caller's transaction and trims both stores to their bounds. */
  async write(stores: CardMemoryStores, observation: CardObservation): Promise<void> {
    if (observation.counter) {
      const store = stores.recentCounters;
      await store.put(observation.counter);
      await trimOldest(store.index("seenAtMs"), (await store.count()) - this.#bounds.rememberedCards);
    }
    if (observation.state) {
      const store = stores.cardStates;
      await store.put(observation.state);
      await trimOldest(store.index("seenAtMs"), (await store.count()) - this.#bounds.knownCardStates);
    }
  }

  /** Applies a committed observation to the in-memory mirror. */
  apply(observation: CardObservation): void {
    if (observation.counter) {
      this.#counters.delete(observation.counter.cardId);
      this.#counters.set(observation.counter.cardId, observation.counter);
      while (this.#counters.size > this.#bounds.rememberedCards) {
        const oldest = this.#counters.keys().next().value;
        if (oldest === undefined) break;
        this.#counters.delete(oldest);
      }
    }
    if (observation.state) this.#lastKnown = observation.state;
  }

  /** The last known state of a card, by id. */
  async knownState(db: TerminalDatabase, cardId: string): Promise<CardStateRecord | undefined> {
    return db.get("cardStates", cardId);
  }

  /** Whether this terminal has seen a card on this chip (an empty read of it is then a torn write). */
  async knowsChip(db: TerminalDatabase, uid: Uint8Array): Promise<boolean> {
    const hex = toHex(uid);
    return (
      (await db.countFromIndex("cardStates", "uid", hex)) > 0 ||
      (await db.countFromIndex("uncertainTaps", "uid", hex)) > 0
    );
  }
}

interface TrimmableIndex {
  openCursor(): Promise<{ delete(): Promise<void>; continue(): Promise<unknown> } | null>;
}

async function trimOldest(index: TrimmableIndex, excess: number): Promise<void> {
  if (excess <= 0) return;
  let cursor = await index.openCursor();
  for (let removed = 0; cursor && removed < excess; removed++) {
    await cursor.delete();
    cursor = (await cursor.continue()) as typeof cursor;
  }
}
