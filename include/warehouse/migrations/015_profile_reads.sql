-- Incremental profile reads (docs/INCREMENTAL.md): per consenting candidate and profile source (orcid,
-- github), when it was last read, what the read was for (fingerprint: a digest of the candidate's ATS
-- record, applications and the profile id that were current then), the source's validator (ETag,
-- Last-Modified) for a conditional request next time, and how the read came out (read, not_modified,
-- not_found, invalid). A candidate whose fingerprint still matches and whose read is younger than
-- profiles.max_age_days is not read again: their profile jobs stay in employments from that read.
CREATE TABLE IF NOT EXISTS profile_reads (
    candidate_id TEXT NOT NULL, source TEXT NOT NULL, fingerprint TEXT, etag TEXT, last_modified TEXT,
    read_at TEXT, outcome TEXT, run_id TEXT,
    PRIMARY KEY (candidate_id, source)
);
