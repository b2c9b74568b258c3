"""Overdue notices and waiting periods, read from the warehouse for the top of the report and the HR page.

Decisions and deliveries (``include.notices``) store the dates that matter when they are recorded: a
decision its ``notice_due_on`` (the result told within the configured working days, counted on the
candidate's jurisdiction's calendar), a delivered pre-adverse notice its ``wait_until`` (the last working
day of the waiting period). So this module only compares stored days with the report day; it needs no
calendar, and the report stays below the notices package.

Only the latest decision of each application counts: a decision superseded before its letter went out
(a pre-adverse notice then a withdrawal) leaves only the newer one to tell.

With the configuration, a checked candidate's active application without any decision counts too: the
result is due ``notices.result_due_working_days`` working days after the first report day that checked
the candidate (a level in ``candidate_levels``), on their jurisdiction's calendar (``include.workdays``).
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
    before the day after ``due_on``), ``wait_over`` (the waiting period ended on ``due_on``: HR decides),
    ``result_overdue`` or ``result_due`` (checked, no decision recorded: ``decision`` is empty and the
    candidate is to hear the result by ``due_on``).
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


STATE_ORDER = ("overdue", "result_overdue", "wait_over", "due", "result_due", "waiting")


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


# the latest decision of each application, with its deliveries (count, first wait_until) and the name; only
# rows that can need attention: not delivered, or a delivered pre-adverse notice with a waiting period
ATTENTION_SQL = f"""
WITH ranked AS (
    SELECT d.*, ROW_NUMBER() OVER (PARTITION BY application_id ORDER BY decided_at DESC, decision_id DESC) AS rn
    FROM {DECISIONS_TABLE} d
), deliv AS (
    SELECT decision_id, COUNT(*) AS delivered, MIN(wait_until) AS wait_until FROM notice_deliveries
    GROUP BY decision_id
)
SELECT r.candidate_id, r.application_id, r.decision_id, r.decision, r.notice_due_on, r.jurisdiction,
       COALESCE(v.delivered, 0) AS delivered, v.wait_until, c.first_name, c.last_name
FROM ranked r
LEFT JOIN deliv v ON v.decision_id = r.decision_id
LEFT JOIN candidates c ON c.candidate_id = r.candidate_id
WHERE r.rn = 1 AND (v.delivered IS NULL OR (r.decision = 'pre_adverse' AND v.wait_until IS NOT NULL))
"""


UNDECIDED_SQL = f"""
WITH checked AS (
    SELECT l.candidate_id, MIN(p.report_day) AS checked_on FROM candidate_levels l
    JOIN pipeline_runs p ON p.run_id = l.run_id GROUP BY l.candidate_id
)
SELECT a.candidate_id, a.application_id, k.checked_on, c.location, c.first_name, c.last_name
FROM applications a
JOIN checked k ON k.candidate_id = a.candidate_id
JOIN candidates c ON c.candidate_id = a.candidate_id
WHERE a.status = 'active' AND c.consent_given
  AND NOT EXISTS (SELECT 1 FROM {DECISIONS_TABLE} d WHERE d.application_id = a.application_id)
"""


def undecided(wh: Any, today: date, config: Any) -> list[NoticeAttention]:
    """Checked candidates' active applications without a decision, with the day their result is due."""
    from include.engine.rules.non_compete import jurisdiction_code
    from include.workdays import add_working_days

    if not {DECISIONS_TABLE, "candidate_levels"} <= set(wh.tables()):
        return []
    n = config.notices.result_due_working_days
    fallback = jurisdiction_code(config.notices.default_jurisdiction)
    dues: dict[tuple[str | None, str], date] = {}
    out = []
    for r in wh.query(UNDECIDED_SQL):
        if not r["checked_on"]:
            continue
        place = jurisdiction_code(r["location"]) or fallback
        key = (place, str(r["checked_on"])[:10])
        if key not in dues:
            dues[key] = add_working_days(place, date.fromisoformat(key[1]), n)
        due = dues[key]
        name = " ".join(p for p in (r["first_name"], r["last_name"]) if p)
        out.append(NoticeAttention(state="result_overdue" if today > due else "result_due",
                                   candidate_id=r["candidate_id"], name=name, application_id=r["application_id"],
                                   decision_id="", decision="", due_on=due.isoformat(), jurisdiction=place,
                                   days=abs((today - due).days)))
    return out


def attention(wh: Any, today: date, config: Any = None) -> list[NoticeAttention]:
    """Overdue and due notices and waiting periods, the most urgent first; with ``config``, also the
    checked candidates whose applications await a decision (``undecided``)."""
    if DECISIONS_TABLE not in wh.tables():
        return []
    out: list[NoticeAttention] = undecided(wh, today, config) if config is not None else []
    for r in wh.query(ATTENTION_SQL):
        name = " ".join(p for p in (r["first_name"], r["last_name"]) if p)
        if not r["delivered"]:
            due = date.fromisoformat(str(r["notice_due_on"])[:10])
            out.append(_line(r, name, "overdue" if today > due else "due", due, today))
        else:  # the first delivery starts the waiting period
            until = date.fromisoformat(str(r["wait_until"])[:10])
            out.append(_line(r, name, "waiting" if today <= until else "wait_over", until, today))
    out.sort(key=lambda a: (STATE_ORDER.index(a.state), a.due_on, a.candidate_id, a.application_id))
    return out


def _line(d: dict[str, Any], name: str, state: str, due: date, today: date) -> NoticeAttention:
    return NoticeAttention(state=state, candidate_id=d["candidate_id"], name=name,
                           application_id=d["application_id"], decision_id=d["decision_id"],
                           decision=d["decision"], due_on=due.isoformat(), jurisdiction=d.get("jurisdiction"),
                           days=abs((today - due).days))
