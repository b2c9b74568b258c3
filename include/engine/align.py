"""Which resume job is which profile job: a one-to-one pairing, optimal over employer, time and title.

Only jobs at the same employer (or corporate family) can pair. Among those, the pairing maximises
the summed score of employer confidence, time overlap and title agreement over all jobs at once
(``scipy.optimize.linear_sum_assignment``), so a profile job at a parent company goes to the resume
job it fits best, not to the first of a parent and a subsidiary job. Each pair carries its score and
the reason in words, for the finding's evidence. A deterministic tie-break keyed on the two job ids
makes aligning A with B give the same pairs as aligning B with A, whatever the list order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from include.engine.dates import Span, job_span
from include.engine.resolve import RegistryIndex, same_employer
from include.engine.titles import compare_titles
from include.models import Education, Employment

OVERLAP_WEIGHT = 2.0  # time is the strongest evidence two entries are one job
TITLE_WEIGHT = 0.5  # the title breaks ties between jobs at one employer over the same years


@dataclass(frozen=True)
class Pair:
    resume: Employment
    profile: Employment
    employer_confidence: float
    employer_reason: str
    overlap: float  # share of the shorter job's months that the two share, 0..1
    title_agreement: float = 0.0  # 1 same role, 0.5 same function at another level, 0 otherwise
    score: float = 0.0  # employer confidence + 2 x overlap + 0.5 x title agreement

    @property
    def title_verdict(self) -> str:
        return PAIRING_TITLE.get(self.title_agreement, "titles differ")

    @property
    def reason(self) -> str:
        """Why these two jobs were paired, in words (logs and explanations)."""
        return (f"employer: {self.employer_reason} ({self.employer_confidence:.2f}); "
                f"time overlap {self.overlap:.2f}; title: {self.title_verdict}")

    def evidence(self) -> dict[str, object]:
        """The pairing's score and its reason, part by part (each part a number or a fixed phrase, so
        that the report can show it in any language)."""
        return {"pairing_score": round(self.score, 3),
                "pairing_employer_confidence": round(self.employer_confidence, 3),
                "pairing_time_overlap": round(self.overlap, 3),
                "pairing_title": self.title_verdict}


PAIRING_TITLE = {1.0: "same role", 0.5: "same function, another level"}


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


def title_agreement(a: str | None, b: str | None) -> float:
    differs, why, _ = compare_titles(a, b)
    if not differs:
        return 1.0 if a and b else 0.0
    return 0.5 if why == "different seniority" else 0.0


def _tie_break(a: str, b: str) -> float:
    """A tiny score, the same whichever side each job is on, so that equal pairings never tie."""
    key = "|".join(sorted((a, b))).encode()
    return int.from_bytes(hashlib.sha256(key).digest()[:4], "big") / 2**32 * 1e-6


def align(
    resume_jobs: Sequence[Employment],
    profile_jobs: Sequence[Employment],
    index: RegistryIndex,
    report_day: date,
) -> list[Pair]:
    """One-to-one pairs of (resume job, profile job) at the same employer, the best total first."""
    if not resume_jobs or not profile_jobs:
        return []
    spans = {j.employment_id: safe_span(j, report_day) for j in (*resume_jobs, *profile_jobs)}
    candidates: dict[tuple[int, int], Pair] = {}
    # imported here: scipy.optimize costs half a second of CPU, which every process importing the engine's
    # kinds (the CLI's refusals, the sandbox) would pay without ever aligning a job
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    weights = np.zeros((len(resume_jobs), len(profile_jobs)))
    for i, r in enumerate(resume_jobs):
        for j, p in enumerate(profile_jobs):
            same, conf, reason = same_employer(r.employer, p.employer, index)
            if not same:
                continue
            ov = time_overlap(spans[r.employment_id], spans[p.employment_id])
            agree = title_agreement(r.title, p.title)
            score = conf + OVERLAP_WEIGHT * ov + TITLE_WEIGHT * agree
            candidates[i, j] = Pair(r, p, conf, reason, ov, agree, score)
            # every allowed pair weighs more than none at all, so the most jobs possible are paired
            weights[i, j] = 10.0 + score + _tie_break(r.employment_id, p.employment_id)
    if not candidates:
        return []
    rows, cols = linear_sum_assignment(weights, maximize=True)
    pairs = [candidates[i, j] for i, j in zip(rows.tolist(), cols.tolist(), strict=True) if (i, j) in candidates]
    return sorted(pairs, key=lambda p: (-p.score, p.resume.employment_id, p.profile.employment_id))
