/** The state the engine's parts share: the database, the backend, the clock and what is loaded in memory. */
import {
  type CatalogDocument,
  type DenyList,
  type GrantScope,
  MAX_REPORT_ERROR_MESSAGE,
  MAX_REPORT_ERRORS,
  type PolicyDocument,
} from "@tessera/protocol";
import type { BackendClient, RequestCredentials } from "./backend/backend-client.ts";
import type { CardMemory } from "./cards/card-memory.ts";
import { type Clock, epochSeconds } from "./clock.ts";
import type { OutboxGauge } from "./outbox/gauge.ts";
import type { ShiftTally } from "./shift/shift-tally.ts";
import type { GrantStatus, TerminalStateStore } from "./state/terminal-state.ts";
import { inTransaction, putRecords, type TerminalDatabase } from "./storage/database.ts";
import type {
  DeviceRecord,
  DocumentRecord,
  GrantRecord,
  OfflineUsageRecord,
  OutboxRecord,
  TerminalRecord,
} from "./storage/records.ts";

/** The boundaries between the steps of a tap; see tap/tap.ts for what a crash at each one leaves. */
export const TAP_STEPS = [
  "read",
  "verified",
  "decided",
  "pending-durable",
  "card-written",
  "read-back",
  "settled",
] as const;
export type TapStep = (typeof TAP_STEPS)[number];

export interface EngineSettings {
  softwareVersion: string;
  /** How long a tap with an unconfirmed write waits for its card to come back before it uploads as is. */
  uncertainHoldSeconds: number;
}

/** A verified grant, with what acting under it needs in hand. */
export interface ActiveGrant {
  record: GrantRecord;
  scope: GrantScope;
  /** The backend's public keys by version: they verify certificates on cards. */
  keys: ReadonlyMap<number, CryptoKey>;
}

export interface TapCounters {
  tapsApproved: number;
  tapsRefused: number;
  uncertain: number;
}

export interface Runtime {
  readonly db: TerminalDatabase;
  readonly clock: Clock;
  readonly random: () => number;
  readonly client: BackendClient;
  readonly state: TerminalStateStore;
  readonly settings: EngineSettings;
  readonly cards: CardMemory;
  /** The outbox's counts, kept in step by every transaction that changes them. */
  readonly outbox: OutboxGauge;
  /** The shift in progress, as last committed. */
  shift: ShiftTally;
  device: DeviceRecord | undefined;
  terminal: TerminalRecord | undefined;
  grant: ActiveGrant | undefined;
  policy: DocumentRecord<PolicyDocument> | undefined;
  catalog: DocumentRecord<CatalogDocument> | undefined;
  denyList: DenyList;
  /** Offline usage under the current grant. */
  usage: OfflineUsageRecord | undefined;
  lastSeq: number;
  /** Taps since the last terminal report. */
  counters: TapCounters;
  lastUploadAt: number | null;
  /**
   * Settlements of taps already shown whose own records are not rewritten yet. `held` are in memory only;
   * the next tap's record carries them (`OutboxRecord.settles`), which makes them `carried`: durable, and
   * folded into their own records when the engine is idle, before an upload and at start-up (see tap.ts).
   */
  held: HeldSettlement[];
  carried: Map<string, OutboxRecord>;
  /** Asks for the held and carried settlements to be written once the engine is idle. */
  requestFlush(): void;
  /** Called at each step boundary of a tap; tests throw there to simulate a crash. */
  checkpoint(step: TapStep): Promise<void>;
  /** Asks the engine to run the outbox upload soon (after a tap, after a new grant). */
  requestUpload(): void;
}

/** A tap's settled outbox record, kept until written; `undo` puts memory back if the write fails. */
export interface HeldSettlement {
  record: OutboxRecord;
  undo: () => void;
}

/** What a later record carries of an earlier tap's settlement: enough to rewrite its record from. */
export function settlementOf(record: OutboxRecord): { id: string; status: "confirmed" | "uncertain" } {
  return { id: record.id, status: record.status === "confirmed" ? "confirmed" : "uncertain" };
}

/**
 * The record a settlement carried by a later record stands for (see tap.ts). Applies only to a record still
 * `pending_write` — the state it had when the settlement was made — so a stale one can never undo a later
 * change (a void, an upload's hold).
 */
export function settledRecord(
  record: OutboxRecord,
  status: "confirmed" | "uncertain",
): OutboxRecord | undefined {
  if (record.status !== "pending_write" || !record.pending) return undefined;
  if (status === "uncertain") return { ...record, status };
  const { pending, ...rest } = record;
  return { ...rest, status, event: pending.confirmedEvent, heldUntil: 0 };
}

/**
 * Writes the settlements not yet in their own records, in one transaction (the upload and a chip's lookup
 * call this first, so neither reads a shown tap as unsettled). If the held ones cannot be written, their
 * records stay as they were stored — `pending_write`, which is safe — and memory goes back to match; carried
 * ones are durable already and are tried again later.
 */
export async function flushSettlements(rt: Runtime): Promise<void> {
  const held = rt.held.splice(0);
  const carried = [...rt.carried.values()];
  if (held.length === 0 && carried.length === 0) return;
  try {
    await putRecords(rt.db, "outbox", [...carried, ...held.map(({ record }) => record)]);
    for (const record of carried) if (rt.carried.get(record.id) === record) rt.carried.delete(record.id);
  } catch (error) {
    for (const { undo } of held) undo();
    await recordError(rt, "settlement_failed", error);
  }
}

export function nowSeconds(rt: Runtime): number {
  return epochSeconds(rt.clock);
}

/** Whether a grant is in force at `now` (its own window; the certificate is checked per tap). */
export function grantInForce(grant: ActiveGrant | undefined, now: number): grant is ActiveGrant {
  return grant !== undefined && now >= grant.scope.notBefore && now < grant.scope.expiresAt;
}

/** Credentials for a request authenticated with the grant (DPoP + `Authorization: DPoP`). */
export function grantCredentials(rt: Runtime): RequestCredentials | undefined {
  if (!rt.device || !grantInForce(rt.grant, nowSeconds(rt))) return undefined;
  return {
    privateKey: rt.device.keyPair.privateKey,
    publicJwk: rt.device.publicJwk,
    grant: rt.grant.record.token,
  };
}

export function usageOf(rt: Runtime, grantId: string): { value: number; count: number } {
  return rt.usage?.grantId === grantId
    ? { value: rt.usage.value, count: rt.usage.count }
    : { value: 0, count: 0 };
}

export function grantStatus(rt: Runtime): GrantStatus | null {
  const grant = rt.grant;
  if (!grant) return null;
  return {
    grantId: grant.scope.grantId,
    notBefore: grant.scope.notBefore,
    expiresAt: grant.scope.expiresAt,
    refreshAt: grant.record.refreshAt,
    valid: grantInForce(grant, nowSeconds(rt)),
    operations: grant.scope.operations,
    limits: grant.scope.limits,
    usage: usageOf(rt, grant.scope.grantId),
  };
}

export function publishGrant(rt: Runtime): void {
  rt.state.update({ grant: grantStatus(rt) });
}

/** Puts the outbox's counts on the screen and into the reports (from memory: see outbox/gauge.ts). */
export function publishOutbox(rt: Runtime): void {
  const gauge = rt.outbox;
  rt.state.update({
    outbox: {
      depth: gauge.depth,
      unresolved: gauge.unresolved,
      oldestAt: gauge.oldestAt,
      lastUploadAt: rt.lastUploadAt,
    },
  });
}

export function publishShift(rt: Runtime): void {
  rt.state.update({ shift: rt.shift });
}

/**
 * Keeps an error for the next terminal report (the newest few, as a report can carry) and shows it.
 * Never throws: failing to record an error must not become a second error.
 */
export async function recordError(rt: Runtime, code: string, error: unknown): Promise<void> {
  const at = nowSeconds(rt);
  const message = (error instanceof Error ? error.message : String(error)).slice(0, MAX_REPORT_ERROR_MESSAGE);
  rt.state.update({ lastError: { at, code, message } });
  try {
    await inTransaction(rt.db, ["reportErrors"], "readwrite", async (tx) => {
      await tx.objectStore("reportErrors").add({ at, code, message });
      const excess = (await tx.objectStore("reportErrors").count()) - MAX_REPORT_ERRORS;
      let cursor = excess > 0 ? await tx.objectStore("reportErrors").openCursor() : null;
      for (let removed = 0; cursor && removed < excess; removed++) {
        await cursor.delete();
        cursor = await cursor.continue();
      }
    });
  } catch {
    // Storage itself is failing; the screen already shows the error.
  }
}
