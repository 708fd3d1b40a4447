-- Migration 0001: the grants Worker's database. Later migrations add the domain tables.
-- Facts about this database itself; 'owner' names the Worker it belongs to, so a D1 database bound to
-- the wrong Worker shows up on GET /v1/meta.
CREATE TABLE service_meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

INSERT INTO service_meta (key, value) VALUES ('owner', 'grants');
