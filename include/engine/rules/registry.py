"""Resume employers against company registries: unknown employers, and tenures outside a company's life."""

from __future__ import annotations

from include.engine.dates import PartialDate, parse_partial_date
from include.engine.messages import AND, N_, NONE, joined, msg, source, term
from include.engine.names import looks_like_abbreviation, normalise_company
from include.engine.rules.common import (
    DATE_TOLERANCE,
    Context,
    computed,
    entity_evidence,
    job_evidence,
    make_finding,
    resume_turn,
    when,
)
from include.engine.rules.spec import KindSpec, never
from include.models import Employment, Finding, RegistryEntity


def employer_not_in_registry(ctx: Context) -> list[Finding]:
    groups: dict[str, list[Employment]] = {}
    for r in ctx.resume_jobs:
        norm = normalise_company(r.employer)
        # A company the alias table knows (a ticker, brand or CJK name of a real company) is no
        # fabrication, though no consulted register lists it: no finding.
        if norm and not ctx.resolve(r.employer).known:
            groups.setdefault(norm, []).append(r)
    out = []
    for jobs in groups.values():
        r = jobs[0]
        registries = ctx.index.registries
        # A ticker or initialism nobody could resolve ("XYZQ") is a question, not an accusation:
        # registers list full legal names, so it is yellow and the question asks for that name.
        short = looks_like_abbreviation(r.employer)
        facts: dict[str, object] = {"registries_searched": registries, "normalised_name": normalise_company(r.employer)}
        if short:
            facts["looks_like_abbreviation"] = True
        out.append(make_finding(
            ctx, EMPLOYER_NOT_IN_REGISTRY, "yellow" if short else "red",
            msg(N_("No company registry consulted (%(registries)s) knows %(employer)s, listed on the resume "
                   "for %(when)s."),
                registries=joined(source(x) for x in registries) if registries else term(NONE),
                employer=r.employer, when=when(r)),
            msg(N_("We could not find %(employer)s in company registries; what was its full legal name and "
                   "where was it registered?"), employer=r.employer),
            [*(job_evidence(j) for j in jobs),
             computed(facts, r.employment_id)],
            [j.employment_id for j in jobs],
        ))
    return out


def _date(text: str | None) -> PartialDate | None:
    try:
        return parse_partial_date(text)
    except ValueError:
        return None


def _life(entities: list[RegistryEntity]) -> tuple[PartialDate | None, PartialDate | None, RegistryEntity | None,
                                                   RegistryEntity | None]:
    """Earliest creation and latest dissolution the registries record, read in the candidate's favour."""
    created: tuple[PartialDate, RegistryEntity] | None = None
    dissolved: tuple[PartialDate, RegistryEntity] | None = None
    for ent in entities:
        c, d = _date(ent.created), _date(ent.dissolved)
        if c and (created is None or c.first_month_index() < created[0].first_month_index()):
            created = (c, ent)
        if d and (dissolved is None or d.last_month_index() > dissolved[0].last_month_index()):
            dissolved = (d, ent)
    still_active = any(_date(e.dissolved) is None and (e.status or "").casefold() == "active" for e in entities)
    if still_active:
        dissolved = None
    return (created[0] if created else None, dissolved[0] if dissolved else None,
            created[1] if created else None, dissolved[1] if dissolved else None)


def employer_inactive_during_tenure(ctx: Context) -> list[Finding]:
    tol = ctx.threshold(DATE_TOLERANCE)
    out = []
    for r in ctx.resume_jobs:
        res = ctx.resolve(r.employer)
        span = ctx.span(r)
        if not res.hit or span is None or res.entity_id is None:
            continue
        entities = ctx.index.equivalents(res.entity_id)
        created, dissolved, c_ent, d_ent = _life(entities)
        problems = []
        if created is not None and span.start_hi is not None:
            early = created.first_month_index() - span.start_hi
            if early > tol:
                problems.append(msg(N_("the company was created %(created)s (%(months)s months after the "
                                       "claimed start)"), created=str(created), months=early))
        if dissolved is not None:
            late = span.end_lo - dissolved.last_month_index()
            if late > tol:
                problems.append(
                    msg(N_("it was dissolved %(dissolved)s (before the claimed current job)"),
                        dissolved=str(dissolved)) if span.current else
                    msg(N_("it was dissolved %(dissolved)s (%(months)s months before the claimed end)"),
                        dissolved=str(dissolved), months=late))
        if not problems:
            continue
        shown = {e.entity_id: e for e in (c_ent, d_ent) if e is not None}
        evidence = [job_evidence(r), *(entity_evidence(e, res) for e in shown.values())]
        evidence.append(computed({"created": str(created) if created else None,
                                  "dissolved": str(dissolved) if dissolved else None,
                                  "tolerance_months": tol}, r.employment_id))
        out.append(make_finding(
            ctx, EMPLOYER_INACTIVE_DURING_TENURE, "red",
            msg(N_("The resume claims %(employer)s for %(when)s, but %(problems)s."), employer=r.employer,
                when=when(r), problems=joined(problems, AND)),
            msg(N_("Registry records show %(employer)s did not exist for part of the time you list; which "
                   "company did you actually work for, and when?"), employer=r.employer),
            evidence,
            [r.employment_id, res.entity_id],
        ))
    return out


# The kinds this module declares (include.engine.kinds collects them).

EMPLOYER_NOT_IN_REGISTRY = KindSpec(
    name="employer_not_in_registry", version="1.0.0", position=70, rule=employer_not_in_registry,
    label=N_("Employer not found in any company registry"),
    severities=("red", "yellow"),
    severity_policy="red; yellow when the name looks like an abbreviation or ticker nobody could resolve",
    fires_when="a resume employer resolves to no entity in any registry consulted (legal, previous, other "
               "and transliterated names, the alias table, fuzzy matching with a strong score)",
    benign="suffix, case and punctuation variants, former names and Chinese names of a registered company "
           "resolve; a name that shares only generic words with a real company is no hit",
    evidence="the resume jobs naming that employer, the registries searched and the normalised name",
    question="the employer's full legal name and where it was registered",
    why_question="registries cover some countries only, and people write trading names, brands or "
                 "initials; an unknown name is something to look up, not a fabrication",
    next_change=never,
)

EMPLOYER_INACTIVE_DURING_TENURE = KindSpec(
    name="employer_inactive_during_tenure", version="1.0.0", position=80, rule=employer_inactive_during_tenure,
    label=N_("Employer not active during the claimed tenure"),
    severities=("red",),
    severity_policy="always red",
    fires_when="the resolved company was created more than T months after the claimed start, or dissolved "
               "more than T months before the claimed end (a current job ends on the report day)",
    benign="a tenure inside the company's life; differences of at most T months; dates read in the "
           "candidate's favour across every registry entry of the company",
    evidence="the resume job, the registry entries that date the company's creation and dissolution, and "
             "the dates compared",
    question="which company the candidate actually worked for, and when",
    why_question="a predecessor company, a renamed or merged entity or a wrong match can explain the "
                 "dates; the registry record is shown so HR can check it with the candidate",
    thresholds=(DATE_TOLERANCE,),
    next_change=resume_turn,
)
