-- The recruiting timeline (docs/TIMELINE.md): every step of every application as read from the ATSs,
-- append-only. A row is never updated: a changed offer is a new row with the next version. basis is
-- 'reported' (the ATS gave the time) or 'observed' (a change seen between two of our reads; occurred_at
-- is then the time of the read that saw it). record_sha256 is the digest of the source record as read,
-- payload_sha256 that of the landed file (landed_path) the record came in.
CREATE TABLE IF NOT EXISTS recruiting_events (
    event_id TEXT PRIMARY KEY, source TEXT NOT NULL, candidate_id TEXT, application_id TEXT NOT NULL,
    kind TEXT NOT NULL, occurred_at TEXT, basis TEXT NOT NULL, record_type TEXT NOT NULL, record_id TEXT NOT NULL,
    version INTEGER NOT NULL, detail @JSON@, record_sha256 TEXT NOT NULL, landed_path TEXT, payload_sha256 TEXT,
    run_id TEXT, recorded_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS recruiting_events_candidate_idx ON recruiting_events (candidate_id);
CREATE INDEX IF NOT EXISTS recruiting_events_record_idx ON recruiting_events (record_type, record_id);
