-- Migration 0002: terminals and their enrolment, issued grants, versioned signing keys, the deny list.
-- Times are epoch seconds (INTEGER); ids are prefixed random strings made by the Worker.

-- One-time enrolment codes. Only the SHA-256 of the normalised code is kept: the code is a bearer secret
-- until it is redeemed, and a database read must not yield a usable one.
CREATE TABLE enrolment_codes (
  id TEXT PRIMARY KEY,
  code_hash TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('pos', 'gate', 'station')),
  name TEXT NOT NULL,
  location_id TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  -- Set once, atomically, by the enrolment that redeems the code.
  used_at INTEGER,
  terminal_id TEXT
) STRICT;

-- Enrolled terminals. `number` is what cards carry (24 bits in the certificate), handed out in order.
CREATE TABLE terminals (
  id TEXT PRIMARY KEY,
  number INTEGER NOT NULL UNIQUE CHECK (number BETWEEN 1 AND 16777215),
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('pos', 'gate', 'station')),
  location_id TEXT NOT NULL,
  -- The device's Ed25519 public key (JWK `x`, base64url) and its RFC 7638 thumbprint; one terminal per key.
  public_key_x TEXT NOT NULL,
  jkt TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'revoked')),
  software_version TEXT,
  enrolment_code_id TEXT NOT NULL REFERENCES enrolment_codes (id),
  enrolled_at INTEGER NOT NULL,
  status_changed_at INTEGER NOT NULL,
  revoked_at INTEGER,
  -- Sequence number of the last grant issued (grants carry it as `gseq`, cards its low 16 bits).
  grant_seq INTEGER NOT NULL DEFAULT 0,
  last_grant_at INTEGER
) STRICT;

-- Versioned Ed25519 signing keys for grants and certificates (versions are one byte on cards).
-- The private key is stored only wrapped with AES-256-GCM under the KEY_ENCRYPTION_KEY secret.
CREATE TABLE signing_keys (
  version INTEGER PRIMARY KEY CHECK (version BETWEEN 1 AND 255),
  public_key_x TEXT NOT NULL,
  -- base64url(12-byte IV || ciphertext+tag) of the PKCS#8 private key; AAD binds it to its version.
  wrapped_private_key TEXT NOT NULL,
  -- Short fingerprint of the key-encryption key that wrapped it, so a changed secret fails clearly.
  kek_fingerprint TEXT NOT NULL,
  -- published: in the JWKS, not signing; active: signing (exactly one); previous: in the JWKS until
  -- what it signed has expired; retired: out of the JWKS.
  status TEXT NOT NULL CHECK (status IN ('published', 'active', 'previous', 'retired')),
  created_by TEXT NOT NULL,
  published_at INTEGER NOT NULL,
  activated_at INTEGER,
  superseded_at INTEGER,
  retired_at INTEGER
) STRICT;

CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys (status) WHERE status = 'active';
CREATE UNIQUE INDEX signing_keys_one_published ON signing_keys (status) WHERE status = 'published';

-- Every grant issued, so reconciliation and operators can tell which grant a card write or event names,
-- and so a key knows when the last grant and certificate it signed expire.
CREATE TABLE issued_grants (
  id TEXT PRIMARY KEY,
  terminal_id TEXT NOT NULL REFERENCES terminals (id),
  gseq INTEGER NOT NULL,
  key_version INTEGER NOT NULL,
  policy_version INTEGER NOT NULL,
  deny_list_version INTEGER NOT NULL,
  issued_at INTEGER NOT NULL,
  not_before INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  certificate_valid_until INTEGER NOT NULL,
  UNIQUE (terminal_id, gseq)
) STRICT;

-- Live grants by expiry: which key versions still have something valid out there is a short range scan.
CREATE INDEX issued_grants_live ON issued_grants (certificate_valid_until, key_version);

-- The deny list as it is now: one row per card or terminal. Terminal ids are their number, zero-padded
-- to 8 digits so that ordering by id is numeric order (snapshots page through this table by key).
CREATE TABLE deny_list_entries (
  kind TEXT NOT NULL CHECK (kind IN ('card', 'terminal')),
  id TEXT NOT NULL,
  reason TEXT NOT NULL,
  note TEXT,
  -- Terminals only: card writes it signed at or after this instant are refused.
  effective_from INTEGER,
  added_at INTEGER NOT NULL,
  added_by TEXT NOT NULL,
  -- The list version at which this row last changed.
  version INTEGER NOT NULL,
  PRIMARY KEY (kind, id)
) STRICT, WITHOUT ROWID;

-- The change log deltas are computed from: one row per change, numbered by the version it produced.
CREATE TABLE deny_list_changes (
  version INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('card', 'terminal')),
  id TEXT NOT NULL,
  op TEXT NOT NULL CHECK (op IN ('add', 'remove')),
  reason TEXT NOT NULL,
  note TEXT,
  actor TEXT NOT NULL,
  at INTEGER NOT NULL
) STRICT;

-- The list's current version in one row, bumped in the same transaction as each change. Deltas can be
-- computed from `delta_floor` on; a holder of an older version must take a snapshot (a bulk import, or
-- trimming the change log, raises it).
CREATE TABLE deny_list_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL,
  delta_floor INTEGER NOT NULL
) STRICT;

INSERT INTO deny_list_state (id, version, delta_floor) VALUES (1, 0, 0);
