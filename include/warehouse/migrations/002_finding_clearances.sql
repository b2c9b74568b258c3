-- Every clearance HR gave, kept when a finding reopens because its evidence changed.
-- evidence_digest: the evidence the clearance was given for; reopened_*: when and why it stopped applying.
CREATE TABLE IF NOT EXISTS finding_clearances (
    clearance_id TEXT PRIMARY KEY, finding_id TEXT NOT NULL, candidate_id TEXT, evidence_digest TEXT,
    reason TEXT, cleared_by TEXT, cleared_at TEXT,
    reopened_run TEXT, reopened_at TEXT, reopened_evidence_digest TEXT
);
