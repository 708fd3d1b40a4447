-- Migration 0005: the grant each event was made under, and a running tally of each grant's offline writes, so
-- an upload judges a grant's cumulative offline limits (src/ledger/grant-tally.ts) from its own events alone.
-- Expand only: a new nullable column, a new table, both filled from what is already stored.

ALTER TABLE events ADD COLUMN grant_id TEXT;
UPDATE events SET grant_id = body ->> '$.grantId' WHERE grant_id IS NULL;
-- Rebuilding a grant's tally reads its booked writes (rare: only past a limit, out of order).
CREATE INDEX events_by_grant ON events (terminal_id, grant_id) WHERE booked = 1;

-- One row per terminal and grant it wrote under: every booked write that counts against the grant's offline
-- limits is in `count` and `value` the moment it is stored. `count_limit` and `value_limit` are the grant's
-- (from its verified claims), NULL until reconciliation has seen the grant; `beyond` (JSON) counts the writes
-- past a limit and names the first of them in sequence order (`[]` while none), exact only while the limits
-- are known.
CREATE TABLE grant_tallies (
  terminal_id TEXT NOT NULL,
  grant_id TEXT NOT NULL,
  -- The terminal's number, for deny-listing it when policy says so (autoDenyFlags: over_grant_limit).
  terminal_number INTEGER NOT NULL,
  count INTEGER NOT NULL,
  value INTEGER NOT NULL,
  -- The latest write counted, in sequence order (seq, then event id).
  last_seq INTEGER,
  last_event_id TEXT,
  count_limit INTEGER,
  value_limit INTEGER,
  beyond TEXT NOT NULL DEFAULT '[]',
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (terminal_id, grant_id)
) STRICT;

-- Events stored before this migration, tallied with their limits unknown: the next upload that knows the
-- grant rebuilds the tally if it is past a limit.
INSERT INTO grant_tallies (terminal_id, grant_id, terminal_number, count, value, updated_at)
SELECT terminal_id, grant_id, max(facts ->> '$.terminalNumber'), count(*),
  sum(CASE WHEN op IN ('issue', 'block') THEN 0 ELSE amount END), unixepoch()
FROM events
WHERE booked = 1 AND grant_id IS NOT NULL AND op NOT IN ('topup', 'payout', 'reissue')
GROUP BY terminal_id, grant_id;
UPDATE grant_tallies SET (last_seq, last_event_id) = (
  SELECT seq, id FROM events
  WHERE booked = 1 AND terminal_id = grant_tallies.terminal_id AND grant_id = grant_tallies.grant_id
    AND op NOT IN ('topup', 'payout', 'reissue')
  ORDER BY seq DESC, id DESC LIMIT 1
);
