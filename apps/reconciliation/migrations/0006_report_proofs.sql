-- Migration 0006: each terminal report keeps the id of the DPoP proof it came with, held once, so a proof
-- replayed to another isolate stores nothing (src/routes/reports/submit.ts) without a KV round trip per report.
-- Expand only: a nullable column (reports stored before it have none) and a unique index over the filled ones.
ALTER TABLE terminal_reports ADD COLUMN proof_id TEXT;
CREATE UNIQUE INDEX terminal_reports_by_proof ON terminal_reports (proof_id) WHERE proof_id IS NOT NULL;
