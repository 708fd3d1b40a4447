-- Migration 0004: each card's ledger tail (src/ledger/tail.ts), JSON, so an upload that simply continues a
-- card's history extends its ledger without reading every earlier event back. NULL means "recompute this card
-- from all of its events" (a gap, a fork, a tear, an unmatched top-up, or a row written before this column).
ALTER TABLE cards ADD COLUMN tail TEXT;
