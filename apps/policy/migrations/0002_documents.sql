-- Migration 0002: published policy and catalog documents and their drafts. One pair of tables serves
-- both kinds, because both follow the same lifecycle (draft → validate → publish → immutable version).

-- Published versions are immutable: rows are only ever inserted. `body` is the exact JSON served to
-- terminals (version and publishedAt included) and `etag` its strong ETag, so KV can be rebuilt from
-- here byte for byte. Version 1 of each kind (protocol's DEFAULT_POLICY / DEFAULT_CATALOG) is inserted
-- by the Worker on first read, so the default stays defined in one place.
CREATE TABLE document_versions (
  kind TEXT NOT NULL CHECK (kind IN ('policy', 'catalog')),
  version INTEGER NOT NULL CHECK (version >= 1),
  body TEXT NOT NULL,
  etag TEXT NOT NULL,
  published_at TEXT NOT NULL,
  -- Who published: an audit actor ({kind, id, name}) as JSON; the audit log holds the full entry.
  published_by TEXT NOT NULL,
  -- Set when this version re-published an older one's content (a rollback).
  restored_from INTEGER,
  note TEXT,
  PRIMARY KEY (kind, version)
) STRICT;

-- Work in progress; deleted or marked published, never served to terminals.
CREATE TABLE document_drafts (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('policy', 'catalog')),
  body TEXT NOT NULL,
  -- The version the draft started from, so a publish can tell it was overtaken.
  based_on INTEGER,
  note TEXT,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  published_version INTEGER
) STRICT;

CREATE INDEX document_drafts_by_kind ON document_drafts (kind, updated_at);
