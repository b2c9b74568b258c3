-- GLEIF Level 2 relationship records from the golden copy's "rr" file: who consolidates whom.
-- A relationship may arrive before or after its entities' Level 1 rows; parents are applied to
-- registry_entities.parent_ids from here after every GLEIF snapshot load.
CREATE TABLE IF NOT EXISTS registry_relationships (
    child_id TEXT NOT NULL,      -- gleif:<LEI> of the start node
    kind TEXT NOT NULL,          -- direct | ultimate
    parent_id TEXT NOT NULL,     -- gleif:<LEI> of the end node
    snapshot_date TEXT,
    PRIMARY KEY (child_id, kind)
);
