"""Resume against public profiles: employers missing on either side, and aligned jobs that disagree."""

from __future__ import annotations

from include.engine.dates import range_distance
from include.engine.names import normalise_company
from include.engine.rules.common import PROFILE_WITH_JOBS, Context, computed, job_evidence, make_finding, when
from include.engine.titles import compare_titles, title_meaning
from include.models import Employment, Finding

EMPLOYER_NOT_ON_PROFILE = "employer_not_on_profile@1.0.0"
PROFILE_EMPLOYER_NOT_ON_RESUME = "profile_employer_not_on_resume@1.0.0"
TITLE_MISMATCH = "title_mismatch@1.0.0"
DATE_MISMATCH = "date_mismatch@1.0.0"


def employer_not_on_profile(ctx: Context) -> list[Finding]:
    """Only meaningful when a profile lists jobs: a bare GitHub account says nothing about a career."""
    if not any(p.source in PROFILE_WITH_JOBS for p in ctx.profile_jobs):
        return []
    profile_employers = [p for p in ctx.profile_jobs if p.employer.strip()]
    out = []
    for r in ctx.resume_jobs:
        if not r.employer.strip() or any(ctx.same(r.employer, p.employer) for p in profile_employers):
            continue
        in_registry = ctx.resolve(r.employer).known
        shown = sorted({p.source for p in profile_employers})
        out.append(make_finding(
            ctx, "employer_not_on_profile", EMPLOYER_NOT_ON_PROFILE,
            "yellow" if in_registry else "red",
            f"The resume lists {r.employer} ({when(r)}), which none of the candidate's public profiles "
            f"({', '.join(shown)}) shows" + ("." if in_registry else ", and no company registry knows it."),
            f"Your public profiles do not mention {r.employer}; can you tell us about this role and how we "
            "could confirm it?",
            [job_evidence(r), computed({"profiles_checked": shown, "employer_in_registry": in_registry},
                                       r.employment_id)],
            [r.employment_id],
        ))
    return out


def profile_employer_not_on_resume(ctx: Context) -> list[Finding]:
    groups: dict[str, list[Employment]] = {}
    for p in ctx.profile_jobs:
        if not p.employer.strip() or not normalise_company(p.employer):
            continue
        if any(ctx.same(p.employer, r.employer) for r in ctx.resume_jobs):
            continue
        groups.setdefault(normalise_company(p.employer), []).append(p)
    out = []
    for jobs in groups.values():
        first = jobs[0]
        sources = sorted({j.source for j in jobs})
        out.append(make_finding(
            ctx, "profile_employer_not_on_resume", PROFILE_EMPLOYER_NOT_ON_RESUME, "yellow",
            f"The candidate's {', '.join(sources)} profile shows {first.employer}, which the resume does not list.",
            f"Your {sources[0]} profile mentions {first.employer}; could you tell us about your time there and "
            "why it is not on your resume?",
            [job_evidence(j) for j in jobs] + [computed({"resume_employers": [r.employer for r in ctx.resume_jobs]},
                                                        first.employment_id)],
            [j.employment_id for j in jobs],
        ))
    return out


def title_mismatch(ctx: Context) -> list[Finding]:
    out = []
    for pair in ctx.pairs:
        r, p = pair.resume, pair.profile
        differs, why, jump = compare_titles(r.title, p.title)
        if not differs:
            continue
        a, b = title_meaning(r.title or ""), title_meaning(p.title or "")
        out.append(make_finding(
            ctx, "title_mismatch", TITLE_MISMATCH, "red" if jump > 0 else "yellow",
            f"At {r.employer} the resume says \"{r.title}\" but the {p.source} profile says \"{p.title}\" "
            f"({why}{', the resume claiming the more senior role' if jump > 0 else ''}).",
            f"What was your role at {r.employer}: \"{r.title}\" or \"{p.title}\"?",
            [job_evidence(r), job_evidence(p),
             computed({"reason": why, "resume_level": a.level, "profile_level": b.level,
                       "resume_function": sorted(a.function), "profile_function": sorted(b.function)},
                      f"{r.employment_id}|{p.employment_id}")],
            [r.employment_id, p.employment_id],
        ))
    return out


def date_mismatch(ctx: Context) -> list[Finding]:
    """Ranges, not points: a year-only date can mean any month of that year."""
    tol = ctx.config.thresholds.date_tolerance_months
    out = []
    for pair in ctx.pairs:
        r, p = pair.resume, pair.profile
        rs, ps = ctx.span(r), ctx.span(p)
        if rs is None or ps is None:
            continue
        if rs.start_lo is None or rs.start_hi is None or ps.start_lo is None or ps.start_hi is None:
            continue
        start_diff = range_distance(rs.start_lo, rs.start_hi, ps.start_lo, ps.start_hi)
        end_diff = range_distance(rs.end_lo, rs.end_hi, ps.end_lo, ps.end_hi)
        if start_diff <= tol and end_diff <= tol:
            continue
        parts = []
        if start_diff > tol:
            parts.append(f"start differs by {start_diff} months")
        if end_diff > tol:
            parts.append(f"end differs by {end_diff} months")
        out.append(make_finding(
            ctx, "date_mismatch", DATE_MISMATCH, "yellow",
            f"At {r.employer} the resume says {when(r)} but the {p.source} profile says {when(p)} "
            f"({' and '.join(parts)}; tolerance {tol}).",
            f"Could you confirm when you started and left {r.employer}?",
            [job_evidence(r), job_evidence(p),
             computed({"start_difference_months": start_diff,
                       # a current job's end moves with the report day: kept out of the digest
                       "end_difference_months": None if rs.current or ps.current else end_diff,
                       "resume_current": rs.current, "profile_current": ps.current, "tolerance_months": tol},
                      f"{r.employment_id}|{p.employment_id}")],
            [r.employment_id, p.employment_id],
        ))
    return out
