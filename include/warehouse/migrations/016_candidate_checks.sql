-- Incremental checks (include/pipeline/incremental.py): per checked candidate, the fingerprints of
-- what the rules read for them when they were last checked (their own inputs with the rule versions and
-- configuration; the register as a whole; what of the register the rules read for them), the run and
-- report day of that check,
-- the earliest day a time-dependent rule may give another result (NULL: none), and the latest run whose
-- findings include them (a checked or a kept candidate). Hashes and days only, no personal data; a
-- candidate's erasure deletes the row.
CREATE TABLE IF NOT EXISTS candidate_checks (
    candidate_id TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, register_digest TEXT NOT NULL,
    registry_fingerprint TEXT NOT NULL, checked_run TEXT NOT NULL, checked_day TEXT NOT NULL,
    next_check TEXT, seen_run TEXT NOT NULL, updated_at TEXT
);
