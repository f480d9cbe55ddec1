-- History import (issue 14): past steps from a previous system or another office's Madoguchi server.
-- Imported rows are written into tickets/steps (state 'ended', never today's or a later business day)
-- so every report reads them by the same queries as recorded steps; they have no events and never
-- enter the live queue. import_batch marks them (null = recorded here); a batch is removed as a whole.
CREATE TABLE import_batches (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  office_id TEXT NOT NULL REFERENCES offices(id),
  source TEXT NOT NULL,                -- what the admin called it, e.g. 「旧システム（2019〜2025年度）」
  format TEXT NOT NULL CHECK (format IN ('madoguchi','mapped')),
  mapping_name TEXT,                   -- the saved column mapping of a foreign file
  file_name TEXT,
  file_sha256 TEXT NOT NULL,
  tickets INTEGER NOT NULL,
  steps INTEGER NOT NULL,
  first_day TEXT NOT NULL,
  last_day TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  created_by TEXT,
  removed_at INTEGER,                  -- the batch row stays (audit); its tickets and steps are deleted
  removed_by TEXT
);
CREATE INDEX import_batches_office ON import_batches(office_id, first_day);

-- Column mappings for foreign CSV files, saved by name (JSON: columns, time formats, outcome words, service codes).
CREATE TABLE import_mappings (
  name TEXT PRIMARY KEY,
  mapping_json TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  updated_by TEXT
);

ALTER TABLE tickets ADD COLUMN import_batch INTEGER REFERENCES import_batches(id);
-- The row's key in its source (business day + ticket): importing the same rows again adds nothing.
ALTER TABLE tickets ADD COLUMN import_key TEXT;
ALTER TABLE steps ADD COLUMN import_batch INTEGER REFERENCES import_batches(id);
CREATE UNIQUE INDEX tickets_import_key ON tickets(office_id, import_key) WHERE import_key IS NOT NULL;
CREATE INDEX tickets_import_batch ON tickets(import_batch) WHERE import_batch IS NOT NULL;
-- Reports say how many imported steps they include: free when nothing was imported.
CREATE INDEX steps_imported ON steps(office_id, enqueued_at) WHERE import_batch IS NOT NULL;

-- Busy-season comparison: per service and season window, every column it reads is in this index,
-- so each read is one index range with no table look-ups (issue 14: 8 seasons of 5 M steps in a
-- fraction of a full scan).
CREATE INDEX steps_office_service ON steps(office_id, service_id, enqueued_at, first_called_at, seq, outcome);
