"""The notice letter of a decision, in the candidate's language (en, zh-CN).

A letter says the decision and HR's reason, the findings it rests on with their evidence in plain words
(the report's own sentences and labels), the candidate's rights in their jurisdiction and how to dispute:

* US (FCRA): a pre-adverse notice carries a copy of what the decision rests on and a summary of rights,
  and no final decision comes before the waiting period (``notices.pre_adverse_wait_working_days``
  business days after it reached the candidate) is over; the final notice repeats the rights.
* the EU and EEA (GDPR Art. 22), the UK (UK GDPR Art. 22): the right not to be subject to a decision
  based solely on automated processing, to obtain human intervention, to express a view and contest it.
* China (PIPL Art. 24): the right to an explanation and to refuse a decision made solely by automated
  decision-making.

Every letter says a person took the decision and that the findings are questions, not verdicts. The
letter is written owner-readable only (0600) under ``<data_dir>/notices/`` and recorded, with the
sha256 of its HTML, in ``notice_letters`` (append-only, sealed).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from include.config import EU_MEMBERS
from include.notices.decisions import Decision, DecisionRefused, anchor_of, clean_text, decision_by_id
from include.notices.workdays import FCRA, add_working_days
from include.private import private_dir, write_private_text
from include.report import i18n
from include.report.data import display_name, finding_view
from include.report.notice_text import (
    DECISION_LABELS,
    DISPUTE_REPLY,
    DISPUTE_TO,
    HUMAN,
    OPENINGS,
    RIGHTS,
    SUBJECT,
    TITLES,
    WAIT,
)
from include.report.render import environment
from include.warehouse import Warehouse
from include.warehouse.base import sha256_text

TABLE = "notice_letters"
EEA_EXTRA = ("IS", "LI", "NO")

def rights_family(jurisdiction: str | None) -> str:
    """Which rights a letter states: "US", "EU" (EU and EEA), "GB", "CN", or "" (general)."""
    country = (jurisdiction or "").split("-")[0]
    if country in ("US", "GB", "CN"):
        return country
    if country in EU_MEMBERS or country in EEA_EXTRA:
        return "EU"
    return ""


def letter_locale(decision: Decision, config: Any) -> str:
    """The candidate's language: ``notices.locale_by_jurisdiction`` (subdivision, then country), else en."""
    table = config.notices.locale_by_jurisdiction
    code = decision.jurisdiction or ""
    return str(table.get(code) or table.get(code.split("-")[0]) or "en")


@dataclass(frozen=True)
class Letter:
    notice_id: str
    decision_id: str
    candidate_id: str
    locale: str
    path: str
    sha256: str
    written_by: str
    written_at: str

    def as_row(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def company(config: Any) -> str:
    return str(config.notices.sender or config.hiring_company.name)


def letter_context(wh: Warehouse, decision: Decision, config: Any, today: date) -> dict[str, Any]:
    """What the letter says, from the warehouse: the candidate, the application, the findings, the dates."""
    cand = wh.query("SELECT candidate_id, first_name, last_name FROM candidates WHERE candidate_id = ?",
                    [decision.candidate_id])
    job = wh.query("SELECT j.name FROM applications a LEFT JOIN jobs j ON j.job_id = a.job_id "
                   "WHERE a.application_id = ?", [decision.application_id])
    findings = []
    if decision.finding_ids:
        marks = ", ".join("?" for _ in decision.finding_ids)
        rows = wh.query(f"SELECT * FROM discrepancies WHERE finding_id IN ({marks}) ORDER BY finding_id",
                        list(decision.finding_ids))
        findings = [finding_view(r) for r in rows]
    wait = config.notices.pre_adverse_wait_working_days
    place = FCRA if rights_family(decision.jurisdiction) == "US" else decision.jurisdiction
    return {
        "decision": decision,
        "name": display_name(cand[0]) if cand else "",
        "job": (job[0]["name"] or "") if job else "",
        "company": company(config),
        "findings": findings,
        "rights": RIGHTS[rights_family(decision.jurisdiction)],
        "wait": wait,
        "earliest_final": add_working_days(place, today, wait).isoformat() if decision.decision == "pre_adverse"
        else None,
        "contact": config.notices.dispute_contact,
        "today": today.isoformat(),
    }


def render_letter(ctx: dict[str, Any], locale: str) -> str:
    env = environment(locale)
    g = i18n.translations(locale).gettext
    env.globals.update(
        L=lambda msgid, **kw: (g(msgid) % kw) if kw else g(msgid),
        TITLES=TITLES, OPENINGS=OPENINGS, DECISION_LABELS=DECISION_LABELS, HUMAN=HUMAN, WAIT=WAIT,
        DISPUTE_TO=DISPUTE_TO, DISPUTE_REPLY=DISPUTE_REPLY)
    return env.get_template("notice.html.j2").render(c=ctx, locale=locale, lang=i18n.html_lang(locale))


def subject_line(decision: Decision, config: Any, locale: str) -> str:
    g = i18n.translations(locale).gettext
    return g(SUBJECT) % {"company": company(config), "title": g(TITLES[decision.decision])}


def write_notice(
    wh: Warehouse,
    decision_id: str,
    config: Any,
    by: str,
    *,
    locale: str | None = None,
    out_dir: Path | None = None,
    at: datetime | None = None,
    anchor: Any = None,
) -> Letter:
    """Write the letter of a decision (in ``locale``, else the candidate's language), record and seal it.

    Raises ``KeyError`` for an unknown decision, ``DecisionRefused`` for an empty name, ``ValueError``
    for an unsupported locale.
    """
    by = clean_text("the name of who writes the notice", by, 200)
    decision = decision_by_id(wh, decision_id)
    loc = i18n.check_locale(locale or letter_locale(decision, config))
    when = (at or datetime.now(UTC)).astimezone(UTC)
    html = render_letter(letter_context(wh, decision, config, when.date()), loc)
    written_at = when.isoformat()
    notice_id = hashlib.sha256(f"{decision.decision_id}|{loc}|{written_at}|{by}".encode()).hexdigest()[:32]
    folder = Path(out_dir) if out_dir is not None else config.data_path() / "notices"
    base = folder if out_dir is not None else config.data_path()
    target = private_dir(folder / re.sub(r"[^A-Za-z0-9]", "", decision.decision_id)[:32], base)
    path = target / f"notice-{notice_id[:16]}-{loc}.html"
    write_private_text(path, html)
    letter = Letter(notice_id=notice_id, decision_id=decision.decision_id, candidate_id=decision.candidate_id,
                    locale=loc, path=str(path), sha256=sha256_text(html), written_by=by, written_at=written_at)
    try:
        with wh.transaction():
            from include.audit.coverage import LOCK, seal_locked

            wh.lock(LOCK)
            wh.upsert(TABLE, [letter.as_row()], ["notice_id"])
            sealed = seal_locked(wh, "notice", notice_id, by)
    except BaseException:
        path.unlink(missing_ok=True)  # an unrecorded letter would escape erasure: none stays behind
        raise
    anchor_of(config, anchor).append(sealed)
    return letter


def letter_by_id(wh: Warehouse, notice_id: str) -> Letter:
    """The letter with this id (or the only one starting with it); KeyError when none or several."""
    ref = (notice_id or "").strip()
    rows = wh.query(f"SELECT * FROM {TABLE} WHERE notice_id = ?", [ref])
    if not rows and len(ref) >= 6:
        rows = wh.query(f"SELECT * FROM {TABLE} WHERE notice_id LIKE ? ORDER BY notice_id",
                        [ref.replace("%", "").replace("_", "") + "%"])
    if len(rows) != 1:
        raise KeyError(f"no notice {ref!r}" if not rows else f"notice id {ref!r} is ambiguous: give more of it")
    return Letter(**{k: rows[0][k] for k in Letter.__dataclass_fields__})


def letters_of(wh: Warehouse, decision_id: str) -> list[Letter]:
    rows = wh.query(f"SELECT * FROM {TABLE} WHERE decision_id = ? ORDER BY written_at, notice_id", [decision_id])
    return [Letter(**{k: r[k] for k in Letter.__dataclass_fields__}) for r in rows]


__all__ = ["DecisionRefused", "Letter", "letter_by_id", "letters_of", "render_letter", "rights_family",
           "subject_line", "write_notice"]
