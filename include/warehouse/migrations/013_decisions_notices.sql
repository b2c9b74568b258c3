-- Decisions and notices (include/notices): what HR decided per application, the letters Crosscheck wrote
-- to the candidate about it, and how each letter reached them. All three are append-only and sealed in
-- the audit trail (include/audit/coverage.py): a decision is never edited, a later one supersedes it.
-- decision: proceed | pre_adverse | final_adverse | withdrawn; finding_ids: the findings it rests on
-- (JSON list); jurisdiction: the ISO 3166 code whose working days and rights apply (NULL: unknown).
CREATE TABLE IF NOT EXISTS notice_decisions (
    decision_id TEXT PRIMARY KEY, application_id TEXT NOT NULL, candidate_id TEXT NOT NULL,
    decision TEXT NOT NULL, reason TEXT NOT NULL, decided_by TEXT NOT NULL, decided_at TEXT NOT NULL,
    jurisdiction TEXT, finding_ids @JSON@, result_day TEXT NOT NULL, notice_due_on TEXT NOT NULL
);
-- One letter per decision and locale written (a letter written again is a new row); sha256 of its HTML.
CREATE TABLE IF NOT EXISTS notice_letters (
    notice_id TEXT PRIMARY KEY, decision_id TEXT NOT NULL, candidate_id TEXT NOT NULL, locale TEXT NOT NULL,
    path TEXT NOT NULL, sha256 TEXT NOT NULL, written_by TEXT NOT NULL, written_at TEXT NOT NULL
);
-- method: email (through the SMTP connection; detail: {conn_id, message_id, recipients}) | handed_over
-- (detail: {note}); delivered_on: the candidate's day it reached them; wait_until: for a pre-adverse
-- notice, the last working day of the waiting period (no final adverse decision before the day after).
CREATE TABLE IF NOT EXISTS notice_deliveries (
    delivery_id TEXT PRIMARY KEY, notice_id TEXT NOT NULL, decision_id TEXT NOT NULL, candidate_id TEXT NOT NULL,
    method TEXT NOT NULL, delivered_by TEXT NOT NULL, delivered_at TEXT NOT NULL, delivered_on TEXT NOT NULL,
    wait_until TEXT, detail @JSON@
);
CREATE INDEX IF NOT EXISTS notice_decisions_application ON notice_decisions (application_id);
CREATE INDEX IF NOT EXISTS notice_decisions_candidate ON notice_decisions (candidate_id);
CREATE INDEX IF NOT EXISTS notice_letters_decision ON notice_letters (decision_id);
CREATE INDEX IF NOT EXISTS notice_deliveries_decision ON notice_deliveries (decision_id);
