-- What each run wrote to discrepancies, as digests only (no personal data), so that the audit chain
-- (pipeline_runs.findings_digest) covers every finding row and survives a candidate's erasure.
CREATE TABLE IF NOT EXISTS run_findings (
    run_id TEXT NOT NULL, finding_id TEXT NOT NULL, evidence_digest TEXT, row_digest TEXT NOT NULL,
    written_at TEXT,
    PRIMARY KEY (run_id, finding_id)
);
