"""Reading disputes (``finding_disputes`` and ``dispute_steps``, migration 014): each dispute with its steps
folded into its state. The writers are in ``include.disputes``; the report, the export and the dispute
file read through here, so they need nothing above the storage layer."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from include.warehouse.base import Warehouse

DISPUTES = "finding_disputes"
STEPS = "dispute_steps"
DUE_DAYS = 30  # FCRA 15 U.S.C. 1681i(a)(1)(A): the reinvestigation is done within 30 days of the dispute
OUTCOMES = ("upheld", "corrected", "withdrawn")


def have_disputes(wh: Warehouse) -> bool:
    """Whether the warehouse has the dispute tables (migration 014)."""
    tables = set(wh.tables())
    return DISPUTES in tables and STEPS in tables


def due_on(received: date) -> date:
    """The day the reinvestigation is due: 30 calendar days after the dispute was received."""
    return received + timedelta(days=DUE_DAYS)


def disputes(wh: Warehouse, candidate_id: str | None = None, finding_ids: list[str] | None = None,
             today: date | None = None) -> list[dict[str, Any]]:
    """Every dispute (of one candidate, or of these findings), oldest first, each with ``rereads`` (the
    runs that re-read the candidate's sources for it), ``outcome`` (the outcome step, or None), ``state``
    (``awaiting_reread`` | ``reinvestigated`` | ``closed``) and ``overdue`` (no outcome and ``due_on`` is
    before ``today``, default today in UTC)."""
    if not have_disputes(wh):
        return []
    if finding_ids is not None:
        rows = wh.query_in(f"SELECT * FROM {DISPUTES} WHERE finding_id IN ({{ids}})", list(finding_ids)) \
            if finding_ids else []
    elif candidate_id is not None:
        rows = wh.query(f"SELECT * FROM {DISPUTES} WHERE candidate_id = ?", [candidate_id])
    else:
        rows = wh.query(f"SELECT * FROM {DISPUTES}")
    if not rows:
        return []
    steps = wh.query_in(f"SELECT * FROM {STEPS} WHERE dispute_id IN ({{ids}})", [r["dispute_id"] for r in rows])
    by_dispute: dict[str, list[dict[str, Any]]] = {}
    for s in sorted(steps, key=lambda s: (str(s["step_at"]), s["step_id"])):
        by_dispute.setdefault(s["dispute_id"], []).append(s)
    day = (today or _today()).isoformat()
    out = []
    for r in sorted(rows, key=lambda r: (str(r["recorded_at"]), r["dispute_id"])):
        mine = by_dispute.get(r["dispute_id"], [])
        outcome = next((s for s in mine if s["kind"] == "outcome"), None)
        rereads = [s for s in mine if s["kind"] == "reread"]
        state = "closed" if outcome else "reinvestigated" if rereads else "awaiting_reread"
        out.append({**r, "rereads": rereads, "outcome": outcome, "state": state,
                    "overdue": outcome is None and str(r["due_on"]) < day})
    return out


def open_disputes(wh: Warehouse, today: date | None = None) -> list[dict[str, Any]]:
    """Disputes without an outcome, the most overdue first (by due day)."""
    rows = [d for d in disputes(wh, today=today) if d["outcome"] is None]
    return sorted(rows, key=lambda d: (str(d["due_on"]), str(d["recorded_at"])))


def open_dispute_of(wh: Warehouse, finding_id: str) -> dict[str, Any] | None:
    """The finding's dispute awaiting an outcome, or None."""
    return next((d for d in disputes(wh, finding_ids=[finding_id]) if d["outcome"] is None), None)


def awaiting_reread(wh: Warehouse) -> list[dict[str, Any]]:
    """Disputes without an outcome that no run has re-read yet."""
    return [d for d in disputes(wh) if d["state"] == "awaiting_reread"]


def _today() -> date:
    from datetime import UTC, datetime

    return datetime.now(UTC).date()
