"""Which resume job is which profile job: a one-to-one pairing by employer, then by time.

Only jobs at the same employer (or corporate family) can pair; among those, pairs whose times
overlap most go first. Greedy on a total order of scores with a symmetric tie-break, so that
aligning A with B gives the same pairs as aligning B with A, and the result never depends on
list order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from include.engine.dates import Span, job_span
from include.engine.resolve import RegistryIndex, same_employer
from include.models import Education, Employment


@dataclass(frozen=True)
class Pair:
    resume: Employment
    profile: Employment
    employer_confidence: float
    employer_reason: str
    overlap: float  # share of the shorter job's months that the two share, 0..1


def safe_span(job: Employment | Education, report_day: date) -> Span | None:
    """The job's span, or None when a date cannot be read (the rule is then skipped for this job)."""
    try:
        return job_span(job.start_raw, job.end_raw, report_day)
    except ValueError:
        return None


def time_overlap(a: Span | None, b: Span | None) -> float:
    if a is None or b is None or a.start_lo is None or b.start_lo is None:
        return 0.0
    lo, hi = max(a.start_lo, b.start_lo), min(a.end_hi, b.end_hi)
    if hi < lo:
        return 0.0
    shorter = min(a.end_hi - a.start_lo, b.end_hi - b.start_lo) + 1
    return min(1.0, (hi - lo + 1) / max(1, shorter))


def align(
    resume_jobs: Sequence[Employment],
    profile_jobs: Sequence[Employment],
    index: RegistryIndex,
    report_day: date,
) -> list[Pair]:
    """One-to-one pairs of (resume job, profile job) at the same employer, best-overlapping first."""
    spans = {j.employment_id: safe_span(j, report_day) for j in (*resume_jobs, *profile_jobs)}
    scored: list[tuple[float, tuple[str, str], Pair]] = []
    for r in resume_jobs:
        for p in profile_jobs:
            same, conf, reason = same_employer(r.employer, p.employer, index)
            if not same:
                continue
            ov = time_overlap(spans[r.employment_id], spans[p.employment_id])
            key = tuple(sorted((r.employment_id, p.employment_id)))
            scored.append((conf + 2.0 * ov, (key[0], key[1]), Pair(r, p, conf, reason, ov)))
    scored.sort(key=lambda s: (-s[0], s[1]))
    used_r: set[str] = set()
    used_p: set[str] = set()
    pairs: list[Pair] = []
    for _, _, pair in scored:
        rid, pid = pair.resume.employment_id, pair.profile.employment_id
        if rid in used_r or pid in used_p:
            continue
        used_r.add(rid)
        used_p.add(pid)
        pairs.append(pair)
    return pairs
