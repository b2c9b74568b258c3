-- The tables of docs/WAREHOUSE.md. Timestamps and dates are ISO text (portable, sortable);
-- @JSON@ is JSON on DuckDB and JSONB on PostgreSQL.

CREATE TABLE IF NOT EXISTS candidates (
    candidate_id TEXT PRIMARY KEY, source TEXT, source_id TEXT, first_name TEXT, last_name TEXT,
    emails @JSON@, phones @JSON@, consent_given BOOLEAN, consent @JSON@, orcid TEXT, github_login TEXT,
    linkedin_export_url TEXT, updated_at TEXT, record_url TEXT, run_id TEXT
);

CREATE TABLE IF NOT EXISTS jobs (
    job_id TEXT PRIMARY KEY, source TEXT, name TEXT, updated_at TEXT, run_id TEXT
);

CREATE TABLE IF NOT EXISTS applications (
    application_id TEXT PRIMARY KEY, candidate_id TEXT, job_id TEXT, status TEXT, applied_at TEXT,
    updated_at TEXT, run_id TEXT
);

CREATE TABLE IF NOT EXISTS employments (
    employment_id TEXT PRIMARY KEY, candidate_id TEXT, source TEXT, employer TEXT, title TEXT,
    start_raw TEXT, end_raw TEXT, employment_type TEXT, record_ref TEXT, run_id TEXT
);

CREATE TABLE IF NOT EXISTS educations (
    education_id TEXT PRIMARY KEY, candidate_id TEXT, source TEXT, school TEXT, degree TEXT,
    start_raw TEXT, end_raw TEXT, record_ref TEXT, run_id TEXT
);

CREATE TABLE IF NOT EXISTS registry_entities (
    entity_id TEXT PRIMARY KEY, registry TEXT, legal_name TEXT, status TEXT, created TEXT, dissolved TEXT,
    jurisdiction TEXT, industry_codes @JSON@, parent_ids @JSON@, record_url TEXT, fetched_at TEXT, run_id TEXT
);

-- position keeps the registry's order of names: the first is the current legal name
CREATE TABLE IF NOT EXISTS registry_names (
    entity_id TEXT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL, language TEXT, normalized TEXT,
    position INTEGER,
    PRIMARY KEY (entity_id, name, kind)
);

CREATE TABLE IF NOT EXISTS registry_lookups (
    registry TEXT NOT NULL, query_key TEXT NOT NULL, entity_ids @JSON@, looked_up_at TEXT, expires_at TEXT,
    PRIMARY KEY (registry, query_key)
);

CREATE TABLE IF NOT EXISTS reviews (
    review_id TEXT PRIMARY KEY, employer TEXT, date TEXT, rating INTEGER, title TEXT, pros TEXT, cons TEXT,
    advice_to_management TEXT, job_title TEXT, location TEXT, employment_status TEXT, run_id TEXT
);

CREATE TABLE IF NOT EXISTS watermarks (
    source TEXT NOT NULL, stream TEXT NOT NULL, value TEXT, run_id TEXT, updated_at TEXT,
    PRIMARY KEY (source, stream)
);

CREATE TABLE IF NOT EXISTS quarantine (
    quarantine_id TEXT PRIMARY KEY, run_id TEXT, source TEXT, dataset TEXT, record_key TEXT, reason TEXT,
    raw_pointer TEXT, raw @JSON@, quarantined_at TEXT
);

CREATE TABLE IF NOT EXISTS landed_payloads (
    run_id TEXT NOT NULL, source TEXT, path TEXT NOT NULL, sha256 TEXT, records INTEGER, bytes BIGINT,
    PRIMARY KEY (run_id, path)
);

CREATE TABLE IF NOT EXISTS discrepancies (
    finding_id TEXT PRIMARY KEY, candidate_id TEXT, application_id TEXT, kind TEXT, severity TEXT,
    summary TEXT, question TEXT, evidence @JSON@, rule_version TEXT, status TEXT,
    first_seen_run TEXT, last_seen_run TEXT, evidence_digest TEXT,
    cleared_reason TEXT, cleared_by TEXT, cleared_at TEXT
);

CREATE TABLE IF NOT EXISTS pipeline_runs (
    run_id TEXT PRIMARY KEY, seq INTEGER NOT NULL UNIQUE, report_day TEXT, dag_ids @JSON@,
    started_at TEXT, ended_at TEXT, state TEXT, manifest @JSON@, findings_digest TEXT,
    prev_hash TEXT NOT NULL, hash TEXT NOT NULL
);

-- The erasure tombstone: a salted hash of the candidate id, never personal data.
-- files: landing files rewritten [{path, old_sha256, new_sha256, lines}]; findings: finding ids removed
CREATE TABLE IF NOT EXISTS erasures (
    candidate_hash TEXT PRIMARY KEY, erased_at TEXT, erased_by TEXT, tables @JSON@,
    files @JSON@, findings @JSON@
);
