-- Migration 0002: events, the per-card ledger summary, flags, batches, top-up authorisations and the grants
-- reconciliation has seen. The ledger itself is recomputed from `events` (src/ledger), so only what lists
-- and filters need is stored beside them.

-- Every event ever received, exactly once per id. Rejected events stay as evidence (booked = 0).
CREATE TABLE events (
  id TEXT PRIMARY KEY,
  terminal_id TEXT NOT NULL,
  -- NULL only when the event was too malformed to name a card.
  card_id TEXT,
  seq INTEGER,
  counter_after INTEGER,
  written_at INTEGER,
  op TEXT,
  amount INTEGER,
  booked INTEGER NOT NULL CHECK (booked IN (0, 1)),
  -- Why a rejected event was not booked (a ReconcileEventResult code).
  reject_code TEXT,
  -- The verified facts the ledger reads (src/ledger/types.ts LedgerEvent), JSON; NULL when rejected.
  facts TEXT,
  -- The event exactly as uploaded, JSON.
  body TEXT NOT NULL,
  -- SHA-256 of the event's canonical JSON: same id + same fingerprint is a duplicate, else a conflict.
  fingerprint TEXT NOT NULL,
  batch_id TEXT NOT NULL,
  received_at INTEGER NOT NULL
) STRICT;
CREATE INDEX events_by_card ON events (card_id, counter_after) WHERE booked = 1;
CREATE INDEX events_by_terminal ON events (terminal_id, seq);
CREATE INDEX events_by_batch ON events (batch_id);

-- A second, different event under an id already held: kept as evidence, never replacing the first.
CREATE TABLE event_conflicts (
  id INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL,
  body TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  batch_id TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  UNIQUE (event_id, fingerprint)
) STRICT;

-- One row per accepted upload; `results` is the answer sent, replayed when the Idempotency-Key repeats.
CREATE TABLE batches (
  id TEXT PRIMARY KEY,
  terminal_id TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  body_hash TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  event_count INTEGER NOT NULL,
  accepted INTEGER NOT NULL,
  duplicate INTEGER NOT NULL,
  flagged INTEGER NOT NULL,
  rejected INTEGER NOT NULL,
  results TEXT NOT NULL,
  UNIQUE (terminal_id, idempotency_key)
) STRICT;
CREATE INDEX batches_by_time ON batches (received_at);

-- The reconciled head of each card's ledger, rewritten whenever the card's events change.
CREATE TABLE cards (
  card_id TEXT PRIMARY KEY,
  balance INTEGER NOT NULL,
  counter INTEGER NOT NULL,
  chain TEXT NOT NULL,
  status TEXT NOT NULL,
  head_event_id TEXT NOT NULL,
  issued INTEGER NOT NULL,
  event_count INTEGER NOT NULL,
  open_gaps INTEGER NOT NULL,
  last_written_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

-- Anomalies. Ledger flags are keyed by what they are about, so a recomputation updates them in place;
-- one that no longer applies (a gap filled later) is 'withdrawn', never deleted.
CREATE TABLE flags (
  id TEXT PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  -- 'ledger': recomputed with the card; 'rejection': raised by a rejected event, never withdrawn.
  source TEXT NOT NULL CHECK (source IN ('ledger', 'rejection')),
  kind TEXT NOT NULL,
  card_id TEXT,
  event_ids TEXT NOT NULL,
  terminal_ids TEXT NOT NULL,
  counter INTEGER,
  amount INTEGER,
  detail TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('open', 'resolved', 'withdrawn')),
  raised_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  resolved_at INTEGER,
  resolved_by TEXT,
  resolution_note TEXT,
  -- When the card was put on the deny list for this flag (policy.autoDenyFlags), NULL until done.
  denied_at INTEGER
) STRICT;
CREATE INDEX flags_by_card ON flags (card_id);
CREATE INDEX flags_by_state ON flags (state, raised_at);
CREATE INDEX flags_by_kind ON flags (kind, raised_at);

-- Online top-up authorisations a station (or an operator) obtained before writing the card.
CREATE TABLE topup_authorisations (
  id TEXT PRIMARY KEY,
  card_id TEXT NOT NULL,
  amount INTEGER NOT NULL,
  -- Who asked: the audit actor, JSON.
  requested_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX topup_authorisations_by_card ON topup_authorisations (card_id);

-- Session grants reconciliation has verified (the uploader's, and older ones sent with a batch), so an
-- event naming an earlier grant can be checked against it later.
CREATE TABLE grants_seen (
  jti TEXT PRIMARY KEY,
  terminal_id TEXT NOT NULL,
  claims TEXT NOT NULL,
  first_seen_at INTEGER NOT NULL
) STRICT;

-- Aborts an upload's D1 batch when another upload changed one of its cards since it read them: the
-- INSERT of a 0 fails the CHECK, the whole batch rolls back and the upload recomputes (src/db/uploads.ts).
CREATE TABLE upload_guard (
  ok INTEGER NOT NULL CHECK (ok = 1)
) STRICT;
