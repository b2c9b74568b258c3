-- One level per checked candidate and run (include/levels.py): red, yellow or blue, with the reasons as
-- JSON ([{"reason": "finding", "finding_id", "kind", "severity"} | {"reason": "notice", ...}]). Written
-- after a run's findings and again when HR clears a finding; a level is what HR decides on, not a verdict.
CREATE TABLE IF NOT EXISTS candidate_levels (
    run_id TEXT NOT NULL, candidate_id TEXT NOT NULL, level TEXT NOT NULL, reasons @JSON@, computed_at TEXT,
    PRIMARY KEY (run_id, candidate_id)
);

-- Non-compete by jurisdiction (include/engine/rules/non_compete.py): the candidate's location (an ISO 3166
-- code or a country name) and the agreement facts HR holds in the ATS ({has_agreement, ends_on, source_field}).
ALTER TABLE candidates ADD COLUMN IF NOT EXISTS location TEXT;
ALTER TABLE candidates ADD COLUMN IF NOT EXISTS non_compete @JSON@;
-- When the employer answered a review (the feed's employer_response.responded_at), for the 24-hour response
-- deadline of negative reviews of the hiring company (include/report/reviews.py).
ALTER TABLE reviews ADD COLUMN IF NOT EXISTS response_at TEXT;
