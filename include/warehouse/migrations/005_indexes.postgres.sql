-- Look-up indexes for PostgreSQL. DuckDB scans these small tables fast enough, and its ART indexes
-- would turn the frequent updates of last_seen_run into delete + insert.
CREATE INDEX IF NOT EXISTS applications_candidate_idx ON applications (candidate_id);
CREATE INDEX IF NOT EXISTS employments_candidate_idx ON employments (candidate_id);
CREATE INDEX IF NOT EXISTS educations_candidate_idx ON educations (candidate_id);
CREATE INDEX IF NOT EXISTS discrepancies_candidate_idx ON discrepancies (candidate_id);
CREATE INDEX IF NOT EXISTS discrepancies_last_seen_idx ON discrepancies (last_seen_run);
CREATE INDEX IF NOT EXISTS finding_clearances_finding_idx ON finding_clearances (finding_id);
CREATE INDEX IF NOT EXISTS run_findings_finding_idx ON run_findings (finding_id);
CREATE INDEX IF NOT EXISTS registry_names_normalized_idx ON registry_names (normalized);
