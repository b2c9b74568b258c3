-- A candidate's dispute of a finding (include/disputes.py, docs/DISPUTES.md). Both tables are append-only:
-- a row is written once and never updated, and both are sealed in the audit trail (include/audit/coverage.py).
-- finding_disputes: what the candidate says (statement), the day it was received, who recorded it and when,
--   the reinvestigation's due day (received_on + 30 calendar days, FCRA 15 U.S.C. 1681i(a)(1)), the finding's
--   evidence digest and status when it was disputed.
CREATE TABLE IF NOT EXISTS finding_disputes (
    dispute_id TEXT PRIMARY KEY, finding_id TEXT NOT NULL, candidate_id TEXT, statement TEXT NOT NULL,
    received_on TEXT NOT NULL, due_on TEXT NOT NULL, recorded_by TEXT NOT NULL, recorded_at TEXT NOT NULL,
    evidence_digest TEXT, status_before TEXT
);
CREATE INDEX IF NOT EXISTS finding_disputes_finding_idx ON finding_disputes (finding_id);
CREATE INDEX IF NOT EXISTS finding_disputes_candidate_idx ON finding_disputes (candidate_id);
-- dispute_steps: what happened to a dispute after it was received, one row per step.
--   kind 'reread': the run (run_id) that re-read the candidate's sources and re-checked them; evidence is
--     'same' | 'changed' | 'gone' (the run no longer produced the finding), evidence_digest what it found.
--   kind 'outcome': HR's outcome ('upheld' | 'corrected' | 'withdrawn'), the reason, who and when.
CREATE TABLE IF NOT EXISTS dispute_steps (
    step_id TEXT PRIMARY KEY, dispute_id TEXT NOT NULL, finding_id TEXT NOT NULL, candidate_id TEXT,
    kind TEXT NOT NULL, step_at TEXT NOT NULL, actor TEXT, run_id TEXT, evidence TEXT, evidence_digest TEXT,
    outcome TEXT, reason TEXT
);
CREATE INDEX IF NOT EXISTS dispute_steps_dispute_idx ON dispute_steps (dispute_id);
