"""Recent employment at a competitor: a named one, one in the hiring company's industry, or its family.

Industry codes come in several spellings of one classification: Companies House's 5-digit UK SIC
2007 ("26110"), OpenCorporates' dotted form ("26.11"), NACE Rev. 2 ("26.11"). UK SIC 2007 is NACE
with a fifth digit, so all of them reduce to the 4-digit NACE class; NAICS is a different
classification and only compares with NAICS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from include.config import HiringCompany
from include.engine.dates import month_index
from include.engine.messages import AN_EMPLOYEE, N_, industry_code, msg, reason, term
from include.engine.resolve import RegistryIndex, same_employer
from include.engine.rules.common import Context, computed, entity_evidence, job_evidence, make_finding
from include.engine.rules.spec import KindSpec, Threshold
from include.engine.titles import is_senior
from include.models import EvidenceItem, Finding

WINDOW_MONTHS = Threshold(
    "non_compete_window_months", "W", 24,
    "A job at a competitor counts when the candidate left it at most this many months before the report day.")

RECENT_MONTHS = 12


def industry_class(scheme: str, code: str) -> str | None:
    """A comparable class for an industry code, or None when the code is too coarse to compare."""
    digits = re.sub(r"\D", "", code)
    if "naics" in scheme.casefold():
        return f"naics:{digits}" if len(digits) >= 4 else None
    if len(digits) < 4:
        return None
    return f"nace:{digits[:4]}"


@dataclass
class CompetitorCheck:
    """Built once per registry index and hiring company; answers per distinct employer name."""

    hiring: HiringCompany
    index: RegistryIndex
    hiring_classes: set[str] = field(default_factory=set)
    competitor_families: dict[str, frozenset[str]] = field(default_factory=dict)
    hiring_family: frozenset[str] = frozenset()
    _cache: dict[str, tuple[str, str] | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for scheme, codes in self.hiring.industry_codes.items():
            for code in codes:
                cls = industry_class(scheme, code)
                if cls:
                    self.hiring_classes.add(cls)
        for name in self.hiring.competitors:
            res = self.index.resolve(name)
            if res.hit:
                self.competitor_families[name] = res.family
        hiring_ids = {f"{reg}:{num}" for reg, num in self.hiring.registry_ids.items()}
        res = self.index.resolve(self.hiring.name)
        fam = set(res.family) if res.hit else set()
        for eid in hiring_ids:
            if eid in self.index.entities:
                fam |= self.index.family(eid)
        self.hiring_family = frozenset(fam)

    def why_competitor(self, employer: str) -> tuple[str, str] | None:
        """(reason, detail) when the employer competes with the hiring company, else None."""
        if employer not in self._cache:
            self._cache[employer] = self._why(employer)
        return self._cache[employer]

    def _why(self, employer: str) -> tuple[str, str] | None:
        if same_employer(employer, self.hiring.name, self.index)[0]:
            return None  # an internal move is not a competitor
        family_of: str | None = None
        for name in self.hiring.competitors:
            same, _, how = same_employer(employer, name, self.index)
            if same and not how.startswith("same corporate family"):
                return "named competitor", name
            if same and family_of is None:
                family_of = name
        if family_of is not None:
            return "competitor's corporate family", family_of
        res = self.index.resolve(employer)
        if not res.hit or res.entity_id is None or res.entity_id in self.hiring_family:
            return None
        for name, fam in self.competitor_families.items():
            if res.entity_id in fam:
                return "competitor's corporate family", name
        for ent in self.index.equivalents(res.entity_id):
            for ic in ent.industry_codes:
                cls = industry_class(ic.scheme, ic.code)
                if cls and cls in self.hiring_classes:
                    return "shares an industry code", f"{ic.scheme} {ic.code}"
        return None


_CHECKS: dict[tuple[int, str], CompetitorCheck] = {}


def competitor_check(index: RegistryIndex, hiring: HiringCompany) -> CompetitorCheck:
    key = (id(index), hiring.model_dump_json())
    check = _CHECKS.get(key)
    if check is None or check.index is not index:
        if len(_CHECKS) > 8:
            _CHECKS.clear()
        check = _CHECKS[key] = CompetitorCheck(hiring, index)
    return check


def non_compete_risk(ctx: Context) -> list[Finding]:
    window = ctx.threshold(WINDOW_MONTHS)
    check = competitor_check(ctx.index, ctx.config.hiring_company)
    today = month_index(ctx.run.report_day)
    out = []
    for r in ctx.resume_jobs:
        span = ctx.span(r)
        if span is None:
            continue
        current = span.current or span.end_hi >= today
        since = 0 if current else today - span.end_hi  # the latest month the end can mean
        if since > window:
            continue
        why = check.why_competitor(r.employer)
        if why is None:
            continue
        why_text, detail = why
        senior = is_senior(r.title)
        recent = current or since < RECENT_MONTHS
        evidence: list[EvidenceItem] = [job_evidence(r)]
        res = ctx.resolve(r.employer)
        if res.hit and res.entity_id in ctx.index.entities:
            evidence.append(entity_evidence(ctx.index.entities[res.entity_id], res))
        evidence.append(EvidenceItem(side="config", source="config", record_ref="hiring_company",
                                     values={"reason": why_text, "matched": detail,
                                             "hiring_company": ctx.config.hiring_company.name}))
        evidence.append(computed({"current": current, "senior": senior, "window_months": window},
                                 r.employment_id))
        shown = industry_code(detail) if why_text == "shares an industry code" else detail
        details = {"employer": r.employer, "reason": reason(why_text), "detail": shown,
                   "title": r.title or term(AN_EMPLOYEE)}
        summary = (
            msg(N_("The candidate is still at %(employer)s, a competitor (%(reason)s: %(detail)s), as %(title)s."),
                **details) if current else
            msg(N_("The candidate left %(employer)s in %(end)s (%(months)s months ago), a competitor "
                   "(%(reason)s: %(detail)s), as %(title)s."), end=r.end_raw, months=since, **details))
        out.append(make_finding(
            ctx, NON_COMPETE_RISK, "red" if (recent and senior) else "yellow",
            summary,
            msg(N_("Are you bound by a non-compete or non-solicitation agreement with %(employer)s, and until "
                   "when?"), employer=r.employer),
            evidence,
            [r.employment_id],
        ))
    return out


# The kind this module declares (include.engine.kinds collects it).

NON_COMPETE_RISK = KindSpec(
    name="non_compete_risk", version="1.0.0", position=90, rule=non_compete_risk,
    label=N_("Possible non-compete risk"),
    severities=("red", "yellow"),
    severity_policy=f"yellow; red when the candidate is still there or left less than {RECENT_MONTHS} months "
                    "ago, in a senior role (Senior, Lead, Head, Director, VP, Principal, Chief, Manager)",
    fires_when="a resume employer competes with the hiring company (a named competitor; in a competitor's "
               "corporate family through GLEIF parents; or sharing an industry code with it: Companies "
               "House 5-digit SIC, OpenCorporates' dotted 26.11 = 26110, NACE) and the candidate left it "
               "at most W months before the report day, or is still there",
    benign="left more than W months ago; an unrelated industry; a move inside the hiring company's own "
           "corporate family",
    evidence="the resume job, the registry entry, why the employer counts as a competitor (from the hiring "
             "company's configuration) and whether the job is current and senior",
    question="whether a non-compete or non-solicitation agreement binds the candidate, and until when",
    why_question="most employment contracts carry no enforceable non-compete; only the candidate's contract "
                 "says, and legal advice decides",
    thresholds=(WINDOW_MONTHS,),
)
