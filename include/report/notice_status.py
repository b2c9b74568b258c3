"""Overdue notices and waiting periods, read from the warehouse for the top of the report and the HR page.

Decisions and deliveries (``include.notices``) store the dates that matter when they are recorded: a
decision its ``notice_due_on`` (the result told within the configured working days, counted on the
candidate's jurisdiction's calendar), a delivered pre-adverse notice its ``wait_until`` (the last working
day of the waiting period). So this module only compares stored days with the report day; it needs no
calendar, and the report stays below the notices package.

Only the latest decision of each application counts: a decision superseded before its letter went out
(a pre-adverse notice then a withdrawal) leaves only the newer one to tell.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

DECISIONS_TABLE = "notice_decisions"


@dataclass(frozen=True)
class NoticeAttention:
    """One line at the top of the report.

    ``state``: ``overdue`` (the notice of the decision was not delivered by ``due_on``), ``due`` (not
    delivered yet, due on ``due_on``), ``waiting`` (a pre-adverse notice was delivered; no final decision
    before the day after ``due_on``) or ``wait_over`` (the waiting period ended on ``due_on``: HR decides).
    """

    state: str
    candidate_id: str
    name: str
    application_id: str
    decision_id: str
    decision: str
    due_on: str
    jurisdiction: str | None
    days: int  # calendar days past due_on (overdue, wait_over), or until it (due, waiting)


STATE_ORDER = ("overdue", "wait_over", "due", "waiting")


def latest_decisions(wh: Any, candidate_ids: list[str] | None = None) -> list[dict[str, Any]]:
    """The latest decision of every application (of ``candidate_ids`` when given)."""
    if DECISIONS_TABLE not in wh.tables():
        return []
    where, params = "", []
    if candidate_ids is not None:
        if not candidate_ids:
            return []
        where = f"WHERE candidate_id IN ({', '.join('?' for _ in candidate_ids)})"
        params = list(candidate_ids)
    rows = wh.query(f"SELECT * FROM {DECISIONS_TABLE} {where} ORDER BY application_id, decided_at, decision_id",
                    params)
    latest: dict[str, dict[str, Any]] = {}
    for r in rows:
        latest[r["application_id"]] = r
    return list(latest.values())


def attention(wh: Any, today: date) -> list[NoticeAttention]:
    """Overdue and due notices and waiting periods, the most urgent first."""
    decisions = latest_decisions(wh)
    if not decisions:
        return []
    ids = [d["decision_id"] for d in decisions]
    marks = ", ".join("?" for _ in ids)
    delivered: dict[str, list[dict[str, Any]]] = {}
    for r in wh.query(f"SELECT decision_id, delivered_on, wait_until FROM notice_deliveries "
                      f"WHERE decision_id IN ({marks})", ids):
        delivered.setdefault(r["decision_id"], []).append(r)
    cands = {d["candidate_id"] for d in decisions}
    names = {r["candidate_id"]: " ".join(p for p in (r["first_name"], r["last_name"]) if p)
             for r in wh.query(f"SELECT candidate_id, first_name, last_name FROM candidates WHERE candidate_id IN "
                               f"({', '.join('?' for _ in cands)})", sorted(cands))}
    out: list[NoticeAttention] = []
    for d in decisions:
        got = delivered.get(d["decision_id"], [])
        if not got:
            due = date.fromisoformat(str(d["notice_due_on"])[:10])
            state = "overdue" if today > due else "due"
            out.append(_line(d, names, state, due, today))
        elif d["decision"] == "pre_adverse":
            waits = [date.fromisoformat(str(r["wait_until"])[:10]) for r in got if r.get("wait_until")]
            if waits:
                until = min(waits)  # the first delivery starts the waiting period
                out.append(_line(d, names, "waiting" if today <= until else "wait_over", until, today))
    out.sort(key=lambda a: (STATE_ORDER.index(a.state), a.due_on, a.candidate_id, a.application_id))
    return out


def _line(d: dict[str, Any], names: dict[str, str], state: str, due: date, today: date) -> NoticeAttention:
    return NoticeAttention(state=state, candidate_id=d["candidate_id"], name=names.get(d["candidate_id"], ""),
                           application_id=d["application_id"], decision_id=d["decision_id"],
                           decision=d["decision"], due_on=due.isoformat(), jurisdiction=d.get("jurisdiction"),
                           days=abs((today - due).days))
