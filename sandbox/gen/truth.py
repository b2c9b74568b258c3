"""The labels: docs/KINDS.md applied to a candidate's ground truth, with no fuzzy matching.

The generator knows which company every written name really is, so this checker decides "same
employer" by corporate family and "in a registry" by construction. It also refuses values that sit
in the grey zone around a threshold (a two-month date difference, a four-month gap), where a
reasonable rule engine could go either way: the generator never writes those, and this is the proof.
"""

from __future__ import annotations

import itertools

from sandbox.gen.model import Interval, Person, ResumeJob


class Ambiguous(ValueError):
    """A value too close to a threshold to label honestly (a generator bug, never data)."""


T, G, W = 2, 3, 24  # date tolerance, career gap, non-compete window (months), as in crosscheck.yaml


def distance(a: Interval, b: Interval) -> int:
    if a[1] < b[0]:
        return b[0] - a[1]
    if b[1] < a[0]:
        return a[0] - b[1]
    return 0


def _end_distance(resume_end: int | None, profile_end: Interval | None, today: int) -> int:
    if resume_end is None and profile_end is None:
        return 0
    if resume_end is None:
        return today - profile_end[1]  # type: ignore[index]
    if profile_end is None:
        return today - resume_end
    return distance((resume_end, resume_end), profile_end)


def _refuse(value: int, lo: int, hi: int, what: str) -> None:
    if lo <= value <= hi:
        raise Ambiguous(f"{what} of {value} months is too close to its threshold")


def _end(j: ResumeJob, today: int) -> int:
    return today if j.end is None else j.end


def check(p: Person, today: int) -> dict[str, str]:
    """Every kind that docs/KINDS.md says fires for this candidate, with a note on why."""
    found: dict[str, str] = {}
    prof = p.profile_jobs()
    gh = [p.github] if p.github else []
    resume_ids = {j.ident for j in p.jobs}
    if prof:
        with_gh = {pj.ident for pj in prof + gh}
        without_gh = {pj.ident for pj in prof}
        for j in p.jobs:
            if (j.ident in with_gh) != (j.ident in without_gh):
                raise Ambiguous("a resume employer appears only as the GitHub company")
            if j.ident not in without_gh:
                found.setdefault("employer_not_on_profile", f"{j.name} is on no profile")
    for pj in prof + gh:
        if pj.ident not in resume_ids:
            found.setdefault("profile_employer_not_on_resume", f"{pj.source} shows {pj.name}, not on the resume")
    for j in p.jobs:
        for pj in prof:
            if pj.ident != j.ident:
                continue
            if pj.title is not None and pj.title.key != j.title.key:
                found.setdefault("title_mismatch", f"{j.title_text!r} vs {pj.source} {pj.title_text!r}")
            assert pj.start is not None
            ds = distance((j.start, j.start), pj.start)
            de = _end_distance(j.end, pj.end, today)
            _refuse(ds, 2, 3, "start difference")
            _refuse(de, 2, 3, "end difference")
            if max(ds, de) > T:
                found.setdefault("date_mismatch", f"{j.name}: {pj.source} dates differ by {max(ds, de)} months")
    full = [j for j in p.jobs if j.etype == "full_time"]
    for i, a in enumerate(full):
        for b in full[i + 1:]:
            overlap = min(_end(a, today), _end(b, today)) - max(a.start, b.start) + 1
            _refuse(overlap, 2, 4, "overlap")
            if overlap > T:
                found.setdefault("overlapping_employment", f"{a.name} and {b.name} overlap by {overlap} months")
    _gaps(p, today, found)
    for j in p.jobs:
        c = j.company
        if c is None:
            found.setdefault("employer_not_in_registry", f"{j.name} is fabricated")
            continue
        if c.hiring:
            raise Ambiguous("a candidate works at the hiring company")
        late = c.created_m - j.start
        early = _end(j, today) - c.dissolved_m if c.dissolved_m is not None else -99
        _refuse(late, 0, 5, "creation after start")
        _refuse(early, 0, 5, "dissolution before end")
        if late > T or early > T:
            why = f"created {late} months after the claimed start" if late > T else f"dissolved {early} months before the claimed end"
            found.setdefault("employer_inactive_during_tenure", f"{j.name} {why}")
        if c.competitor:
            since = 0 if j.end is None else today - j.end
            _refuse(since, W - 3, W + 6, "time since leaving a competitor")
            if since <= W:
                found.setdefault("non_compete_risk", f"{j.name} ({c.competitor}), left {since} months ago")
    return found


def _gaps(p: Person, today: int, found: dict[str, str]) -> None:
    """Gaps between consecutive jobs by start, checked both pairwise and against the latest end so far."""
    forever = today + 10**6
    jobs = sorted(p.jobs, key=lambda j: (j.start, _end(j, today)))
    covered = {m for e in p.educations for m in range(e.start, e.end + 1)}
    reach = -forever
    for a, b in itertools.pairwise(jobs):
        a_end = forever if a.end is None else a.end
        reach = max(reach, a_end)
        pair = [m for m in range(a_end + 1, b.start) if m not in covered]
        running = [m for m in range(reach + 1, b.start) if m not in covered]
        _refuse(len(pair), 2, 4, "gap")
        if (len(pair) > G) != (len(running) > G):
            raise Ambiguous("a nested job makes the gap depend on how jobs are paired")
        if len(pair) > G:
            found.setdefault("career_gap", f"{len(pair)} months between {a.name} and {b.name}")
