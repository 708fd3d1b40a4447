-- Migration 0003: the identity source of truth for all three Workers (ADR 0003). Secrets are never
-- stored, only their SHA-256 hex; live credentials are mirrored into AUTH_KV for the other Workers.

CREATE TABLE people (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'auditor')),
  -- Random bytes (base64url) identifying the person to authenticators, never their email.
  webauthn_user_id TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  disabled_at TEXT
) STRICT;

CREATE TABLE invitations (
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  email TEXT NOT NULL COLLATE NOCASE,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'auditor')),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  accepted_at TEXT,
  revoked_at TEXT
) STRICT;

CREATE TABLE passkeys (
  -- The authenticator's credential id, base64url.
  id TEXT PRIMARY KEY,
  person_id TEXT NOT NULL REFERENCES people (id),
  public_key TEXT NOT NULL,
  counter INTEGER NOT NULL DEFAULT 0,
  transports TEXT NOT NULL DEFAULT '[]',
  created_at TEXT NOT NULL,
  last_used_at TEXT
) STRICT;

CREATE INDEX passkeys_by_person ON passkeys (person_id);

-- Sessions, admin bearer tokens and service API keys: one table, because they share the secret
-- lifecycle (hash, mirror, expire, revoke) and revoking "everything of a person" is then one statement.
CREATE TABLE credentials (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('session', 'admin_token', 'api_key')),
  secret_hash TEXT NOT NULL UNIQUE,
  -- The first characters of the secret, so people can tell keys apart in listings.
  hint TEXT NOT NULL,
  name TEXT NOT NULL,
  -- Sessions and admin tokens act as a person with a role; API keys carry scopes.
  person_id TEXT,
  role TEXT CHECK (role IN ('admin', 'operator', 'auditor')),
  scopes TEXT,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT,
  revoked_at TEXT
) STRICT;

CREATE INDEX credentials_by_kind ON credentials (kind, created_at);
CREATE INDEX credentials_by_person ON credentials (person_id);

-- Single-use WebAuthn challenges, consumed (deleted) by the ceremony that answers them.
CREATE TABLE webauthn_challenges (
  id TEXT PRIMARY KEY,
  purpose TEXT NOT NULL CHECK (purpose IN ('registration', 'authentication')),
  challenge TEXT NOT NULL,
  -- Registration only: the invitation being answered and the user handle offered to the authenticator.
  invitation_id TEXT,
  webauthn_user_id TEXT,
  expires_at TEXT NOT NULL
) STRICT;
