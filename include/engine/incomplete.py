"""Findings that rest on an incomplete record: a quarantined line never becomes an accusation.

When part of a candidate's record could not be read (a resume job with a malformed date or no
company, a LinkedIn row that did not parse, a profile answer that was not JSON), that line is in
quarantine and the rules never see it. A kind that reads one side of the record as complete
(``KindSpec.rests_on_complete``: "the resume does not list X", "no profile shows X", "a gap between
two jobs") could then fire on the missing line alone. For such a finding:

- **suppressed** when a quarantined line on that side names the same employer the finding is about:
  the record does list it, only unreadably, so the finding would be false (e.g. "LinkedIn shows
  Stanwick Advisory, which the resume does not list" while the resume's Stanwick Advisory line was
  quarantined for its date);
- otherwise **kept, one severity lower** among those the kind declares (red becomes yellow), with an
  evidence item naming the quarantined records and a sentence saying part of the record could not be
  read. Whether the unreadable line would explain it cannot be told, so it stays a question for HR,
  but never a red one on that ground.

Kinds that compare records both sides hold (titles, dates, registries) are not touched: a missing line
cannot create those.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from include.engine import kinds
from include.engine.messages import INCOMPLETE, RECORD_SIDES, msg, render, term
from include.engine.rules.common import computed, evidence_digest
from include.models import Finding

RESUME_SOURCES = ("greenhouse", "lever")
PROFILE_DATASETS = ("attachments", "files", "linkedin_positions")  # LinkedIn exports travel through the ATS
NOT_A_LINE = ("candidates", "applications", "jobs", "postings", "custom_fields", "custom_field_options")
SEVERITY_ORDER = ("red", "yellow", "blue")


def side_of(q: dict[str, Any]) -> str | None:
    """Which side of the record a quarantined row was part of: "resume", "profile" or None (not a line)."""
    dataset = str(q.get("dataset") or "")
    if dataset in PROFILE_DATASETS or q.get("source") in ("orcid", "github", "linkedin"):
        return "profile"
    if q.get("source") in RESUME_SOURCES and dataset not in NOT_A_LINE:
        return "resume"
    return None


def named_employer(raw: Any) -> str | None:
    """The employer a quarantined line names, if it names one readably (Greenhouse, Lever, LinkedIn,
    ORCID and already-mapped records each call it differently)."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return None
    if not isinstance(raw, dict):
        return None
    for key in ("company_name", "org", "employer", "company"):
        value = raw.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    org = raw.get("organization")
    if isinstance(org, dict) and isinstance(org.get("name"), str) and org["name"].strip():
        return str(org["name"]).strip()
    return None


def _subject_employer(finding: Finding) -> str | None:
    """The employer a "missing" finding is about: its first evidence item's (the job said to be missing)."""
    for item in finding.evidence:
        if item.side in ("resume", "profile") and isinstance(item.values.get("employer"), str):
            return str(item.values["employer"])
    return None


def _lower(severity: str, allowed: tuple[str, ...]) -> str:
    below = [s for s in SEVERITY_ORDER[SEVERITY_ORDER.index(severity) + 1:] if s in allowed]
    return below[0] if below else severity


def account_for_quarantine(findings: list[Finding], quarantined: list[dict[str, Any]],
                           same: Callable[[str, str], bool]) -> list[Finding]:
    """``findings`` of one candidate with their quarantined records taken into account (see the module).
    ``same(a, b)``: whether two employer names are one employer (the rules' own matcher)."""
    by_side: dict[str, list[dict[str, Any]]] = {}
    for q in quarantined:
        side = side_of(q)
        if side is not None:
            by_side.setdefault(side, []).append(q)
    if not by_side:
        return findings
    out = []
    for f in findings:
        spec = kinds.BY_NAME.get(f.kind)
        sides = [s for s in (spec.rests_on_complete if spec else ()) if s in by_side]
        if not sides:
            out.append(f)
            continue
        lines = [q for s in sides for q in by_side[s]]
        subject = _subject_employer(f) if f.kind != "career_gap" else None
        if subject and any((name := named_employer(q.get("raw"))) and same(subject, name) for q in lines):
            continue  # the unreadable line lists this very employer: the finding would be false
        out.append(_softened(f, spec.severities if spec else (f.severity,), sides[0], lines))
    return out


def _softened(f: Finding, allowed: tuple[str, ...], side: str, lines: list[dict[str, Any]]) -> Finding:
    evidence = [*f.evidence, computed(
        {"incomplete_record": True, "quarantined_records": len(lines),
         "quarantine_reasons": sorted({str(q.get("reason") or "") for q in lines})},
        "|".join(sorted(str(q.get("record_key") or "") for q in lines)))]
    summary_msg = (f.message or {}).get("summary") or f.summary
    summary = msg(INCOMPLETE, finding=summary_msg, side=term(RECORD_SIDES[side]), count=len(lines))
    message = {**f.message, "summary": summary} if f.message else None
    return f.model_copy(update={
        "severity": _lower(f.severity, allowed), "summary": render(summary), "message": message,
        "evidence": evidence, "evidence_digest": evidence_digest(evidence)})
