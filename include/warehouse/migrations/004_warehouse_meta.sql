-- Small settings the warehouse keeps about itself (e.g. the salt of the erasure tombstones).
CREATE TABLE IF NOT EXISTS warehouse_meta (
    key TEXT PRIMARY KEY, value TEXT
);
