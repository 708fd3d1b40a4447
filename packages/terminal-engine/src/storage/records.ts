/** The shapes the terminal keeps in IndexedDB, one per store (see database.ts for where and how long). */
import type {
  CardSession,
  CardStatus,
  CardVerdictKind,
  CatalogDocument,
  CertificateKeySet,
  Ed25519Jwk,
  Jwks,
  Operation,
  PolicyDocument,
  Role,
  SessionGrantClaims,
  TerminalEvent,
} from "@tessera/protocol";
import type { ShiftTally } from "../shift/shift-tally.ts";

/** The device key pair; the private half is a non-extractable CryptoKey, stored by structured clone. */
export interface DeviceRecord {
  kind: "device";
  keyPair: CryptoKeyPair;
  publicJwk: Ed25519Jwk;
  /** RFC 7638 thumbprint of the public key: what grants are bound to (`cnf.jkt`). */
  jkt: string;
  createdAt: number;
}

/** Who the backend enrolled this device as. */
export interface TerminalRecord {
  kind: "terminal";
  terminalId: string;
  terminalNumber: number;
  role: Role;
  locationId: string;
  name: string;
  enrolledAt: number;
}

export type IdentityRecord = DeviceRecord | TerminalRecord;

/** The session grant in force, verified when it was received, with the certificate and keys it came with. */
export interface GrantRecord {
  token: string;
  claims: SessionGrantClaims;
  /** The 107-byte backend-signed certificate written into every slot this terminal signs. */
  certificate: Uint8Array;
  /** The backend's published grant keys (the JWKS). */
  jwks: Jwks;
  /**
   * The backend's certificate keys: they verify this terminal's certificate and those on cards. Missing in a
   * record stored before keys were split (ADR 0004); `jwks` then holds only dual-purpose keys, which do both.
   */
  certificateKeys?: CertificateKeySet;
  /** Epoch seconds: when to fetch the next grant. */
  refreshAt: number;
  receivedAt: number;
}

/** A published document (policy or catalog) with the strong ETag to revalidate it. */
export interface DocumentRecord<T extends PolicyDocument | CatalogDocument> {
  document: T;
  etag: string | null;
  fetchedAt: number;
}

export interface DenyListRecord {
  version: number;
  /** `DenyList.toBinary()`: 8 bytes per card, a million cards in 8 MB. */
  bytes: Uint8Array;
  syncedAt: number;
}

/**
 * Where an event stands: `pending_write` is durable before the card is touched; `uncertain` when the
 * read-back did not show the new state; `confirmed` when it did; `void` when a later read proved the
 * write never landed (kept and uploaded as evidence).
 */
export type OutboxStatus = "pending_write" | "uncertain" | "confirmed" | "void";

/** A tap whose card write is not known to have landed, settled at the chip's next read. */
export interface PendingWrite {
  /** Chip UID as 14 hex characters (indexed: a read of the chip finds its unsettled taps). */
  uid: string;
  /**
   * The confirmed version of the event, signed in advance. Its `card.slot` is the slot image the tap wrote:
   * finding it on the card proves the write landed.
   */
  confirmedEvent: TerminalEvent;
}

/**
 * One event, and the journal of the tap that made it: the tap's one durable write before the card is
 * touched, and its one write after. What else the tap changed — the offline usage, the shift tally, what
 * the card memory learnt, the sequence — is carried here and folded into those stores when the event
 * leaves the outbox (see outbox/upload.ts), and rebuilt from the outbox at start-up.
 */
export interface OutboxRecord {
  /** The event id. */
  id: string;
  seq: number;
  status: OutboxStatus;
  /** The event exactly as it will be uploaded (its outcome matches `status`). */
  event: TerminalEvent;
  cardId: string;
  /** Epoch seconds of the tap. */
  at: number;
  /** Epoch seconds before which an unresolved event is held back, waiting for the card to come back. */
  heldUntil: number;
  /** Present while the card write is unsettled. */
  pending?: PendingWrite;
  /** The grant's offline usage with this tap counted. */
  usage?: { grantId: string; value: number; count: number };
  /** The shift the tap is counted in. */
  shiftId?: string;
  /**
   * Settlements of earlier taps (this terminal's previous ones) that this record carries because their own
   * records were not rewritten yet: a record still `pending_write` with a settlement here stands for its
   * settled version (runtime.ts `settledRecord`).
   */
  settles?: { id: string; status: "confirmed" | "uncertain" }[];
}

/** The batch being uploaded: retried byte for byte under the same Idempotency-Key until answered. */
export interface PendingBatchRecord {
  key: string;
  events: TerminalEvent[];
  createdAt: number;
  attempts: number;
}

export interface OfflineUsageRecord {
  grantId: string;
  value: number;
  count: number;
  updatedAt: number;
}

/** The newest state this terminal has seen of a card: feeds verifyCard's clone and rollback check. */
export interface RecentCounterRecord {
  cardId: string;
  counter: number;
  chain: string;
  seenAtMs: number;
}

/** What the terminal last knew of a card, for the screen and for a station's questions. */
export interface CardStateRecord {
  cardId: string;
  /** Chip UID as 14 hex characters. */
  uid: string;
  counter: number;
  balance: number;
  status: CardStatus;
  session: CardSession | null;
  writtenAt: number;
  terminalNumber: number;
  history: { op: Operation; amount: number; at: number }[];
  verdict: CardVerdictKind;
  recovered: boolean;
  seenAtMs: number;
}

export interface SequenceRecord {
  terminalId: string;
  /**
   * Every event `seq` up to this one has left the outbox (acknowledged). The last `seq` given is the higher of
   * this and the highest in the outbox; the next one is that + 1 (gapless, from 1).
   */
  lastSeq: number;
}

export interface ReportErrorRecord {
  id?: number;
  at: number;
  code: string;
  message: string;
}

/** The shift in progress (one record): see shift/shift-tally.ts. */
export type ShiftRecord = ShiftTally;
