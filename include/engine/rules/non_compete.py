"""Recent employment at a competitor: a named one, one in the hiring company's industry, or its family;
its severity from the non-compete rule of the jurisdiction that applies (``non_compete.rules``).

The jurisdiction is the candidate's location when it has a rule (a law that voids non-competes, such as
California's, protects the people who work there whatever their old contract says), else the former
employer's registry record (its country or state). HR's facts from the ATS (is there an agreement, and
until when) come first: no agreement, or one that has ended, leaves nothing to ask.

Industry codes come in several spellings of one classification: Companies House's 5-digit UK SIC
2007 ("26110"), OpenCorporates' dotted form ("26.11"), NACE Rev. 2 ("26.11"). UK SIC 2007 is NACE
with a fifth digit, so all of them reduce to the 4-digit NACE class; NAICS is a different
classification and only compares with NAICS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from babel import Locale

from include.config import EU_MEMBERS, HiringCompany, NonCompeteRule
from include.engine.dates import month_index
from include.engine.messages import AN_EMPLOYEE, N_, industry_code, msg, reason, term
from include.engine.resolve import RegistryIndex, same_employer
from include.engine.rules.common import (
    Context,
    computed,
    entity_evidence,
    job_evidence,
    make_finding,
    month_turn,
)
from include.engine.rules.spec import KindSpec, Threshold
from include.engine.titles import is_senior
from include.models import EvidenceItem, Finding, RegistryEntity, Severity

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


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    """Country names in English and Chinese (Babel's CLDR territories) -> ISO 3166-1 code."""
    names: dict[str, str] = {}
    for lang in ("en", "zh"):
        for code, name in Locale.parse(lang).territories.items():
            if len(code) == 2 and code.isalpha():
                names.setdefault(name.casefold(), code)
    names.update({"uk": "GB", "england": "GB", "scotland": "GB", "wales": "GB", "california": "US-CA",
                  "north dakota": "US-ND", "oklahoma": "US-OK", "minnesota": "US-MN", "usa": "US", "prc": "CN"})
    return names


_CODE = re.compile(r"[A-Z]{2}(?:-[A-Z0-9]{1,3})?")


def jurisdiction_code(text: str | None) -> str | None:
    """An ISO 3166 code ("US-CA", "CN", "GB") from a code, a registry's "us_ca", or a country name."""
    if not text or not text.strip():
        return None
    code = text.strip().upper().replace("_", "-")
    if _CODE.fullmatch(code):
        return "GB" if code == "UK" else code
    return _country_names().get(text.strip().casefold())


def rule_for(code: str | None, rules: dict[str, NonCompeteRule]) -> tuple[str, NonCompeteRule] | None:
    """(rule key, rule) for a jurisdiction: its own rule, else its country's, else the EU's for a member."""
    if not code:
        return None
    country = code.split("-")[0]
    for key in (code, country, "EU" if country in EU_MEMBERS else ""):
        if key and key in rules:
            return key, rules[key]
    return None


def _employer_jurisdiction(ctx: Context, entity: RegistryEntity | None) -> str | None:
    if entity is None:
        return None
    for ent in (entity, *ctx.index.equivalents(entity.entity_id)):
        code = jurisdiction_code(ent.jurisdiction)
        if code:
            return code
    return None


FROM_LOCATION, FROM_REGISTRY = N_("the candidate's location"), N_("the former employer's registry record")
NO_RULE = N_("No non-compete rule is configured for %(jurisdiction)s; the general policy applies.")
UNKNOWN = N_("unknown")
RULE_SENTENCES = {
    "void": N_("%(law)s voids non-competes (%(jurisdiction)s, from %(basis)s): for information only; a "
               "confidentiality or non-solicitation duty may remain."),
    "weighed": N_("Under %(law)s a court weighs a non-compete's length and scope (%(jurisdiction)s, from "
                  "%(basis)s): a question to ask, not a bar."),
    "statutory": N_("Under %(law)s a non-compete binds for at most %(months)s months after leaving, and only "
                    "senior managers, senior technical staff and others bound to confidentiality "
                    "(%(jurisdiction)s, from %(basis)s)."),
    "statutory_any": N_("Under %(law)s a non-compete binds for at most %(months)s months after leaving "
                        "(%(jurisdiction)s, from %(basis)s)."),
}
AGREEMENT_UNTIL = N_("HR's record in the ATS: a non-compete agreement until %(ends)s.")
AGREEMENT = N_("HR's record in the ATS: a non-compete agreement.")


def _severity(rule: NonCompeteRule | None, *, recent: bool, senior: bool, agreement: bool) -> Severity:
    if rule is None:  # no rule for the jurisdiction: the general policy
        return "red" if (recent and senior) or agreement else "yellow"
    if rule.treatment == "void":
        return "blue"
    if rule.treatment == "weighed":
        return "yellow"
    if rule.senior_only and not senior and not agreement:
        return "yellow"  # binds a junior only through confidentiality: ask
    return "red"


def non_compete_risk(ctx: Context) -> list[Finding]:
    window = ctx.threshold(WINDOW_MONTHS)
    check = competitor_check(ctx.index, ctx.config.hiring_company)
    rules = ctx.config.non_compete.rules
    today = month_index(ctx.run.report_day)
    cand = ctx.candidate
    facts = cand.non_compete if cand is not None else None
    if facts is not None and facts.has_agreement is False:
        return []  # HR recorded that there is no agreement
    ends_on = _iso_day(facts.ends_on) if facts is not None else None
    if ends_on is not None and ends_on < ctx.run.report_day:
        return []  # the agreement HR recorded has ended
    agreement = facts is not None and facts.has_agreement is True
    location = jurisdiction_code(cand.location) if cand is not None else None
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
        res = ctx.resolve(r.employer)
        entity = ctx.index.entities.get(res.entity_id) if res.hit and res.entity_id else None
        applied = rule_for(location, rules)
        code, basis = location, FROM_LOCATION
        if applied is None:
            code, basis = _employer_jurisdiction(ctx, entity), FROM_REGISTRY
            applied = rule_for(code, rules)
        if applied is None and location:
            code, basis = location, FROM_LOCATION
        rule = applied[1] if applied else None
        if rule is not None and rule.max_months is not None and since > rule.max_months:
            continue  # past the longest restriction the law allows
        why_text, detail = why
        senior = is_senior(r.title)
        recent = current or since < RECENT_MONTHS
        severity = _severity(rule, recent=recent, senior=senior, agreement=agreement)
        evidence: list[EvidenceItem] = [job_evidence(r)]
        if entity is not None:
            evidence.append(entity_evidence(entity, res))
        evidence.append(EvidenceItem(side="config", source="config", record_ref="hiring_company",
                                     values={"reason": why_text, "matched": detail,
                                             "hiring_company": ctx.config.hiring_company.name}))
        evidence.append(EvidenceItem(side="config", source="config", record_ref="non_compete.rules",
                                     values={"jurisdiction": code, "jurisdiction_from": basis,
                                             "rule": applied[0] if applied else None,
                                             "treatment": rule.treatment if rule else "general policy",
                                             "law": rule.law if rule else None,
                                             "max_months": rule.max_months if rule else None}))
        if facts is not None and cand is not None:
            evidence.append(EvidenceItem(side="resume", source=cand.source, record_ref=facts.source_field,
                                         values={"has_agreement": facts.has_agreement, "ends_on": facts.ends_on}))
        evidence.append(computed({"current": current, "senior": senior, "window_months": window,
                                  "months_since_leaving": since}, r.employment_id))
        shown = industry_code(detail) if why_text == "shares an industry code" else detail
        details = {"employer": r.employer, "reason": reason(why_text), "detail": shown,
                   "title": r.title or term(AN_EMPLOYEE)}
        fact = (
            msg(N_("The candidate is still at %(employer)s, a competitor (%(reason)s: %(detail)s), as %(title)s."),
                **details) if current else
            msg(N_("The candidate left %(employer)s in %(end)s (%(months)s months ago), a competitor "
                   "(%(reason)s: %(detail)s), as %(title)s."), end=r.end_raw, months=since, **details))
        where = code or term(UNKNOWN)
        if rule is None:
            said = msg(NO_RULE, jurisdiction=where)
        else:
            key = rule.treatment if rule.treatment != "statutory" or rule.senior_only else "statutory_any"
            said = msg(RULE_SENTENCES[key], law=rule.law, jurisdiction=where, basis=term(basis),
                       months=rule.max_months if rule.max_months is not None else "?")
        summary = msg(TWO_SENTENCES, first=fact, second=said)
        if agreement:
            summary = msg(TWO_SENTENCES, first=summary, second=msg(AGREEMENT_UNTIL, ends=facts.ends_on)
                          if facts and facts.ends_on else msg(AGREEMENT))
        out.append(make_finding(
            ctx, NON_COMPETE_RISK, severity,
            summary,
            msg(N_("Are you bound by a non-compete or non-solicitation agreement with %(employer)s, and until "
                   "when?"), employer=r.employer),
            evidence,
            [r.employment_id],
        ))
    return out


def non_compete_next_change(ctx: Context) -> date | None:
    """On the day after a recorded agreement ends, and on the first of the next month while a resume job
    is current, ends later or was left at most W months ago; never once every job is past the window.
    The months since leaving grow each month, so the severity, the legal limit, the window and the
    evidence may change then; a recorded agreement's end drops the findings."""
    facts = ctx.candidate.non_compete if ctx.candidate is not None else None
    if facts is not None and facts.has_agreement is False:
        return None
    ends_on = _iso_day(facts.ends_on) if facts is not None else None
    if ends_on is not None and ends_on < ctx.run.report_day:
        return None  # the agreement has ended: the rule gives nothing, whatever the day
    due = [ends_on + timedelta(days=1)] if ends_on is not None else []
    window, today = ctx.threshold(WINDOW_MONTHS), month_index(ctx.run.report_day)
    for r in ctx.resume_jobs:
        span = ctx.span(r)
        if span is not None and (span.current or span.end_hi >= today or today - span.end_hi <= window):
            due.append(month_turn(ctx.run.report_day))
            break
    return min(due, default=None)


TWO_SENTENCES = N_("%(first)s %(second)s")


def _iso_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


# The kind this module declares (include.engine.kinds collects it).

NON_COMPETE_RISK = KindSpec(
    name="non_compete_risk", version="2.0.0", position=90, rule=non_compete_risk,
    label=N_("Possible non-compete risk"),
    severities=("red", "yellow", "blue"),
    severity_policy="from the non-compete rule of the jurisdiction (non_compete.rules): blue where the law voids "
                    "non-competes (California, North Dakota, Oklahoma, Minnesota); yellow where a court weighs "
                    "length and scope (UK, EU); where the law allows them within limits (China: at most 24 "
                    "months after leaving, only senior managers, senior technical staff and others bound to "
                    "confidentiality) red for a senior role or a recorded agreement, yellow for another role, "
                    "none past the limit; without a rule, red when the candidate is still there or left less "
                    f"than {RECENT_MONTHS} months ago in a senior role (Senior, Lead, Head, Director, VP, "
                    "Principal, Chief, Manager) or has a recorded agreement, else yellow",
    fires_when="a resume employer competes with the hiring company (a named competitor; in a competitor's "
               "corporate family through GLEIF parents; or sharing an industry code with it: Companies "
               "House 5-digit SIC, OpenCorporates' dotted 26.11 = 26110, NACE) and the candidate left it "
               "at most W months before the report day, or is still there; the jurisdiction is the "
               "candidate's location when it has a rule, else the former employer's registry record",
    benign="left more than W months ago, or longer ago than the jurisdiction's legal limit; an unrelated "
           "industry; a move inside the hiring company's own corporate family; HR's ATS record says there is "
           "no agreement, or that it has ended",
    evidence="the resume job, the registry entry, why the employer counts as a competitor (from the hiring "
             "company's configuration), the jurisdiction and the rule applied (with the law it rests on), HR's "
             "agreement facts when recorded, and whether the job is current and senior",
    question="whether a non-compete or non-solicitation agreement binds the candidate, and until when",
    why_question="most employment contracts carry no enforceable non-compete; only the candidate's contract "
                 "says, and legal advice decides",
    thresholds=(WINDOW_MONTHS,),
    next_change=non_compete_next_change,
)
