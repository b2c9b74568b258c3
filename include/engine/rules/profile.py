"""Resume against public profiles: employers missing on either side, and aligned jobs that disagree."""

from __future__ import annotations

from include.engine.dates import range_distance
from include.engine.messages import AND, N_, joined, msg, reason, source
from include.engine.names import normalise_company
from include.engine.rules.common import (
    DATE_TOLERANCE,
    PROFILE_WITH_JOBS,
    Context,
    computed,
    job_evidence,
    make_finding,
    paired_turn,
    when,
)
from include.engine.rules.spec import KindSpec
from include.engine.titles import compare_titles, title_meaning
from include.models import Employment, Finding


def employer_not_on_profile(ctx: Context) -> list[Finding]:
    """Only meaningful when a profile lists jobs: a bare GitHub account says nothing about a career."""
    if not any(p.source in PROFILE_WITH_JOBS for p in ctx.profile_jobs):
        return []
    profile_employers = [p for p in ctx.profile_jobs if p.employer.strip()]
    paired = {pair.resume.employment_id for pair in ctx.pairs}
    out = []
    for r in ctx.resume_jobs:
        if not r.employer.strip() or r.employment_id in paired or any(
            ctx.same(r.employer, p.employer) and not ctx.family_only(r.employer, p.employer) for p in profile_employers
        ):
            # a profile job at the parent company, already paired with the resume's parent job, does not
            # also account for a resume job at the subsidiary: that one is checked like any other
            continue
        in_registry = ctx.resolve(r.employer).known
        shown = sorted({p.source for p in profile_employers})
        out.append(make_finding(
            ctx, EMPLOYER_NOT_ON_PROFILE,
            "yellow" if in_registry else "red",
            msg(N_("The resume lists %(employer)s (%(when)s), which none of the candidate's public profiles "
                   "(%(profiles)s) shows.") if in_registry else
                N_("The resume lists %(employer)s (%(when)s), which none of the candidate's public profiles "
                   "(%(profiles)s) shows, and no company registry knows it."),
                employer=r.employer, when=when(r), profiles=joined(source(x) for x in shown)),
            msg(N_("Your public profiles do not mention %(employer)s; can you tell us about this role and how "
                   "we could confirm it?"), employer=r.employer),
            [job_evidence(r), computed({"profiles_checked": shown, "employer_in_registry": in_registry},
                                       r.employment_id)],
            [r.employment_id],
        ))
    return out


def profile_employer_not_on_resume(ctx: Context) -> list[Finding]:
    groups: dict[str, list[Employment]] = {}
    paired = {pair.profile.employment_id for pair in ctx.pairs}
    for p in ctx.profile_jobs:
        if not p.employer.strip() or not normalise_company(p.employer):
            continue
        if p.employment_id in paired or any(
            ctx.same(p.employer, r.employer) and not ctx.family_only(p.employer, r.employer) for r in ctx.resume_jobs
        ):
            continue  # as above: a sister company of a resume employer whose job is already paired is not it
        groups.setdefault(normalise_company(p.employer), []).append(p)
    out = []
    for jobs in groups.values():
        first = jobs[0]
        sources = sorted({j.source for j in jobs})
        out.append(make_finding(
            ctx, PROFILE_EMPLOYER_NOT_ON_RESUME, "yellow",
            msg(N_("The candidate's %(profiles)s profile shows %(employer)s, which the resume does not list."),
                profiles=joined(source(x) for x in sources), employer=first.employer),
            msg(N_("Your %(profile)s profile mentions %(employer)s; could you tell us about your time there and "
                   "why it is not on your resume?"), profile=source(sources[0]), employer=first.employer),
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
            ctx, TITLE_MISMATCH, "red" if jump > 0 else "yellow",
            msg(N_("At %(employer)s the resume says \"%(resume_title)s\" but the %(profile)s profile says "
                   "\"%(profile_title)s\" (%(reason)s, the resume claiming the more senior role).") if jump > 0 else
                N_("At %(employer)s the resume says \"%(resume_title)s\" but the %(profile)s profile says "
                   "\"%(profile_title)s\" (%(reason)s)."),
                employer=r.employer, resume_title=r.title, profile=source(p.source), profile_title=p.title,
                reason=reason(why)),
            msg(N_("What was your role at %(employer)s: \"%(resume_title)s\" or \"%(profile_title)s\"?"),
                employer=r.employer, resume_title=r.title, profile_title=p.title),
            [job_evidence(r), job_evidence(p),
             computed({"reason": why, "resume_level": a.level, "profile_level": b.level,
                       "resume_function": sorted(a.function), "profile_function": sorted(b.function),
                       **pair.evidence()},
                      f"{r.employment_id}|{p.employment_id}")],
            [r.employment_id, p.employment_id],
        ))
    return out


def date_mismatch(ctx: Context) -> list[Finding]:
    """Ranges, not points: a year-only date can mean any month of that year."""
    tol = ctx.threshold(DATE_TOLERANCE)
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
            parts.append(msg(N_("start differs by %(months)s months"), months=start_diff))
        if end_diff > tol:
            parts.append(msg(N_("end differs by %(months)s months"), months=end_diff))
        out.append(make_finding(
            ctx, DATE_MISMATCH, "yellow",
            msg(N_("At %(employer)s the resume says %(resume_when)s but the %(profile)s profile says "
                   "%(profile_when)s (%(differences)s; tolerance %(tolerance)s)."),
                employer=r.employer, resume_when=when(r), profile=source(p.source), profile_when=when(p),
                differences=joined(parts, AND), tolerance=tol),
            msg(N_("Could you confirm when you started and left %(employer)s?"), employer=r.employer),
            [job_evidence(r), job_evidence(p),
             computed({"start_difference_months": start_diff,
                       # a current job's end moves with the report day: kept out of the digest
                       "end_difference_months": None if rs.current or ps.current else end_diff,
                       "resume_current": rs.current, "profile_current": ps.current, "tolerance_months": tol,
                       **pair.evidence()},
                      f"{r.employment_id}|{p.employment_id}")],
            [r.employment_id, p.employment_id],
        ))
    return out


# The kinds this module declares (include.engine.kinds collects them).

EMPLOYER_NOT_ON_PROFILE = KindSpec(
    name="employer_not_on_profile", version="1.1.0", position=10, rule=employer_not_on_profile,
    label=N_("Employer not on public profile"),
    severities=("red", "yellow"),
    severity_policy="yellow; red when no company registry knows the employer either",
    fires_when="the candidate has at least one profile that lists jobs (ORCID employments or a LinkedIn "
               "export) and a resume job's employer matches no employer on those profiles",
    benign="legal suffixes, abbreviations, former names, the Chinese and English names of one company, "
           "parent and subsidiary of one corporate family; a candidate with no profile jobs at all (a bare "
           "GitHub account says nothing about a career)",
    evidence="the resume job (employer, title, dates) and which profiles were checked",
    question="how we could confirm the role, since the public profiles do not mention it",
    why_question="profiles are often incomplete or out of date; a missing entry is a gap in the record, "
                 "not proof the job did not happen",
    rests_on_complete=("profile",),
    next_change=paired_turn,
)

PROFILE_EMPLOYER_NOT_ON_RESUME = KindSpec(
    name="profile_employer_not_on_resume", version="1.1.0", position=20, rule=profile_employer_not_on_resume,
    label=N_("Profile employer missing from resume"),
    severities=("yellow",),
    severity_policy="always yellow",
    fires_when="an employer on a profile (ORCID, LinkedIn, the GitHub company) matches no resume employer",
    benign="the same name variants as above; a blank GitHub company, or one that matches a resume employer",
    evidence="the profile jobs at that employer and the resume's employers",
    question="about the time at that employer and why the resume leaves it out",
    why_question="people shorten resumes on purpose (short stints, side roles, old jobs); leaving a job out "
                 "is not a false claim",
    rests_on_complete=("resume",),
    next_change=paired_turn,
)

TITLE_MISMATCH = KindSpec(
    name="title_mismatch", version="1.1.0", position=30, rule=title_mismatch,
    label=N_("Job title mismatch"),
    severities=("red", "yellow"),
    severity_policy="yellow; red when the resume claims the more senior role",
    fires_when="a resume job and its aligned profile job have titles that differ in substance (function or "
               "seniority level)",
    benign="Sr./Senior, Jr./Junior, II/2, Developer/Engineer, Mgr/Manager, word order, a title in Chinese "
           "against the same title in English (高级软件工程师 = Senior Software Engineer)",
    evidence="both jobs side by side, with the level and function read from each title, and the pairing's "
             "score and reason (employer, time overlap, title)",
    question="which of the two titles was the role",
    why_question="titles differ between employers' HR systems, promotions land mid-tenure and profiles lag; "
                 "only the candidate can say which title the job carried",
    next_change=paired_turn,
)

DATE_MISMATCH = KindSpec(
    name="date_mismatch", version="1.1.0", position=40, rule=date_mismatch,
    label=N_("Employment dates mismatch"),
    severities=("yellow",),
    severity_policy="always yellow",
    fires_when="an aligned resume and profile job differ by more than T months at the start or at the end "
               "(a current job against an ended one counts from the report day)",
    benign="differences of at most T months; a year-only date against a month inside that year",
    evidence="both jobs side by side, the difference in months at each end, and the pairing's score and "
             "reason",
    question="when the candidate started and left",
    why_question="people misremember months and profiles are edited years later; a few months' "
                 "disagreement is a recollection to confirm",
    thresholds=(DATE_TOLERANCE,),
    next_change=paired_turn,
)
