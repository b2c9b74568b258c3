-- A finding's summary and question as message ids with parameters (include/engine/messages.py), so the
-- report can say them in its own locale. Nullable: findings written before it keep their English sentences.
-- Outside the evidence digest and the audit row digest (include/findings.py DIGEST_FIELDS).
ALTER TABLE discrepancies ADD COLUMN IF NOT EXISTS message @JSON@;
