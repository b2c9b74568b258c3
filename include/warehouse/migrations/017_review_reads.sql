-- Incremental review reads (docs/INCREMENTAL.md#reviews): per employer the review feed is asked about (the
-- hiring company, consenting candidates' latest resume employers), the day its last read reached. The next
-- read of that employer asks the feed from that day (inclusive); an employer read longer ago than
-- reviews.max_age_days is read again, one never read is read with the full look-back. The employer is its
-- trimmed, case-folded name: a company's name, no personal data. Replaces the single watermark
-- reviews/reviews (the first run after this migration seeds it from that watermark, then deletes it).
CREATE TABLE IF NOT EXISTS review_reads (
    employer TEXT PRIMARY KEY, read_day TEXT NOT NULL, run_id TEXT
);
