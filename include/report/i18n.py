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

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LOCALES: tuple[str, ...] = ("en", "zh_CN")
DOMAIN = "messages"


def N_(message: str) -> str:
    """Marks a string for extraction; translated later, at render time."""
    return message


KIND_LABELS: dict[str, str] = {
    "employer_not_on_profile": N_("Employer not on public profile"),
    "profile_employer_not_on_resume": N_("Profile employer missing from resume"),
    "title_mismatch": N_("Job title mismatch"),
    "date_mismatch": N_("Employment dates mismatch"),
    "overlapping_employment": N_("Overlapping full-time jobs"),
    "career_gap": N_("Career gap"),
    "employer_not_in_registry": N_("Employer not found in any company registry"),
    "employer_inactive_during_tenure": N_("Employer not active during the claimed tenure"),
    "non_compete_risk": N_("Possible non-compete risk"),
}
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
}
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
    "no_run": N_("No pipeline run has been sealed yet, so there is no report to show."),
    "language": N_("Language"),
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
