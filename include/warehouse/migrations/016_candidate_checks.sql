-- Incremental checks (include/pipeline/incremental.py): per checked candidate, the fingerprint of
-- everything the rules read for them when they were last checked, the run and report day of that check,
-- the earliest day a time-dependent rule may give another result (NULL: none), and the latest run whose
-- findings include them (a checked or a kept candidate). Hashes and days only, no personal data; a
-- candidate's erasure deletes the row.
CREATE TABLE IF NOT EXISTS candidate_checks (
    candidate_id TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, checked_run TEXT NOT NULL, checked_day TEXT NOT NULL,
    next_check TEXT, seen_run TEXT NOT NULL, updated_at TEXT
);
