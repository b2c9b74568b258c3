"""The resume's own timeline: jobs that overlap, and gaps between jobs.

Months are counted on calendar months. A job from 2019-01 to 2019-06 holds six months; a job
ending 2019-03 and the next starting 2019-07 leave a gap of three (April to June). Year-only dates
are read in the candidate's favour (the gap as short, the overlap as small as the year allows), so
no finding comes from imprecision alone.
"""

from __future__ import annotations

import re

from include.engine.messages import N_, msg
from include.engine.rules.common import (
    DATE_TOLERANCE,
    Context,
    computed,
    education_evidence,
    job_evidence,
    make_finding,
    resume_and_study_turn,
    resume_turn,
    when,
)
from include.engine.rules.spec import KindSpec, Threshold
from include.models import Employment, Finding

GAP_MONTHS = Threshold(
    "career_gap_months", "G", 3,
    "A gap between two resume jobs, not covered by education, is reported when it is longer than this.")


# Titles of roles people commonly hold beside a full-time job (advisory, mentoring, board seats).
_NOT_FULL_TIME = re.compile(
    r"\b(intern|internship|part[- ]?time|contract|contractor|freelance|freelancer|volunteer|trainee|"
    r"working student|werkstudent|advisor|adviser|advisory|mentor|board member|non[- ]executive|"
    r"visiting|adjunct|moonlighting)\b|实习|兼职|合同|顾问",
    re.IGNORECASE,
)


def is_full_time(job: Employment) -> bool:
    """Declared type first; an unknown type counts as full time unless the title says otherwise.

    ATS resumes rarely carry a type, so "unknown" is the common case: treating it as full time
    keeps real overlaps visible, and side-role titles keep advisers and mentors out of it.
    """
    if job.employment_type != "unknown":
        return job.employment_type == "full_time"
    return not _NOT_FULL_TIME.search(job.title or "")


def overlapping_employment(ctx: Context) -> list[Finding]:
    tol = ctx.threshold(DATE_TOLERANCE)
    jobs = [(j, s, s.start_hi) for j in ctx.resume_jobs
            if is_full_time(j) and (s := ctx.span(j)) and s.start_hi is not None]
    out = []
    for i, (a, sa, a_start) in enumerate(jobs):
        for b, sb, b_start in jobs[i + 1:]:
            # the overlap the dates guarantee: latest possible starts, earliest possible ends
            overlap = min(sa.end_lo, sb.end_lo) - max(a_start, b_start) + 1
            if overlap <= tol:
                continue
            first, second = sorted((a, b), key=lambda j: j.employment_id)
            out.append(make_finding(
                ctx, OVERLAPPING_EMPLOYMENT, "yellow",
                msg(N_("Two full-time jobs on the resume overlap by %(months)s months: %(first)s (%(first_when)s) "
                       "and %(second)s (%(second_when)s)."),
                    months=overlap, first=a.employer, first_when=when(a), second=b.employer, second_when=when(b)),
                msg(N_("Were you working full time at both %(first)s and %(second)s at the same time?"),
                    first=a.employer, second=b.employer),
                [job_evidence(first), job_evidence(second),
                 computed({"overlap_months": None if sa.current and sb.current else overlap,
                           "tolerance_months": tol}, f"{first.employment_id}|{second.employment_id}")],
                [first.employment_id, second.employment_id],
            ))
    return out


def career_gap(ctx: Context) -> list[Finding]:
    """Gaps between consecutive jobs; months spent in education are not a gap."""
    threshold = ctx.threshold(GAP_MONTHS)
    jobs = sorted(
        ((j, s) for j in ctx.resume_jobs if (s := ctx.span(j)) and s.start_lo is not None),
        key=lambda js: (js[1].start_lo, js[1].end_hi, js[0].employment_id),
    )
    study: list[tuple[int, int]] = []
    for edu in ctx.educations:
        es = ctx.span(edu)
        if es is not None and es.start_lo is not None:
            study.append((es.start_lo, es.end_hi))
    out = []
    covered_until: int | None = None
    last_job: Employment | None = None
    for job, span in jobs:
        assert span.start_lo is not None
        if covered_until is not None and last_job is not None:
            months = [m for m in range(covered_until + 1, span.start_lo)
                      if not any(lo <= m <= hi for lo, hi in study)]
            longest = _longest_run(months)
            if longest > threshold:
                out.append(_gap_finding(ctx, last_job, job, longest, threshold, len(months)))
        if covered_until is None or span.end_hi > covered_until:
            covered_until, last_job = span.end_hi, job
    return out


def _longest_run(months: list[int]) -> int:
    best = run = 0
    prev: int | None = None
    for m in months:
        run = run + 1 if prev is not None and m == prev + 1 else 1
        best = max(best, run)
        prev = m
    return best


def _gap_finding(ctx: Context, before: Employment, after: Employment, gap: int, threshold: int,
                 uncovered: int) -> Finding:
    edus = [education_evidence(e) for e in ctx.educations]
    return make_finding(
        ctx, CAREER_GAP, "yellow" if gap > 12 else "blue",
        msg(N_("The resume shows a gap of %(months)s months between %(before)s (ended %(ended)s) and %(after)s "
               "(started %(started)s), not covered by education."),
            months=gap, before=before.employer, ended=before.end_raw or "?", after=after.employer,
            started=after.start_raw or "?"),
        msg(N_("What were you doing between leaving %(before)s and joining %(after)s?"),
            before=before.employer, after=after.employer),
        [job_evidence(before), job_evidence(after), *edus,
         computed({"gap_months": gap, "uncovered_months": uncovered, "threshold_months": threshold},
                  f"{before.employment_id}|{after.employment_id}")],
        [before.employment_id, after.employment_id],
    )


# The kinds this module declares (include.engine.kinds collects them).

OVERLAPPING_EMPLOYMENT = KindSpec(
    name="overlapping_employment", version="1.0.0", position=50, rule=overlapping_employment,
    label=N_("Overlapping full-time jobs"),
    severities=("yellow",),
    severity_policy="always yellow",
    fires_when="two resume jobs, both full time, overlap by more than T months",
    benign="overlaps of at most T months; a part-time, contract, internship or advisory role beside a "
           "full-time job",
    evidence="both jobs and the overlap in months that their dates guarantee",
    question="whether the candidate worked full time at both at once",
    why_question="notice periods, garden leave and a job's type missing from the resume all produce "
                 "overlaps with nothing wrong behind them",
    thresholds=(DATE_TOLERANCE,),
    next_change=resume_turn,
)

CAREER_GAP = KindSpec(
    name="career_gap", version="1.0.0", position=60, rule=career_gap,
    label=N_("Career gap"),
    severities=("yellow", "blue"),
    severity_policy="blue; yellow when the gap is longer than 12 months",
    fires_when="between consecutive resume jobs (by start) there is a gap longer than G months that no "
               "education period covers",
    benign="gaps of at most G months; a degree between two jobs that covers the gap; the time before the "
           "first job or after the last",
    evidence="the jobs before and after the gap, the educations, the gap and the uncovered months",
    question="what the candidate did between the two jobs",
    why_question="caring, illness, study, travel and job searches are ordinary reasons for a gap; it is "
                 "context for the interview, never a reason to reject",
    thresholds=(GAP_MONTHS,),
    rests_on_complete=("resume",),
    next_change=resume_and_study_turn,
)
