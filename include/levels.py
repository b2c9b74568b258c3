"""One level per candidate: what HR decides on before an offer.

A disputed finding (``include.disputes``) stays a reason, marked ``"disputed": true``, until its outcome.

* **red**: at least one open red finding (a non-compete that plausibly binds, a fabricated employer ...);
  it needs action before an offer.
* **yellow**: open yellow findings, or an offer whose start date leaves more than
  ``NOTICE_DAYS_YELLOW`` days of notice after the offer (a staged start to plan for).
* **blue**: the normal path.

A level never replaces the findings: each reason names the finding (or the fact) behind it, and each
finding stays a question for the candidate. Levels are stored per run in ``candidate_levels``: written
after a run's findings (``include.pipeline.check.write_findings``) and again when HR clears a finding.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from include.warehouse import Warehouse
from include.warehouse.base import now_iso

LEVELS: tuple[str, ...] = ("red", "yellow", "blue")
NOTICE_DAYS_YELLOW = 15
TABLE = "candidate_levels"
RECRUITING_EVENTS = "recruiting_events"  # the recruiting timeline, when that migration is present
# offer statuses that leave no offer standing (Greenhouse: rejected, deprecated; Lever: denied)
DEAD_OFFERS = frozenset({"rejected", "deprecated", "denied", "declined", "withdrawn"})


@dataclass
class Level:
    candidate_id: str
    level: str
    reasons: list[dict[str, Any]] = field(default_factory=list)


def level_of(candidate_id: str, open_findings: Iterable[dict[str, Any]], notice: dict[str, Any] | None) -> Level:
    """The level of one candidate from their open findings and their offer's notice (or None)."""
    reasons: list[dict[str, Any]] = []
    severities = set()
    for f in sorted(open_findings, key=lambda r: (LEVELS.index(r["severity"]) if r["severity"] in LEVELS else 3,
                                                   str(r["finding_id"]))):
        if f["severity"] not in ("red", "yellow"):
            continue
        severities.add(f["severity"])
        reason = {"reason": "finding", "finding_id": f["finding_id"], "kind": f["kind"], "severity": f["severity"]}
        if f.get("status") == "disputed":  # still a reason: the question is not answered until the outcome
            reason["disputed"] = True
        reasons.append(reason)
    if notice is not None and notice["notice_days"] > NOTICE_DAYS_YELLOW:
        severities.add("yellow")
        reasons.append({"reason": "notice", "severity": "yellow", **notice})
    level = "red" if "red" in severities else "yellow" if "yellow" in severities else "blue"
    return Level(candidate_id, level, reasons)


def _day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def offer_notices(wh: Warehouse, candidate_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Candidate id -> the notice their latest offer leaves: {"offered_on", "starts_on", "notice_days"}.

    Read from the recruiting timeline (``recruiting_events``, kind ``offer``, ``detail.starts_at``) when
    the warehouse has it; an offer without a start date, a rejected or withdrawn one, or a warehouse
    without the timeline, gives none.
    The notice runs from the day the offer was accepted (else sent, else created) to the start date.
    """
    if not candidate_ids or RECRUITING_EVENTS not in wh.tables():
        return {}
    rows = wh.query_in(
        f"SELECT candidate_id, record_id, version, occurred_at, detail FROM {RECRUITING_EVENTS} "
        "WHERE kind = 'offer' AND candidate_id IN ({ids})",
        list(candidate_ids),
    )
    rows.sort(key=lambda r: (str(r.get("occurred_at") or ""), int(r.get("version") or 0)))
    out: dict[str, dict[str, Any]] = {}
    for r in rows:  # the newest offer event of each candidate wins
        detail = r.get("detail") or {}
        if isinstance(detail, str):
            detail = json.loads(detail)
        if not isinstance(detail, dict):
            continue
        if str(detail.get("status") or "").lower() in DEAD_OFFERS:
            out.pop(r["candidate_id"], None)  # the newest offer fell through: no notice to plan for
            continue
        starts = _day(detail.get("starts_at"))
        offered = next((d for d in (_day(detail.get(k)) for k in ("resolved_at", "sent_at", "created_at")) if d),
                       None)
        if starts is None or offered is None:
            out.pop(r["candidate_id"], None)
            continue
        out[r["candidate_id"]] = {"offered_on": offered.isoformat(), "starts_on": starts.isoformat(),
                                  "notice_days": (starts - offered).days}
    return out


def compute_levels(wh: Warehouse, run_id: str, candidate_ids: Sequence[str]) -> list[Level]:
    """The levels of these candidates from the findings run ``run_id`` saw and are still open."""
    ids = sorted(set(candidate_ids))
    if not ids:
        return []
    rows = wh.query_in(
        "SELECT finding_id, candidate_id, kind, severity, status FROM discrepancies "
        "WHERE candidate_id IN ({ids}) AND last_seen_run = ? AND status IN ('open', 'disputed')",
        ids, [run_id],
    )
    by_candidate: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_candidate.setdefault(r["candidate_id"], []).append(r)
    notices = offer_notices(wh, ids)
    return [level_of(cid, by_candidate.get(cid, []), notices.get(cid)) for cid in ids]


def store_levels(wh: Warehouse, run_id: str, candidate_ids: Sequence[str]) -> dict[str, int]:
    """Compute and store the levels of these candidates for run ``run_id``; the count per level."""
    levels = compute_levels(wh, run_id, candidate_ids)
    at = now_iso()
    with wh.transaction():
        wh.upsert(TABLE, [{"run_id": run_id, "candidate_id": lv.candidate_id, "level": lv.level,
                           "reasons": lv.reasons, "computed_at": at} for lv in levels], ["run_id", "candidate_id"])
    counts = {lv: 0 for lv in LEVELS}
    for lv in levels:
        counts[lv.level] += 1
    return counts


def refresh_candidate(wh: Warehouse, run_id: str, candidate_id: str) -> None:
    """Recompute one candidate's stored level for a run (after HR clears one of their findings)."""
    if wh.query(f"SELECT 1 AS x FROM {TABLE} WHERE run_id = ? AND candidate_id = ?", [run_id, candidate_id]):
        store_levels(wh, run_id, [candidate_id])


def levels_of_run(wh: Warehouse, run_id: str) -> dict[str, dict[str, Any]]:
    """Candidate id -> {"level", "reasons"} as stored for run ``run_id``."""
    rows = wh.query(f"SELECT candidate_id, level, reasons FROM {TABLE} WHERE run_id = ?", [run_id])
    return {r["candidate_id"]: {"level": r["level"], "reasons": r["reasons"] or []} for r in rows}
