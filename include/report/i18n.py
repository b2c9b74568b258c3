"""Message catalogues for the report (English source strings, zh_CN translation).

The ``.po`` file is the source of truth. A compiled ``.mo`` beside it is used when present; otherwise
the ``.po`` is compiled at load time into a cache folder keyed by its content hash, so a fresh checkout
needs no build step and a stale ``.mo`` can never be picked up from the cache.
"""

from __future__ import annotations

import gettext
import hashlib
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from include.engine import kinds
from include.engine.messages import REASONS

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LOCALES: tuple[str, ...] = ("en", "zh_CN")
DOMAIN = "messages"


def N_(message: str) -> str:
    """Marks a string for extraction; translated later, at render time."""
    return message


# From the kinds' declarations (include/engine/rules/*), in report order; msgids in the .po catalogue.
KIND_LABELS: dict[str, str] = dict(kinds.LABELS)
SEVERITY_LABELS: dict[str, str] = {
    "red": N_("Red: act before an offer"),
    "yellow": N_("Yellow: ask in interview"),
    "blue": N_("Blue: for information"),
}
SEVERITY_SHORT: dict[str, str] = {"red": N_("Red"), "yellow": N_("Yellow"), "blue": N_("Blue")}
SEVERITY_MEANING: dict[str, str] = {
    "red": N_("act before an offer"),
    "yellow": N_("ask in interview"),
    "blue": N_("for information"),
}
RESPONSE_LABELS: dict[str, str] = {
    "answered": N_("Answered in time"),
    "answered_late": N_("Answered late"),
    "due": N_("Answer due"),
    "overdue": N_("Answer overdue"),
}
LEVEL_LABELS: dict[str, str] = {"red": N_("Red"), "yellow": N_("Yellow"), "blue": N_("Blue")}
LEVEL_MEANING: dict[str, str] = {
    "red": N_("needs action before an offer"),
    "yellow": N_("needs a plan"),
    "blue": N_("the normal path"),
}
SIDE_LABELS: dict[str, str] = {
    "resume": N_("Resume"),
    "profile": N_("Public profile"),
    "registry": N_("Company registry"),
    "config": N_("Hiring configuration"),
    "computed": N_("Computed"),
}
TOPIC_LABELS: dict[str, str] = {
    "overtime": N_("Overtime"),
    "pay": N_("Pay & wage arrears"),
    "management": N_("Management"),
    "layoffs": N_("Layoffs"),
    "culture": N_("Culture"),
}
VALUE_LABELS: dict[str, str] = {
    "employer": N_("Employer"),
    "title": N_("Title"),
    "start": N_("Start"),
    "end": N_("End"),
    "start_raw": N_("Start"),
    "end_raw": N_("End"),
    "status": N_("Status"),
    "created": N_("Created"),
    "dissolved": N_("Dissolved"),
    "name": N_("Name"),
    "legal_name": N_("Legal name"),
    "employment_type": N_("Employment type"),
    "gap_months": N_("Gap (months)"),
    "overlap_months": N_("Overlap (months)"),
    "months_since_left": N_("Months since leaving"),
    "competitor": N_("Competitor"),
    "industry_codes": N_("Industry codes"),
    "reason": N_("Reason"),
    "school": N_("School"),
    "degree": N_("Degree"),
    "matched_name": N_("Matched name"),
    "match": N_("Match method"),
    "confidence": N_("Match confidence"),
    "profiles_checked": N_("Profiles checked"),
    "employer_in_registry": N_("Employer in a registry"),
    "registries_searched": N_("Registries searched"),
    "normalised_name": N_("Normalised name"),
    "resume_employers": N_("Resume employers"),
    "resume_level": N_("Resume seniority"),
    "profile_level": N_("Profile seniority"),
    "resume_function": N_("Resume function"),
    "profile_function": N_("Profile function"),
    "start_difference_months": N_("Start difference (months)"),
    "end_difference_months": N_("End difference (months)"),
    "end_current": N_("Still there"),
    "tolerance_months": N_("Tolerance (months)"),
    "threshold_months": N_("Threshold (months)"),
    "uncovered_months": N_("Uncovered (months)"),
    "window_months": N_("Window (months)"),
    "looks_like_abbreviation": N_("Looks like an abbreviation"),
    "resume_current": N_("Current job on the resume"),
    "profile_current": N_("Current job on the profile"),
    "matched": N_("Matched"),
    "hiring_company": N_("Hiring company"),
    "current": N_("Still employed there"),
    "senior": N_("Senior role"),
    "incomplete_record": N_("Part of the record unreadable"),
    "quarantined_records": N_("Quarantined records"),
    "quarantine_reasons": N_("Why they were quarantined"),
    "pairing_score": N_("Job pairing score"),
    "pairing_employer_confidence": N_("Job pairing: employer match"),
    "pairing_time_overlap": N_("Job pairing: time overlap"),
    "pairing_title": N_("Job pairing: titles"),
    "jurisdiction": N_("Jurisdiction"),
    "jurisdiction_from": N_("Jurisdiction from"),
    "rule": N_("Rule applied"),
    "treatment": N_("What the law does"),
    "law": N_("Law"),
    "max_months": N_("Longest restriction (months)"),
    "months_since_leaving": N_("Months since leaving"),
    "has_agreement": N_("Non-compete agreement"),
    "ends_on": N_("Agreement ends"),
}
# Enumerated evidence values, per key (matched case-insensitively); other values are literals (names,
# dates, titles) and are shown as written.
MATCH_METHODS: dict[str, str] = {
    "exact": N_("exact name"),
    "alias": N_("known alias"),
    "pinyin": N_("pinyin spelling"),
    "acronym": N_("initials"),
    "fuzzy": N_("similar name"),
    "none": N_("no match"),
}
EMPLOYMENT_TYPES: dict[str, str] = {
    "full_time": N_("full time"),
    "part_time": N_("part time"),
    "contract": N_("contract"),
    "internship": N_("internship"),
    "unknown": N_("unknown"),
}
ENTITY_STATUSES: dict[str, str] = {
    "active": N_("active"),
    "inactive": N_("inactive"),
    "dissolved": N_("dissolved"),
    "in liquidation": N_("in liquidation"),
    "liquidation": N_("in liquidation"),
    "closed": N_("closed"),
    "lapsed": N_("lapsed"),
    "issued": N_("issued"),
    "unknown": N_("unknown"),
}
SENIORITY_LEVELS: dict[str, str] = {
    "intern": N_("intern"),
    "junior": N_("junior"),
    "mid": N_("mid-level"),
    "senior": N_("senior"),
    "lead": N_("lead"),
    "manager": N_("manager"),
    "director": N_("director"),
    "vp": N_("vice president"),
    "chief": N_("chief officer"),
}
# Function words of job titles as the engine normalises them (include/engine/titles.py), shown in
# the evidence of title_mismatch; a word not listed here is shown as the engine wrote it.
TITLE_FUNCTION_WORDS: dict[str, str] = {
    "engineer": N_("engineer"),
    "test": N_("test"),
    "mechanical": N_("mechanical"),
    "manager": N_("manager"),
    "software": N_("software"),
    "science": N_("science"),
    "robotics": N_("robotics"),
    "project": N_("project"),
    "data": N_("data"),
    "finance": N_("finance"),
    "hardware": N_("hardware"),
    "embedded": N_("embedded"),
    "product": N_("product"),
    "operations": N_("operations"),
    "devops": N_("devops"),
    "sales": N_("sales"),
    "research": N_("research"),
    "design": N_("design"),
    "analysis": N_("analysis"),
    "tech": N_("tech"),
    "consulting": N_("consulting"),
    "admin": N_("admin"),
    "fullstack": N_("fullstack"),
    "system": N_("system"),
    "service": N_("service"),
    "account": N_("account"),
    "program": N_("program"),
    "solution": N_("solution"),
    "network": N_("network"),
    "communications": N_("communications"),
    "marketing": N_("marketing"),
    "electronics": N_("electronics"),
    "electrical": N_("electrical"),
    "frontend": N_("frontend"),
    "backend": N_("backend"),
    "algorithm": N_("algorithm"),
    "customer": N_("customer"),
    "support": N_("support"),
    "security": N_("security"),
    "quality": N_("quality"),
    "assurance": N_("assurance"),
    "ai": N_("ai"),
    "machine": N_("machine"),
    "learning": N_("learning"),
    "cloud": N_("cloud"),
    "platform": N_("platform"),
    "business": N_("business"),
    "human": N_("human"),
    "resources": N_("resources"),
    "general": N_("general"),
    "assistant": N_("assistant"),
    "infrastructure": N_("infrastructure"),
    "development": N_("development"),
    "delivery": N_("delivery"),
    "technician": N_("technician"),
    "supervisor": N_("supervisor"),
    "coordinator": N_("coordinator"),
    "representative": N_("representative"),
    "firmware": N_("firmware"),
    "perception": N_("perception"),
    "controls": N_("controls"),
    "control": N_("control"),
    "field": N_("field"),
    "manufacturing": N_("manufacturing"),
    "automation": N_("automation"),
    "autonomy": N_("autonomy"),
    "partner": N_("partner"),
    "testing": N_("testing"),
    "management": N_("management"),
    "recruitment": N_("recruitment"),
    "talent": N_("talent"),
    "content": N_("content"),
    "brand": N_("brand"),
    "community": N_("community"),
    "success": N_("success"),
    "office": N_("office"),
    "store": N_("store"),
    "branch": N_("branch"),
    "international": N_("international"),
    "vision": N_("vision"),
    "computer": N_("computer"),
    "simulation": N_("simulation"),
    "integration": N_("integration"),
    "validation": N_("validation"),
    "verification": N_("verification"),
    "production": N_("production"),
    "process": N_("process"),
    "supply": N_("supply"),
    "chain": N_("chain"),
    "procurement": N_("procurement"),
    "logistics": N_("logistics"),
    "legal": N_("legal"),
    "hr": N_("hr"),
    "people": N_("people"),
    "safety": N_("safety"),
    "reliability": N_("reliability"),
    "site": N_("site"),
    "application": N_("application"),
    "applications": N_("applications"),
    "web": N_("web"),
    "mobile": N_("mobile"),
    "database": N_("database"),
    "analytics": N_("analytics"),
}
UNKNOWN = N_("unknown")
PAIRING_TITLES: dict[str, str] = {
    "same role": N_("same role"),
    "same function, another level": N_("same function, another level"),
    "titles differ": N_("titles differ"),
}
# include/engine/rules/non_compete.py: where the jurisdiction came from, and what its rule does
JURISDICTION_FROM: dict[str, str] = {
    "the candidate's location": N_("the candidate's location"),
    "the former employer's registry record": N_("the former employer's registry record"),
}
TREATMENTS: dict[str, str] = {
    "void": N_("voids non-competes"),
    "weighed": N_("a court weighs length and scope"),
    "statutory": N_("allows them within legal limits"),
    "general policy": N_("no rule configured: general policy"),
}
EVIDENCE_VALUES: dict[str, dict[str, str]] = {
    "pairing_title": PAIRING_TITLES,
    "jurisdiction_from": JURISDICTION_FROM,
    "treatment": TREATMENTS,
    "match": MATCH_METHODS,
    "employment_type": EMPLOYMENT_TYPES,
    "status": ENTITY_STATUSES,
    "reason": REASONS,
    "resume_level": SENIORITY_LEVELS,
    "profile_level": SENIORITY_LEVELS,
    "resume_function": TITLE_FUNCTION_WORDS,
    "profile_function": TITLE_FUNCTION_WORDS,
}
# Evidence values that list sources by key ("companies_house", "linkedin").
SOURCE_LIST_VALUES = ("registries_searched", "profiles_checked")
# record_ref values that name a configuration section rather than a record.
RECORD_REFS: dict[str, str] = {"hiring_company": N_("hiring company (configuration)"),
                               "non_compete.rules": N_("non-compete rules (configuration)")}
EMPLOYMENT_STATUS_LABELS: dict[str, str] = {
    "current": N_("current employee"),
    "former": N_("former employee"),
}
CURRENT = N_("current")
YES, NO = N_("yes"), N_("no")
SOURCE_LABELS: dict[str, str] = {
    "greenhouse": "Greenhouse",
    "lever": "Lever",
    "companies_house": "Companies House",
    "gleif": "GLEIF",
    "opencorporates": "OpenCorporates",
    "orcid": "ORCID",
    "github": "GitHub",
    "linkedin": "LinkedIn",
    "reviews": N_("Review site"),
    "config": N_("Configuration"),
    "engine": N_("Rule engine"),
    "crosscheck": "Crosscheck",
}
# Why a source was skipped, as the pipeline's manifest says it (others are shown as written).
SKIP_REASONS: dict[str, str] = {"connection not defined": N_("connection not defined")}
# Messages of the Airflow UI plugin (plugins/crosscheck_ui.py), kept here so that one catalogue has them all.
UI_MESSAGES: dict[str, str] = {
    "cleared": N_("Finding %(id)s cleared; the report files were re-rendered."),
    "not_open": N_("That finding does not exist or is already cleared."),
    "missing": N_("A reason and your name are both required to clear a finding."),
    "bad_text": N_("The reason or the name holds a NUL character, which cannot be stored: remove it."),
    "no_reason": N_("Say why the finding is explained: a reason is required to clear it."),
    "reopened": N_("Finding %(id)s reopened; the report files were re-rendered."),
    "not_cleared": N_("That finding does not exist or is open already."),
    "no_run": N_("No pipeline run has been sealed yet, so there is no report to show."),
    "disputed": N_("Dispute of finding %(id)s recorded; the next run re-reads the candidate's sources."),
    "decided": N_("Outcome of the dispute of finding %(id)s recorded; the report files were re-rendered."),
    "not_disputable": N_("That finding does not exist or is not open: only an open finding can be disputed."),
    "no_statement": N_("Write what the candidate disputes and the day it was received (today or earlier)."),
    "no_dispute": N_("That finding does not exist or has no dispute awaiting an outcome."),
    "no_outcome": N_("Choose an outcome and say why."),
    "language": N_("Language"),
    "decision_done": N_("The decision is recorded and sealed; write its notice to the candidate next."),
    "notice_done": N_("The notice is written; deliver it to the candidate."),
    "delivery_done": N_("The delivery of the notice is recorded."),
}


def check_locale(locale: str) -> str:
    if locale not in LOCALES:
        raise ValueError(f"unsupported report locale {locale!r}; supported: {', '.join(LOCALES)}")
    return locale


def cache_dir() -> Path:
    return Path(
        os.environ.get("CROSSCHECK_LOCALE_CACHE") or Path(tempfile.gettempdir()) / "crosscheck-locale"
    )


def compile_po(po_path: Path, locale: str) -> Path:
    """Compile ``po_path`` into the cache (once per content hash) and return the ``.mo`` path."""
    data = po_path.read_bytes()
    target = cache_dir() / hashlib.sha256(data).hexdigest()[:20] / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale=locale, domain=DOMAIN)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as out:
        write_mo(out, catalog)
    os.replace(tmp, target)  # atomic: parallel workers never read half a file
    return target


@lru_cache(maxsize=len(LOCALES))
def translations(locale: str) -> gettext.NullTranslations:
    """The catalogue for ``locale``; English is the source language and needs none."""
    check_locale(locale)
    if locale == "en":
        return gettext.NullTranslations()
    folder = LOCALE_DIR / locale / "LC_MESSAGES"
    mo = folder / f"{DOMAIN}.mo"
    if not mo.exists():
        mo = compile_po(folder / f"{DOMAIN}.po", locale)
    with mo.open("rb") as fh:
        return Translations(fh, domain=DOMAIN)


def html_lang(locale: str) -> str:
    return locale.replace("_", "-")


# The recruiting timeline's event kinds (include/ingest/timeline.py), as the dossier names them.
EVENT_LABELS: dict[str, str] = {
    "applied": N_("Applied"),
    "stage": N_("Stage"),
    "interview": N_("Interview"),
    "offer": N_("Offer"),
    "rejected": N_("Rejected"),
    "withdrawn": N_("Withdrawn by the candidate"),
    "hired": N_("Hired"),
}
