/**
 * The deny list as this Worker keeps and serves it: changes (each bumps the version, is logged and
 * returned with the new version), deltas from any version the change log still reaches, and snapshots
 * built in pages of 10,000 entries so a million-entry list never sits in memory as objects.
 */
import {
  compactDenyListDelta,
  type DenyListCardEntry,
  type DenyListDelta,
  type DenyListDeltaUnavailable,
  type DenyListTerminalEntry,
  type DenyReason,
  encodeDenyListBinary,
  MAX_ENTRIES_PER_CHUNK,
  TesseraError,
  utf8,
} from "@tessera/protocol";
import { cardEntryOf, type DenyEntryRow, type DenyKind, denyList, terminalEntryOf } from "../db/deny-list.ts";
import {
  type DeltaFormat,
  denyListCache,
  type SnapshotFormat,
  type SnapshotManifest,
} from "../kv/deny-list-cache.ts";

/** Above this many changed keys a delta costs more than it saves; the holder takes a snapshot. */
export const MAX_DELTA_KEYS = 50_000;
/** Lists up to this size are re-snapshotted on request whenever they changed (one or a few pages). */
const SYNC_REBUILD_MAX_ENTRIES = 50_000;
/** A larger list is re-snapshotted in the background once its snapshot is this many changes behind… */
const REBUILD_AFTER_CHANGES = 1_000;
/** …or this old (seconds) while behind at all. */
const REBUILD_AFTER_SECONDS = 3_600;
const BUILD_ATTEMPTS = 3;
/** Card ids per read when building the binary snapshot (1.6 MB of hex, under D1's 2 MB row limit). */
const ID_PAGE = 100_000;

/** Which 32-bit word of a 64-bit array element holds the high half on this platform. */
const HIGH_WORD = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 1 : 0;

function changingTooFast(): TesseraError {
  return new TesseraError(
    "service_unavailable",
    "The deny list changed during every snapshot attempt; retry shortly or sync with deltas",
  );
}

export interface DenyListEnv {
  DB: D1Database;
  GRANTS_KV: KVNamespace;
}

export interface EntryInput {
  kind: DenyKind;
  id: string | number;
  reason: DenyReason;
  note: string | null;
  /** Terminals only; defaults to now. */
  effectiveFrom: number | null;
  actor: string;
}

export type StoredEntry =
  | ({ kind: "card" } & DenyListCardEntry)
  | ({ kind: "terminal" } & DenyListTerminalEntry);

export function storedEntryOf(row: DenyEntryRow): StoredEntry {
  return row.kind === "card"
    ? { kind: "card", ...cardEntryOf(row) }
    : { kind: "terminal", ...terminalEntryOf(row) };
}

export type DeltaAnswer =
  | { kind: "delta"; version: number; body: Uint8Array; format: DeltaFormat }
  | { kind: "snapshot_required"; body: DenyListDeltaUnavailable };

const now = () => Math.floor(Date.now() / 1000);

/** Whether `existing` already says at least what the requested entry would (so nothing changes). */
function alreadyCovers(existing: DenyEntryRow, input: EntryInput, effectiveFrom: number | null): boolean {
  if (existing.reason !== input.reason || (existing.note ?? null) !== input.note) return false;
  if (input.kind === "terminal")
    return existing.effective_from !== null && existing.effective_from <= (effectiveFrom ?? Infinity);
  return true;
}

export function denyListService(env: DenyListEnv) {
  const repo = denyList(env.DB);
  const cache = denyListCache(env.GRANTS_KV);

  /** Every change bumps the version, so an unchanged version means the pages read form one list. */
  async function unchangedSince(version: number): Promise<boolean> {
    return (await repo.state()).version === version;
  }

  /** JSON chunks of 10,000 entries with their metadata, read page by page through the wire schemas. */
  async function buildJsonSnapshot(): Promise<SnapshotManifest> {
    for (let attempt = 0; attempt < BUILD_ATTEMPTS; attempt++) {
      const { version, entries } = await repo.census();
      const chunks = Math.max(1, Math.ceil(entries / MAX_ENTRIES_PER_CHUNK));
      let after: { kind: DenyKind; id: string } | null = null;
      for (let chunk = 0; chunk < chunks; chunk++) {
        const rows = await repo.page(after, MAX_ENTRIES_PER_CHUNK);
        const last = rows.at(-1);
        if (last) after = { kind: last.kind, id: last.id };
        const cards: DenyListCardEntry[] = [];
        const terminals: DenyListTerminalEntry[] = [];
        for (const row of rows) {
          if (row.kind === "card") cards.push(cardEntryOf(row));
          else terminals.push(terminalEntryOf(row));
        }
        await cache.putChunk(version, chunk, JSON.stringify({ version, chunk, chunks, cards, terminals }));
      }
      if (!(await unchangedSince(version))) continue;
      const manifest = { version, chunks, entries, builtAt: now() };
      await cache.publish("json", manifest);
      return manifest;
    }
    throw changingTooFast();
  }

  /** The TDL1 snapshot: card ids read 100,000 at a time as one string each, 8 bytes per card in the result. */
  async function buildBinarySnapshot(): Promise<SnapshotManifest> {
    for (let attempt = 0; attempt < BUILD_ATTEMPTS; attempt++) {
      const { version, entries, cards } = await repo.census();
      const ids = new BigUint64Array(cards);
      // Each id is written as two 32-bit words straight into the array: no bigint per id at a million ids.
      const words = new Uint32Array(ids.buffer);
      let count = 0;
      let after = "";
      while (count < cards) {
        const page = await repo.cardIdPage(after, ID_PAGE);
        if (page.length === 0) break;
        for (let offset = 0; offset < page.length && count < cards; offset += 16) {
          words[2 * count + HIGH_WORD] = Number.parseInt(page.slice(offset, offset + 8), 16);
          words[2 * count + 1 - HIGH_WORD] = Number.parseInt(page.slice(offset + 8, offset + 16), 16);
          count++;
        }
        after = page.slice(-16);
      }
      const terminals = await repo.terminalRevocations();
      if (count !== cards || !(await unchangedSince(version))) continue;
      await cache.putBinary(
        version,
        encodeDenyListBinary({ kind: "snapshot", version, cards: ids, terminals }),
      );
      const manifest = { version, chunks: 1, entries, builtAt: now() };
      await cache.publish("tdl1", manifest);
      return manifest;
    }
    throw changingTooFast();
  }

  const builders = { json: buildJsonSnapshot, tdl1: buildBinarySnapshot };

  /** The snapshot to serve: the latest built one, rebuilt first (small lists) or meanwhile (large ones). */
  async function servedSnapshot(
    format: SnapshotFormat,
    waitUntil: (work: Promise<unknown>) => void,
  ): Promise<SnapshotManifest> {
    const build = builders[format];
    const [latest, state] = await Promise.all([cache.latest(format), repo.state()]);
    if (!latest || latest.version > state.version) return build();
    if (latest.version === state.version) return latest;
    if (latest.entries <= SYNC_REBUILD_MAX_ENTRIES) return build();
    const behind = state.version - latest.version;
    if (behind >= REBUILD_AFTER_CHANGES || now() - latest.builtAt >= REBUILD_AFTER_SECONDS) {
      waitUntil(
        (async () => {
          if (!(await cache.claimBuild(format))) return;
          try {
            await build();
          } finally {
            await cache.releaseBuild(format);
          }
        })().catch((error) =>
          console.error(
            JSON.stringify({
              level: "error",
              event: "deny_list_snapshot_failed",
              format,
              error: String(error),
            }),
          ),
        ),
      );
    }
    // The holder brings it up to date with a delta from its version.
    return latest;
  }

  return {
    async version(): Promise<number> {
      return (await repo.state()).version;
    },

    async entry(kind: DenyKind, id: string | number): Promise<StoredEntry | null> {
      const row = await repo.entry(kind, id);
      return row ? storedEntryOf(row) : null;
    },

    /**
     * Adds (or tightens) an entry; an entry that already says as much changes nothing and keeps the
     * version, so automatic additions from reconciliation flags do not churn the list.
     */
    async add(
      input: EntryInput,
      extra: D1PreparedStatement[] = [],
    ): Promise<{ entry: StoredEntry; version: number; changed: boolean }> {
      const at = now();
      const effectiveFrom = input.kind === "terminal" ? (input.effectiveFrom ?? at) : null;
      const existing = await repo.entry(input.kind, input.id);
      if (existing && extra.length === 0 && alreadyCovers(existing, input, effectiveFrom)) {
        return { entry: storedEntryOf(existing), version: (await repo.state()).version, changed: false };
      }
      const results = await env.DB.batch([
        ...extra,
        ...repo.setStatements({
          kind: input.kind,
          id: input.id,
          reason: input.reason,
          note: input.note,
          // A terminal already listed keeps its earlier effectiveFrom: refusing more is the safe side.
          effectiveFrom:
            effectiveFrom !== null && existing?.effective_from != null
              ? Math.min(effectiveFrom, existing.effective_from)
              : effectiveFrom,
          actor: input.actor,
          at,
        }),
        repo.versionStatement(),
      ]);
      const stored = await repo.entry(input.kind, input.id);
      if (!stored) throw new Error("deny-list entry vanished after it was written");
      return { entry: storedEntryOf(stored), version: repo.parseVersion(results.at(-1)), changed: true };
    },

    async remove(
      kind: DenyKind,
      id: string | number,
      reason: string,
      actor: string,
    ): Promise<{ entry: StoredEntry; version: number }> {
      const existing = await repo.entry(kind, id);
      if (!existing) throw new TesseraError("not_found", `No ${kind} ${id} on the deny list`);
      const results = await env.DB.batch([
        ...repo.removeStatements({ kind, id, reason, actor, at: now() }),
        repo.versionStatement(),
      ]);
      return { entry: storedEntryOf(existing), version: repo.parseVersion(results.at(-1)) };
    },

    /** The entries that bear on one card and its writers, and the version they were read at. */
    lookup(cardId: string | null, terminalNumbers: number[]) {
      return repo.lookup(cardId, terminalNumbers);
    },

    /** The changes since `since` as a protocol delta (JSON or TDL1), or the instruction to take a snapshot. */
    async delta(since: number, format: DeltaFormat): Promise<DeltaAnswer> {
      const { version } = await repo.state();
      if (since <= version) {
        const cached = await cache.delta(since, version, format);
        if (cached) return { kind: "delta", version, body: new Uint8Array(cached), format };
      }
      const rows = await repo.changedSince(since, MAX_DELTA_KEYS);
      if (rows.kind !== "rows") {
        return {
          kind: "snapshot_required",
          body: { snapshotRequired: true, from: since, version: rows.version },
        };
      }
      const delta: DenyListDelta = {
        from: since,
        to: rows.version,
        add: { cards: [], terminals: [] },
        remove: { cards: [], terminals: [] },
      };
      for (const row of rows.present) {
        if (row.kind === "card") delta.add.cards.push(cardEntryOf(row));
        else delta.add.terminals.push(terminalEntryOf(row));
      }
      for (const key of rows.removed) {
        if (key.kind === "card") delta.remove.cards.push(key.id);
        else delta.remove.terminals.push(Number(key.id));
      }
      const body =
        format === "tdl1"
          ? encodeDenyListBinary(compactDenyListDelta(delta))
          : utf8.encode(JSON.stringify(delta));
      await cache.putDelta(since, rows.version, format, body);
      return { kind: "delta", version: rows.version, body, format };
    },

    /** One JSON chunk of a built snapshot (the latest unless `version` names one still kept). */
    async snapshotChunk(
      chunk: number,
      version: number | undefined,
      waitUntil: (work: Promise<unknown>) => void,
    ): Promise<{ version: number; chunks: number; json: string }> {
      const manifest = version === undefined ? await servedSnapshot("json", waitUntil) : undefined;
      const at = manifest?.version ?? version!;
      const json = await cache.chunk(at, chunk);
      if (json === null) {
        if (manifest && chunk >= manifest.chunks)
          throw new TesseraError(
            "not_found",
            `Snapshot ${at} has ${manifest.chunks} chunks (0..${manifest.chunks - 1})`,
          );
        throw new TesseraError(
          "not_found",
          `Chunk ${chunk} of snapshot ${at} is not kept; start again from chunk 0 without a version`,
        );
      }
      return { version: at, chunks: manifest?.chunks ?? 0, json };
    },

    /** The whole latest snapshot in the TDL1 binary form. */
    async snapshotBinary(
      waitUntil: (work: Promise<unknown>) => void,
    ): Promise<{ version: number; bytes: ArrayBuffer }> {
      const manifest = await servedSnapshot("tdl1", waitUntil);
      const bytes = await cache.binary(manifest.version);
      if (bytes === null) {
        const rebuilt = await buildBinarySnapshot();
        const again = await cache.binary(rebuilt.version);
        if (again === null) throw new Error("deny-list snapshot missing right after it was built");
        return { version: rebuilt.version, bytes: again };
      }
      return { version: manifest.version, bytes };
    },

    buildJsonSnapshot,
    buildBinarySnapshot,
  };
}
export type DenyListService = ReturnType<typeof denyListService>;
