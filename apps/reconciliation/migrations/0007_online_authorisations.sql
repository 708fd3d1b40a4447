-- Migration 0007: online authorisations cover pay-outs and restores (reissues) as well as top-ups
-- (src/reconciliation/authorisations.ts). Expand only: the table keeps its name and gains the operation,
-- whose default is what every row before this was, so a Worker of the version before, which inserts rows
-- without it and never reads it, goes on working beside this one.
ALTER TABLE topup_authorisations
  ADD COLUMN op TEXT NOT NULL DEFAULT 'topup' CHECK (op IN ('topup', 'payout', 'reissue'));
