-- Migration 0004: a separate certificate key per signing-key version (ADR 0004).
-- From now on every version has two Ed25519 keys, created, rotated and retired together: the grant key
-- (the existing public_key_x / wrapped_private_key columns, wrap AAD "tessera-signing-key:v<N>:grant")
-- signs session grants only, and the certificate key (these columns, wrap AAD "…:v<N>:certificate")
-- signs terminal certificates only. Rows made before this migration keep both columns NULL: their one key
-- (wrap AAD "tessera-signing-key:v<N>") is a legacy dual-purpose key that keeps signing and verifying
-- both until its version is retired by the normal rotation rules. Expand only: a Worker of the previous
-- release ignores these columns, and cannot unwrap a split row's grant key (its AAD differs), so it fails
-- closed instead of signing certificates with a grant key.
ALTER TABLE signing_keys ADD COLUMN certificate_public_key_x TEXT;
-- Set exactly when certificate_public_key_x is: a row is either legacy (both NULL) or split (both set).
ALTER TABLE signing_keys ADD COLUMN certificate_wrapped_private_key TEXT
  CHECK ((certificate_wrapped_private_key IS NULL) = (certificate_public_key_x IS NULL));
