-- Migration 0003: DPoP proof ids this Worker has accepted (ADR 0003 keeps them in the grants D1).
-- A proof is accepted once: the id is inserted in the same transaction that reads the terminal, and a
-- second insert of the same id is a replay. Rows are kept as long as a proof with that id could still
-- be accepted (its max age plus clock skew), then purged by the hourly cron.
CREATE TABLE dpop_proofs (
  jti TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX dpop_proofs_expiry ON dpop_proofs (expires_at);
