-- Migration 0003: the append-only, hash-chained audit log of all three Workers, and terminal reports.

-- Rows are inserted with a sequence number and sealed afterwards, in sequence order: hash =
-- SHA-256(prev_hash | canonical JSON of the row). Concurrent appends never fork the chain, because a
-- row's hash depends only on its content and the previous row's hash (src/audit/chain.ts).
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  service TEXT NOT NULL,
  -- {kind, id, name?} of who acted, JSON.
  actor TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  detail TEXT NOT NULL,
  -- When the action happened, as the acting Worker saw it (ISO 8601).
  at TEXT NOT NULL,
  request_id TEXT,
  -- When this Worker stored it (epoch ms).
  recorded_at INTEGER NOT NULL,
  prev_hash TEXT,
  hash TEXT
) STRICT;
CREATE INDEX audit_by_action ON audit_log (action, seq);
CREATE INDEX audit_by_actor ON audit_log (actor_id, seq);
CREATE INDEX audit_by_target ON audit_log (target, seq);
CREATE INDEX audit_unsealed ON audit_log (seq) WHERE hash IS NULL;

-- The log is append-only: no statement may change or remove a sealed row (sealing fills hash once).
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN OLD.hash IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;

-- Terminal heartbeats, kept policy.reports.retentionDays (the hourly cron deletes older ones).
CREATE TABLE terminal_reports (
  id INTEGER PRIMARY KEY,
  terminal_id TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  -- The report's own `at` (terminal clock).
  at INTEGER NOT NULL,
  report TEXT NOT NULL
) STRICT;
CREATE INDEX terminal_reports_by_terminal ON terminal_reports (terminal_id, id);
CREATE INDEX terminal_reports_by_time ON terminal_reports (received_at);
