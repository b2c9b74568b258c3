-- The check plan (include/pipeline/incremental.py ``plan``): per candidate, the digests computed in SQL at
-- their last check (include/warehouse/check_inputs.py) of the rows the check loads for them and of the
-- register, and the digest of the rule versions, configuration and engine code, so that a candidate whose
-- inputs, register and rules are all unchanged is carried over without being loaded. Hashes only; NULL
-- for rows written before this migration (those candidates are compared the exact way once).
ALTER TABLE candidate_checks ADD COLUMN IF NOT EXISTS inputs_sql TEXT;
ALTER TABLE candidate_checks ADD COLUMN IF NOT EXISTS register_sql TEXT;
ALTER TABLE candidate_checks ADD COLUMN IF NOT EXISTS run_wide TEXT;
