"""Each candidate's quarantined records: what of their record could not be read, and why.

One reading for the rules and the report: the records quarantined by the run that last stored the
candidate (their resume and LinkedIn export, read when the ATS showed them updated) and by the run
asked about (their public profiles, read again every run). Older quarantine rows describe reads
that have since been replaced, so they say nothing about the record the rules see now.
"""

from __future__ import annotations

from typing import Any

COLUMNS = "q.candidate_id, q.source, q.dataset, q.record_key, q.reason, q.raw_pointer, q.raw"


def incomplete_records(wh: Any, candidate_ids: list[str], run_id: str, batch: int = 500) -> dict[str, list[dict[str, Any]]]:
    """candidate id -> their quarantined records (source, dataset, record_key, reason, raw_pointer, raw),
    ordered by source and key; candidates with none are absent."""
    out: dict[str, list[dict[str, Any]]] = {}
    for i in range(0, len(candidate_ids), batch):
        part = candidate_ids[i:i + batch]
        marks = ",".join("?" for _ in part)
        rows = wh.query(
            f"SELECT {COLUMNS} FROM quarantine q JOIN candidates c ON c.candidate_id = q.candidate_id "
            f"WHERE q.candidate_id IN ({marks}) AND (q.run_id = c.run_id OR q.run_id = ?) "
            "ORDER BY q.candidate_id, q.source, q.record_key, q.reason", [*part, run_id])
        seen: set[tuple[str, str, str]] = set()
        for r in rows:
            key = (r["candidate_id"], r["record_key"], r["reason"])
            if key not in seen:  # the same record quarantined by both runs is one incomplete line
                seen.add(key)
                out.setdefault(r["candidate_id"], []).append(dict(r))
    return out
