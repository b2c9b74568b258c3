-- Whose record a quarantined record was (when known): the rules soften findings that rest on a
-- candidate's incomplete record, and the report lists each candidate's quarantined records.
-- Nullable: rows quarantined before, and records that belong to no candidate (jobs, reviews), have none.
ALTER TABLE quarantine ADD COLUMN IF NOT EXISTS candidate_id TEXT;
