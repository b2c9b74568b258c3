"""Decisions and notices: HR's decision per application, the letter to the candidate, its delivery.

The Python API (stable; the CLI ``crosscheck decision|notice`` and the HR page call it):

* ``record_decision(wh, application_id, decision, reason, by, config, finding_ids=None, at=None)``
  -> ``Decision`` (``decisions.py``): proceed, pre_adverse, final_adverse or withdrawn.
* ``write_notice(wh, decision_id, config, by, locale=None, out_dir=None, at=None)`` -> ``Letter``
  (``letters.py``): the letter in the candidate's language, 0600 under ``<data_dir>/notices/``.
* ``deliver_notice(wh, notice_id, config, method, by, to=None, note="", at=None)`` -> ``Delivery``
  (``delivery.py``): ``email`` through the SMTP connection, or ``handed_over``.
* ``attention(wh, today, config=None)`` -> overdue and due notices and waiting periods, most urgent
  first; with ``config`` also checked candidates' applications still awaiting a decision.
* ``history(wh, candidate_id)``: every decision of a candidate with its letters and deliveries.

Every write is append-only and sealed in the audit trail in the same transaction (``kind`` decision,
notice, delivery); the tables are covered, so ``crosscheck audit verify`` names an edited or deleted row.
Working days come from the ``holidays`` library per jurisdiction (``include.workdays``). See docs/NOTICES.md.
"""

from __future__ import annotations

from typing import Any

from include.notices.decisions import (
    ADVERSE,
    DECISIONS,
    Decision,
    DecisionRefused,
    candidate_jurisdiction,
    decision_by_id,
    decisions_of,
    latest_decision,
    record_decision,
    waiting_until,
)
from include.notices.delivery import METHODS, Delivery, DeliveryFailed, deliver_notice, deliveries_of
from include.notices.letters import Letter, letter_by_id, letters_of, render_letter, write_notice
from include.notices.workdays import add_working_days, calendar
from include.report.notice_status import NoticeAttention, attention
from include.warehouse import Warehouse


def history(wh: Warehouse, candidate_id: str) -> list[dict[str, Any]]:
    """Every decision of a candidate, oldest first, each with its ``letters`` and ``deliveries``."""
    out = []
    for d in decisions_of(wh, candidate_id=candidate_id):
        out.append({**d.as_row(), "letters": [x.as_row() for x in letters_of(wh, d.decision_id)],
                    "deliveries": deliveries_of(wh, d.decision_id)})
    return out


__all__ = ["ADVERSE", "DECISIONS", "METHODS", "Decision", "DecisionRefused", "Delivery", "DeliveryFailed",
           "Letter", "NoticeAttention", "add_working_days", "attention", "calendar", "candidate_jurisdiction",
           "decision_by_id", "decisions_of", "deliver_notice", "deliveries_of", "history", "latest_decision",
           "letter_by_id", "letters_of", "record_decision", "render_letter", "waiting_until", "write_notice"]
