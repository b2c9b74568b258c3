"""HR's decisions per application: proceed, pre-adverse notice, final adverse notice, withdrawn.

A decision names its reason, who took it and the findings it rests on; it is appended to
``notice_decisions`` (never edited: a later decision supersedes it) and sealed in the audit trail in
the same transaction. It also fixes, when it is recorded, the day its notice is due: the configured
number of working days (``notices.result_due_working_days``, 3) after the decision, on the calendar of
the candidate's jurisdiction (their location, read as the non-compete rule reads it, else
``notices.default_jurisdiction``).

A final adverse decision needs a pre-adverse notice delivered to the candidate for the same application
whose waiting period is over (the US FCRA: at least five business days; ``include.notices.delivery``
stores the last day of it), and no other decision since.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from include.engine.rules.non_compete import jurisdiction_code
from include.notices.workdays import add_working_days
from include.report.notice_status import latest_decisions
from include.warehouse import Warehouse

DECISIONS: tuple[str, ...] = ("proceed", "pre_adverse", "final_adverse", "withdrawn")
ADVERSE = frozenset({"pre_adverse", "final_adverse"})
MAX_REASON, MAX_NAME = 2000, 200
TABLE = "notice_decisions"


class DecisionRefused(ValueError):
    """A decision that cannot be recorded as asked (the message says why and what to do)."""


@dataclass(frozen=True)
class Decision:
    decision_id: str
    application_id: str
    candidate_id: str
    decision: str
    reason: str
    decided_by: str
    decided_at: str
    jurisdiction: str | None
    finding_ids: list[str] = field(default_factory=list)
    result_day: str = ""
    notice_due_on: str = ""

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Decision:
        return cls(**{k: row.get(k) for k in cls.__dataclass_fields__})  # type: ignore[arg-type]

    def as_row(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def anchor_of(config: Any, anchor: Any = None) -> Any:
    """``anchor``, else the configuration's (``include.audit.anchor``): with a key configured, every seal's
    head is signed and logged, as a run's and a clearance's are."""
    if anchor is not None:
        return anchor
    from include.audit.anchor import anchor_for

    return anchor_for(config)


def clean_text(what: str, text: str | None, most: int) -> str:
    """``text`` stripped; ``DecisionRefused`` when empty, too long or holding a NUL (Postgres cannot store it)."""
    value = (text or "").strip()
    if not value:
        raise DecisionRefused(f"{what} is required")
    if "\0" in value:
        raise DecisionRefused(f"{what} holds a NUL character, which cannot be stored: remove it")
    if len(value) > most:
        raise DecisionRefused(f"{what} is longer than {most} characters")
    return value


def candidate_jurisdiction(wh: Warehouse, candidate_id: str, config: Any) -> str | None:
    """The ISO 3166 code of the candidate's location, else ``notices.default_jurisdiction`` (or None)."""
    rows = wh.query("SELECT location FROM candidates WHERE candidate_id = ?", [candidate_id])
    code = jurisdiction_code(rows[0]["location"]) if rows and rows[0].get("location") else None
    return code or jurisdiction_code(config.notices.default_jurisdiction)


def decision_by_id(wh: Warehouse, decision_id: str) -> Decision:
    """The decision with this id, or the only one starting with it; KeyError when none or several."""
    ref = (decision_id or "").strip()
    rows = wh.query(f"SELECT * FROM {TABLE} WHERE decision_id = ?", [ref])
    if not rows and len(ref) >= 6:
        rows = wh.query(f"SELECT * FROM {TABLE} WHERE decision_id LIKE ? ORDER BY decision_id",
                        [ref.replace("%", "").replace("_", "") + "%"])
    if len(rows) != 1:
        raise KeyError(f"no decision {ref!r}" if not rows else f"decision id {ref!r} is ambiguous: give more of it")
    return Decision.from_row(rows[0])


def decisions_of(wh: Warehouse, candidate_id: str | None = None, application_id: str | None = None
                 ) -> list[Decision]:
    """Every decision of a candidate or an application (or all), oldest first."""
    where, params = [], []
    if candidate_id is not None:
        where.append("candidate_id = ?")
        params.append(candidate_id)
    if application_id is not None:
        where.append("application_id = ?")
        params.append(application_id)
    sql = f"SELECT * FROM {TABLE}" + (f" WHERE {' AND '.join(where)}" if where else "")
    return [Decision.from_row(r) for r in wh.query(sql + " ORDER BY decided_at, decision_id", params)]


def latest_decision(wh: Warehouse, application_id: str) -> Decision | None:
    rows = wh.query(f"SELECT * FROM {TABLE} WHERE application_id = ? ORDER BY decided_at DESC, decision_id DESC "
                    "LIMIT 1", [application_id])
    return Decision.from_row(rows[0]) if rows else None


def _open_findings(wh: Warehouse, candidate_id: str) -> list[str]:
    rows = wh.query("SELECT finding_id FROM discrepancies WHERE candidate_id = ? AND status = 'open' "
                    "AND severity IN ('red', 'yellow') ORDER BY finding_id", [candidate_id])
    return [r["finding_id"] for r in rows]


def _checked_findings(wh: Warehouse, candidate_id: str, finding_ids: Sequence[str]) -> list[str]:
    ids = sorted({f.strip() for f in finding_ids if f and f.strip()})
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    rows = wh.query(f"SELECT finding_id, candidate_id FROM discrepancies WHERE finding_id IN ({marks})", ids)
    found = {r["finding_id"]: r["candidate_id"] for r in rows}
    for f in ids:
        if f not in found:
            raise DecisionRefused(f"no finding {f!r}")
        if found[f] != candidate_id:
            raise DecisionRefused(f"finding {f} is not about this candidate")
    return ids


def waiting_until(wh: Warehouse, decision_id: str) -> date | None:
    """The last day of the waiting period of a delivered pre-adverse notice (its first delivery), or None."""
    rows = wh.query("SELECT wait_until FROM notice_deliveries WHERE decision_id = ? AND wait_until IS NOT NULL",
                    [decision_id])
    days = [date.fromisoformat(str(r["wait_until"])[:10]) for r in rows]
    return min(days) if days else None


def record_decision(
    wh: Warehouse,
    application_id: str,
    decision: str,
    reason: str,
    by: str,
    config: Any,
    *,
    finding_ids: Sequence[str] | None = None,
    at: datetime | None = None,
    anchor: Any = None,
) -> Decision:
    """Append HR's decision on an application and seal it; return it.

    ``finding_ids``: the findings the decision rests on (each must be about the candidate); by default
    the candidate's open red and yellow findings for a pre-adverse decision, the pre-adverse decision's
    for a final one, none otherwise. Raises ``KeyError`` for an unknown application and
    ``DecisionRefused`` (a ``ValueError``) for an unknown decision, an empty reason or name, a
    pre-adverse decision resting on no finding, or a final adverse decision without a delivered
    pre-adverse notice whose waiting period is over.
    """
    if decision not in DECISIONS:
        raise DecisionRefused(f"unknown decision {decision!r}: one of {', '.join(DECISIONS)}")
    reason = clean_text("a reason", reason, MAX_REASON)
    by = clean_text("the name of who decides", by, MAX_NAME)
    application_id = clean_text("the application id", application_id, MAX_NAME)
    when = (at or datetime.now(UTC)).astimezone(UTC)
    day = when.date()
    with wh.transaction():
        from include.audit.coverage import LOCK, seal_locked

        wh.lock(LOCK)  # one writer of the trail at a time: two final decisions cannot both pass the checks
        apps = wh.query("SELECT candidate_id FROM applications WHERE application_id = ?", [application_id])
        if not apps:
            raise KeyError(f"no application {application_id!r}")
        candidate_id = str(apps[0]["candidate_id"])
        previous = latest_decision(wh, application_id)
        if decision == "final_adverse":
            ids = _final_allowed(wh, previous, day)
            if finding_ids is not None:
                ids = _checked_findings(wh, candidate_id, finding_ids)
            _not_disputed(wh, ids)
        elif finding_ids is not None:
            ids = _checked_findings(wh, candidate_id, finding_ids)
        else:
            ids = _open_findings(wh, candidate_id) if decision == "pre_adverse" else []
        if decision == "pre_adverse" and not ids:
            raise DecisionRefused("a pre-adverse notice rests on findings, and this candidate has no open red or "
                                  "yellow finding: name the findings (--finding) or record another decision")
        place = candidate_jurisdiction(wh, candidate_id, config)
        due = add_working_days(place, day, config.notices.result_due_working_days)
        at_text = when.isoformat()
        decision_id = hashlib.sha256(
            f"{application_id}|{decision}|{at_text}|{by}|{reason}".encode()).hexdigest()[:32]
        made = Decision(decision_id=decision_id, application_id=application_id, candidate_id=candidate_id,
                        decision=decision, reason=reason, decided_by=by, decided_at=at_text, jurisdiction=place,
                        finding_ids=ids, result_day=day.isoformat(), notice_due_on=due.isoformat())
        wh.upsert(TABLE, [made.as_row()], ["decision_id"])
        sealed = seal_locked(wh, "decision", decision_id, by)
    anchor_of(config, anchor).append(sealed)
    return made


def _not_disputed(wh: Warehouse, finding_ids: Sequence[str]) -> None:
    """A final adverse decision waits for the outcome of any dispute of the findings it rests on
    (``include.disputes``: the reinvestigation comes first)."""
    if not finding_ids:
        return
    marks = ", ".join("?" for _ in finding_ids)
    rows = wh.query(f"SELECT finding_id FROM discrepancies WHERE status = 'disputed' AND finding_id IN ({marks}) "
                    "ORDER BY finding_id", list(finding_ids))
    if rows:
        raise DecisionRefused(f"finding {rows[0]['finding_id']} is disputed by the candidate: record the dispute's "
                              "outcome (`crosscheck dispute outcome`) before a final adverse decision")


def _final_allowed(wh: Warehouse, previous: Decision | None, day: date) -> list[str]:
    """The findings of the pre-adverse decision a final adverse one follows; DecisionRefused if it may not."""
    if previous is None or previous.decision != "pre_adverse":
        raise DecisionRefused("a final adverse decision follows a pre-adverse notice: record and deliver one first"
                              + (f" (the latest decision is {previous.decision})" if previous else ""))
    until = waiting_until(wh, previous.decision_id)
    if until is None:
        raise DecisionRefused(f"the pre-adverse notice of decision {previous.decision_id[:12]} has not been "
                              "delivered: deliver it, then wait the waiting period")
    if day <= until:
        raise DecisionRefused(f"the waiting period after the pre-adverse notice runs until {until.isoformat()}: "
                              "a final adverse decision is possible from the next day")
    return list(previous.finding_ids or [])


__all__ = ["ADVERSE", "DECISIONS", "Decision", "DecisionRefused", "candidate_jurisdiction", "decision_by_id",
           "decisions_of", "latest_decision", "latest_decisions", "record_decision", "waiting_until"]
