/**
 * The terminal's one IndexedDB database (idb over the browser's IndexedDB, fake-indexeddb in Node): this
 * module alone opens it, names its stores and upgrades it.
 *
 * What it keeps, and for how long (everything stays on this device, in this origin's IndexedDB):
 * - identity: the device key pair (private half non-extractable) and the enrolment; until the terminal is
 *   wiped or re-provisioned.
 * - grant, policy, catalog, denyList: the latest of each; replaced when a newer one arrives, so the
 *   terminal can sell offline with whatever it last had.
 * - outbox: signed events, from before the card is written until the server has acknowledged them; each is
 *   also its tap's journal (an unsettled write, the usage, the shift, what the card memory learnt), so a
 *   tap writes one record before the card and one after. Indexed by seq and by unsettled chip.
 * - pendingBatch: the batch being uploaded, until the server answers it (so a retry reuses its key).
 * The stores below hold what events that have left the outbox taught; start-up adds what the outbox holds:
 * - offlineUsage: value and count per grant; only the current grant's row is kept once a new one arrives.
 * - recentCounters, cardStates: the newest state seen of each card; bounded, the least recently seen go.
 * - sequence: the highest event `seq` uploaded, per terminal id; forever (seq is gapless for the
 *   terminal's life).
 * - shift: the tally of the shift in progress; replaced by a fresh one when the operator closes the shift.
 * - reportErrors: the last few errors for the next terminal report; bounded, cleared once reported.
 */

import type { CatalogDocument, PolicyDocument } from "@tessera/protocol";
import {
  type DBSchema,
  type IDBPDatabase,
  type IDBPTransaction,
  openDB,
  type StoreNames,
  type StoreValue,
  unwrap,
} from "idb";
import type {
  CardStateRecord,
  DenyListRecord,
  DocumentRecord,
  GrantRecord,
  IdentityRecord,
  OfflineUsageRecord,
  OutboxRecord,
  PendingBatchRecord,
  RecentCounterRecord,
  ReportErrorRecord,
  SequenceRecord,
  ShiftRecord,
} from "./records.ts";

/** Every store, by the name the code uses. Renaming one is a schema change (a new upgrade step). */
export const STORES = {
  identity: "identity",
  grant: "grant",
  policy: "policy",
  catalog: "catalog",
  denyList: "denyList",
  outbox: "outbox",
  pendingBatch: "pendingBatch",
  offlineUsage: "offlineUsage",
  recentCounters: "recentCounters",
  cardStates: "cardStates",
  sequence: "sequence",
  reportErrors: "reportErrors",
  shift: "shift",
} as const;

/** Keys of the stores that hold one record (or one per kind). */
export const CURRENT = "current";
export const DEVICE = "device";
export const TERMINAL = "terminal";

export interface TerminalSchema extends DBSchema {
  identity: { key: typeof DEVICE | typeof TERMINAL; value: IdentityRecord };
  grant: { key: typeof CURRENT; value: GrantRecord };
  policy: { key: typeof CURRENT; value: DocumentRecord<PolicyDocument> };
  catalog: { key: typeof CURRENT; value: DocumentRecord<CatalogDocument> };
  denyList: { key: typeof CURRENT; value: DenyListRecord };
  outbox: {
    key: string;
    value: OutboxRecord;
    indexes: { seq: number; pendingUid: string };
  };
  pendingBatch: { key: typeof CURRENT; value: PendingBatchRecord };
  offlineUsage: { key: string; value: OfflineUsageRecord };
  recentCounters: { key: string; value: RecentCounterRecord; indexes: { seenAtMs: number } };
  cardStates: { key: string; value: CardStateRecord; indexes: { seenAtMs: number; uid: string } };
  sequence: { key: string; value: SequenceRecord };
  reportErrors: { key: number; value: ReportErrorRecord };
  shift: { key: typeof CURRENT; value: ShiftRecord };
}

export type TerminalDatabase = IDBPDatabase<TerminalSchema>;
export type StoreName = StoreNames<TerminalSchema>;

type UpgradeDatabase = IDBPDatabase<unknown>;
type UpgradeTransaction = IDBPTransaction<unknown, string[], "versionchange">;

function ensureStore(db: UpgradeDatabase, name: string, options?: IDBObjectStoreParameters): void {
  if (!db.objectStoreNames.contains(name)) db.createObjectStore(name, options);
}

function ensureIndex(
  tx: UpgradeTransaction,
  store: string,
  index: string,
  keyPath: string,
  options?: IDBIndexParameters,
): void {
  const target = tx.objectStore(store);
  if (!target.indexNames.contains(index)) target.createIndex(index, keyPath, options);
}

/**
 * Upgrade steps; step i takes the database from version i to i + 1. Steps are written against untyped
 * stores, so an old step stays valid whatever the schema becomes, and each checks before it creates, so
 * running it over a database that already has its stores changes nothing. Never edit a shipped step: add one.
 */
export const UPGRADE_STEPS: readonly ((db: UpgradeDatabase, tx: UpgradeTransaction) => void)[] = [
  // 0 → 1: everything the first terminal engine keeps.
  (db, tx) => {
    ensureStore(db, STORES.identity);
    ensureStore(db, STORES.grant);
    ensureStore(db, STORES.policy);
    ensureStore(db, STORES.catalog);
    ensureStore(db, STORES.denyList);
    ensureStore(db, STORES.outbox, { keyPath: "id" });
    // Uploads go in seq order; resolving a tap looks its card up.
    ensureIndex(tx, STORES.outbox, "seq", "seq", { unique: true });
    ensureIndex(tx, STORES.outbox, "cardId", "cardId");
    ensureStore(db, STORES.pendingBatch);
    ensureStore(db, STORES.offlineUsage, { keyPath: "grantId" });
    ensureStore(db, STORES.recentCounters, { keyPath: "cardId" });
    // The least recently seen cards are the ones dropped when the bound is reached.
    ensureIndex(tx, STORES.recentCounters, "seenAtMs", "seenAtMs");
    ensureStore(db, STORES.cardStates, { keyPath: "cardId" });
    ensureIndex(tx, STORES.cardStates, "seenAtMs", "seenAtMs");
    // An empty read of a chip we know is a torn write, not blank stock: found by UID.
    ensureIndex(tx, STORES.cardStates, "uid", "uid");
    ensureStore(db, UNCERTAIN_TAPS_V1, { keyPath: "eventId" });
    // A tap is resolved at the next read of the same chip, whatever that read shows.
    ensureIndex(tx, UNCERTAIN_TAPS_V1, "uid", "uid");
    ensureStore(db, STORES.sequence, { keyPath: "terminalId" });
    ensureStore(db, STORES.reportErrors, { keyPath: "id", autoIncrement: true });
  },
  // 1 → 2: a tap's unsettled write moves into its outbox record (one write per step of a tap instead of
  // two), found by chip through a sparse index, and the unused index by card goes; the shift tally moves here from the web app's localStorage,
  // to change with the events it counts.
  (db, tx) => {
    ensureStore(db, STORES.shift);
    // Only records with an unsettled write carry `pending`, so only they are in this index.
    ensureIndex(tx, STORES.outbox, "pendingUid", "pending.uid");
    // Nothing looks events up by card; an index costs every write of a tap.
    const outbox = tx.objectStore(STORES.outbox);
    if (outbox.indexNames.contains("cardId")) outbox.deleteIndex("cardId");
    void migrateJournal(db, tx);
  },
];

/** The store that held unsettled taps in version 1. */
const UNCERTAIN_TAPS_V1 = "uncertainTaps";

/**
 * Inside the upgrade to version 2: version 1's sequence marks named the last seq given, version 2's the last
 * one below which every event has left the outbox; and version 1's uncertain taps move into their outbox
 * records, then their store goes. Both are no-ops over a database that is already version 2.
 */
async function migrateJournal(db: UpgradeDatabase, tx: UpgradeTransaction): Promise<void> {
  const outbox = tx.objectStore(STORES.outbox);
  const oldest = (await outbox.index("seq").openCursor()) as { value: { seq: number } } | null;
  if (oldest) {
    const marks = tx.objectStore(STORES.sequence);
    for (const mark of (await marks.getAll()) as { terminalId: string; lastSeq: number }[]) {
      if (mark.lastSeq >= oldest.value.seq) await marks.put({ ...mark, lastSeq: oldest.value.seq - 1 });
    }
  }
  if (!db.objectStoreNames.contains(UNCERTAIN_TAPS_V1)) return;
  type Tap = { eventId: string; uid: string; confirmedEvent: unknown };
  for (const tap of (await tx.objectStore(UNCERTAIN_TAPS_V1).getAll()) as Tap[]) {
    const record = (await outbox.get(tap.eventId)) as Record<string, unknown> | undefined;
    // An upload may have taken the event already; its leftover tap record has nothing to settle.
    if (record)
      await outbox.put({ ...record, pending: { uid: tap.uid, confirmedEvent: tap.confirmedEvent } });
  }
  db.deleteObjectStore(UNCERTAIN_TAPS_V1);
}

export const DATABASE_VERSION = UPGRADE_STEPS.length;
export const DEFAULT_DATABASE_NAME = "tessera-terminal";

/** The stored database was written by newer software; this one must not touch it. */
export class StorageVersionError extends Error {
  constructor(cause: unknown) {
    super("the terminal's storage was written by a newer version of the software; update this terminal");
    this.name = "StorageVersionError";
    this.cause = cause;
  }
}

export interface OpenOptions {
  /** Upgrade only this far (tests of each upgrade step); defaults to the current version. */
  version?: number;
  /** Another tab wants a newer version: this connection is about to be closed. */
  onVersionChange?: () => void;
}

export async function openTerminalDatabase(
  name: string = DEFAULT_DATABASE_NAME,
  options: OpenOptions = {},
): Promise<TerminalDatabase> {
  const version = options.version ?? DATABASE_VERSION;
  try {
    const db = await openDB<TerminalSchema>(name, version, {
      upgrade(database, oldVersion, newVersion, tx) {
        const target = newVersion ?? version;
        for (let step = oldVersion; step < target; step++) {
          UPGRADE_STEPS[step]!(database as unknown as UpgradeDatabase, tx as unknown as UpgradeTransaction);
        }
      },
      // A newer tab (an update) needs to upgrade: let it, rather than block the kiosk on an old tab.
      blocking() {
        db.close();
        options.onVersionChange?.();
      },
    });
    return db;
  } catch (error) {
    if (error instanceof DOMException && error.name === "VersionError") throw new StorageVersionError(error);
    throw error;
  }
}

/**
 * Runs `work` in one transaction and resolves once it has committed (`tx.done`), so "durable" means
 * durable. `work` must only await requests of this transaction: awaiting anything else (crypto, fetch)
 * lets IndexedDB commit early. If `work` throws, the transaction is aborted and nothing it wrote stays.
 */
export async function inTransaction<Names extends StoreName[], Mode extends IDBTransactionMode, Result>(
  db: TerminalDatabase,
  stores: Names,
  mode: Mode,
  work: (tx: IDBPTransaction<TerminalSchema, Names, Mode>) => Promise<Result>,
): Promise<Result> {
  const tx = db.transaction(stores, mode);
  // Observed here so an abort below never surfaces as an unhandled rejection; awaited on success.
  const done = tx.done.then(
    () => ({ ok: true as const }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  let result: Result;
  try {
    result = await work(tx);
  } catch (error) {
    try {
      tx.abort();
    } catch {
      // Already finished or aborted: nothing more to undo.
    }
    await done;
    throw error;
  }
  const outcome = await done;
  if (!outcome.ok) throw outcome.error;
  return result;
}

/**
 * Puts records into one store in one transaction and resolves once it has committed — `inTransaction` for the
 * tap's own writes, on the bare IndexedDB API: with one or two requests, idb's promise per request and per
 * transaction costs as much as the write. The commit is `strict`: it resolves only once the write is flushed
 * to disk, since Chromium's default ("relaxed") may lose a just-committed transaction on power loss, and a
 * tap is shown as done on the strength of this write.
 */
export function putRecords<Name extends StoreName>(
  db: TerminalDatabase,
  store: Name,
  records: readonly StoreValue<TerminalSchema, Name>[],
): Promise<void> {
  return new Promise((resolve, reject) => {
    const tx = unwrap(db).transaction(store, "readwrite", { durability: "strict" });
    const target = tx.objectStore(store);
    for (const record of records) target.put(record);
    tx.oncomplete = () => resolve();
    // A failed request aborts the transaction; nothing it wrote stays.
    tx.onabort = () => reject(tx.error ?? new DOMException("the transaction was aborted", "AbortError"));
  });
}
