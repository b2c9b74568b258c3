-- The audit trail's coverage of the tables a decision rests on (docs/AUDIT-TRAIL.md), and legal holds.
-- audit_seals: a hash chain of seals; each holds, per covered table, its row count and the sha256 root
--   over its sorted (key, row digest) pairs at that moment; kind run|erasure|clearance|hold|release.
-- audit_rows: the row digests of the latest seal, so that verify names the key of what changed.
CREATE TABLE IF NOT EXISTS audit_seals (
    seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, ref TEXT, sealed_at TEXT, sealed_by TEXT,
    run_id TEXT, run_hash TEXT, coverage @JSON@, changes @JSON@, prev_hash TEXT NOT NULL, hash TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS audit_rows (
    tbl TEXT NOT NULL, row_key TEXT NOT NULL, row_digest TEXT NOT NULL,
    PRIMARY KEY (tbl, row_key)
);

-- A legal hold stops retention and erasure of a candidate until it is released.
CREATE TABLE IF NOT EXISTS legal_holds (
    hold_id TEXT PRIMARY KEY, candidate_id TEXT NOT NULL, reason TEXT NOT NULL, held_by TEXT NOT NULL,
    held_at TEXT NOT NULL, released_by TEXT, released_at TEXT
);

-- Erasure requests refused because of a hold (an erasure that happens leaves its tombstone in erasures).
CREATE TABLE IF NOT EXISTS erasure_requests (
    request_id TEXT PRIMARY KEY, candidate_id TEXT NOT NULL, requested_by TEXT, requested_at TEXT,
    outcome TEXT, hold_id TEXT
);
