"""A candidate's dispute of a finding (docs/DISPUTES.md).

* **Recorded**: what the candidate says (``statement``), the day it was received, who recorded it. The
  finding's ``status`` becomes ``disputed``: neither open nor cleared. Its reinvestigation is due 30
  calendar days after the dispute was received (FCRA 15 U.S.C. 1681i(a)(1)).
* **Re-read**: the next run re-reads every source of the candidate in full, whatever any cache or
  incremental read would skip (``candidates_to_reread``, ``employers_to_reread``: ingest asks), checks
  them again and records, per dispute, what it found: the same evidence, changed evidence, or the finding
  gone (``record_rereads``). A run's re-check never resets a disputed finding to open.
* **Outcome**: HR records ``upheld`` (the finding stands: open again), ``corrected`` (the finding is
  cleared, the outcome's reason as the clearance's reason; it reopens if its evidence changes again, like
  any clearance) or ``withdrawn`` (the candidate withdrew the dispute: open again).

Rows of ``finding_disputes`` and ``dispute_steps`` are written once, never updated, and sealed in the audit
trail (``include.audit.coverage``) in the transaction that writes them (a re-read by the run's seal). A
disputed finding stays among its candidate's level reasons, marked ``disputed`` (``include.levels``): the
question is not answered yet, so the level that calls for action before an offer stands.
The statement is personal data: it is never logged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from include.findings import UnstorableText, rerender_latest_report
from include.warehouse import Warehouse
from include.warehouse.disputes import (
    DISPUTES,
    OUTCOMES,
    STEPS,
    awaiting_reread,
    disputes,
    due_on,
    have_disputes,
    open_dispute_of,
)

__all__ = ["OUTCOMES", "DisputeError", "candidates_to_reread", "disputes", "employers_to_reread",
           "record_dispute", "record_outcome", "record_rereads"]


class DisputeError(ValueError):
    """A dispute action refused: the finding is not in a state that allows it (one line, says why)."""


def _check_text(**texts: str) -> None:
    for what, text in texts.items():
        if not text or not text.strip():
            raise ValueError(f"{what.replace('_', ' ')} is required")
        if "\0" in text:
            raise UnstorableText(f"{what.replace('_', ' ')} holds a NUL character, which cannot be stored: remove it")


def _id(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def _seal(wh: Warehouse, kind: str, ref: str, by: str) -> dict[str, Any]:
    from include.audit.coverage import LOCK, seal_locked

    wh.lock(LOCK)
    return seal_locked(wh, kind, ref, by)


def record_dispute(wh: Warehouse, finding_id: str, statement: str, received_on: date, by: str,
                   anchor: Any = None, today: date | None = None) -> dict[str, Any]:
    """Record a candidate's dispute of an open finding; the finding becomes ``disputed``. Returns the
    dispute's row. Sealed in the audit trail (``dispute``); with ``anchor``, its head is signed.

    Raises ``KeyError`` for an unknown finding; ``ValueError`` for an empty statement or name, or a day
    received after ``today`` (UTC); ``DisputeError`` for a finding already disputed or cleared;
    ``UnstorableText`` for a NUL character.
    """
    _check_text(finding_id=finding_id, statement=statement, the_name_of_who_records_it=by)
    if received_on > (today or datetime.now(UTC).date()):
        raise ValueError(f"the dispute's day of receipt {received_on.isoformat()} is in the future")
    if not have_disputes(wh):
        raise DisputeError("the warehouse has no dispute tables: run `crosscheck migrate`")
    with wh.transaction():
        rows = wh.query("SELECT candidate_id, evidence_digest, status FROM discrepancies WHERE finding_id = ?",
                        [finding_id])
        if not rows:
            raise KeyError(f"no finding with id {finding_id!r}")
        status = rows[0]["status"]
        if status == "disputed":
            raise DisputeError(f"finding {finding_id} is already disputed: record that dispute's outcome first")
        if status != "open":
            raise DisputeError(f"finding {finding_id} is {status}: only an open finding can be disputed "
                               "(reopen it first if the candidate disputes its clearance)")
        at = datetime.now(UTC).isoformat()
        row = {"dispute_id": _id(finding_id, at, by, statement), "finding_id": finding_id,
               "candidate_id": rows[0]["candidate_id"], "statement": statement.strip(),
               "received_on": received_on.isoformat(), "due_on": due_on(received_on).isoformat(),
               "recorded_by": by.strip(), "recorded_at": at, "evidence_digest": rows[0]["evidence_digest"],
               "status_before": status}
        changed = wh.execute("UPDATE discrepancies SET status = 'disputed' WHERE finding_id = ? AND status = 'open'",
                             [finding_id])
        if changed == 0:  # another writer changed it since the read above
            raise DisputeError(f"finding {finding_id} changed meanwhile: try again")
        wh.upsert(DISPUTES, [row], ["dispute_id"])
        sealed = _seal(wh, "dispute", row["dispute_id"], by.strip())
    if anchor is not None:
        anchor.append(sealed)
    return row


def record_outcome(wh: Warehouse, finding_id: str, outcome: str, reason: str, by: str,
                   anchor: Any = None) -> dict[str, Any]:
    """HR's outcome of a finding's dispute: ``upheld`` or ``withdrawn`` (the finding is open again) or
    ``corrected`` (the finding is cleared, with ``reason`` as the clearance's reason). Returns the step.

    Raises ``KeyError`` for an unknown finding; ``ValueError`` for an unknown outcome, an empty reason or
    name; ``DisputeError`` when the finding has no dispute awaiting an outcome; ``UnstorableText``.
    """
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}, not {outcome!r}")
    _check_text(finding_id=finding_id, reason=reason, the_name_of_who_decides=by)
    with wh.transaction():
        rows = wh.query("SELECT candidate_id, evidence_digest, status FROM discrepancies WHERE finding_id = ?",
                        [finding_id])
        if not rows:
            raise KeyError(f"no finding with id {finding_id!r}")
        dispute = open_dispute_of(wh, finding_id)
        if dispute is None or rows[0]["status"] != "disputed":
            raise DisputeError(f"finding {finding_id} is {rows[0]['status']}, with no dispute awaiting an outcome")
        at = datetime.now(UTC).isoformat()
        why, who = reason.strip(), by.strip()
        if outcome == "corrected":
            changed = wh.execute("UPDATE discrepancies SET status = 'cleared', cleared_reason = ?, cleared_by = ?, "
                                 "cleared_at = ? WHERE finding_id = ? AND status = 'disputed'",
                                 [why, who, at, finding_id])
            wh.upsert("finding_clearances", [{
                "clearance_id": _id(finding_id, at, by, reason), "finding_id": finding_id,
                "candidate_id": rows[0]["candidate_id"], "evidence_digest": rows[0]["evidence_digest"],
                "reason": why, "cleared_by": who, "cleared_at": at, "reopened_run": None, "reopened_at": None,
                "reopened_evidence_digest": None}], ["clearance_id"])
        else:
            changed = wh.execute("UPDATE discrepancies SET status = 'open' WHERE finding_id = ? AND status = 'disputed'",
                                 [finding_id])
        if changed == 0:  # another outcome was recorded since the read above (only one row changes)
            raise DisputeError(f"the dispute of finding {finding_id} was decided meanwhile")
        step = {"step_id": _id(dispute["dispute_id"], "outcome", at), "dispute_id": dispute["dispute_id"],
                "finding_id": finding_id, "candidate_id": rows[0]["candidate_id"], "kind": "outcome",
                "step_at": at, "actor": who, "run_id": None, "evidence": None,
                "evidence_digest": rows[0]["evidence_digest"], "outcome": outcome, "reason": why}
        wh.upsert(STEPS, [step], ["step_id"])
        sealed = _seal(wh, "dispute-outcome", dispute["dispute_id"], who)
    if anchor is not None:
        anchor.append(sealed)
    return step


def candidates_to_reread(wh: Warehouse) -> set[str]:
    """Candidates with a dispute no run has re-read yet: ingest reads every source of theirs in full,
    whatever a cache or an incremental read would skip."""
    return {str(d["candidate_id"]) for d in awaiting_reread(wh) if d.get("candidate_id")}


def employers_to_reread(wh: Warehouse) -> list[str]:
    """The employer names on the resumes of ``candidates_to_reread``: looked up in the registries again,
    past the registry cache."""
    ids = sorted(candidates_to_reread(wh))
    if not ids:
        return []
    rows = wh.query_in("SELECT DISTINCT employer FROM employments WHERE candidate_id IN ({ids})", ids)
    return sorted({str(r["employer"]) for r in rows if r.get("employer")})


def reread_plan(wh: Warehouse) -> list[dict[str, str]]:
    """What this run's ingest re-reads for disputes: ``[{"dispute_id", "candidate_id"}]`` (no personal data)."""
    return [{"dispute_id": str(d["dispute_id"]), "candidate_id": str(d["candidate_id"])}
            for d in awaiting_reread(wh) if d.get("candidate_id")]


def record_rereads(wh: Warehouse, run_id: str, plan: Iterable[dict[str, str]], checked: set[str]) -> int:
    """After run ``run_id`` wrote its findings: for each planned dispute still awaiting a re-read whose
    candidate the run checked, record what the re-read found: ``same`` evidence, ``changed`` evidence,
    or ``gone`` (the run no longer produced the finding). Returns the steps written. The run's seal
    takes them into the audit trail."""
    planned = {p["dispute_id"] for p in plan if p.get("candidate_id") in checked}
    if not planned or not have_disputes(wh):
        return 0
    at = datetime.now(UTC).isoformat()
    steps = []
    for d in awaiting_reread(wh):
        if d["dispute_id"] not in planned:
            continue
        rows = wh.query("SELECT evidence_digest, last_seen_run FROM discrepancies WHERE finding_id = ?",
                        [d["finding_id"]])
        if not rows or rows[0]["last_seen_run"] != run_id:
            evidence, digest = "gone", None
        else:
            digest = rows[0]["evidence_digest"]
            evidence = "same" if digest == d["evidence_digest"] else "changed"
        steps.append({"step_id": _id(d["dispute_id"], "reread", run_id), "dispute_id": d["dispute_id"],
                      "finding_id": d["finding_id"], "candidate_id": d["candidate_id"], "kind": "reread",
                      "step_at": at, "actor": None, "run_id": run_id, "evidence": evidence,
                      "evidence_digest": digest, "outcome": None, "reason": None})
    if steps:
        with wh.transaction():
            wh.upsert(STEPS, steps, ["step_id"])
    return len(steps)


@dataclass(frozen=True)
class Done:
    """What an action did: its row, and the report files rendered again (or why not)."""

    row: dict[str, Any]
    reports: tuple[str, ...]
    render_error: str | None = None


def _after(wh: Warehouse, finding_id: str, row: dict[str, Any], config: Any) -> Done:
    from include.findings import _refresh_level

    _refresh_level(wh, finding_id)
    try:
        return Done(row, tuple(rerender_latest_report(wh, config)))
    except OSError as exc:
        return Done(row, (), f"{type(exc).__name__}: {exc.strerror or exc}")


def dispute_and_rerender(wh: Warehouse, finding_id: str, statement: str, received_on: date, by: str,
                         config: Any) -> Done:
    """``record_dispute`` as HR does it (the HR page, ``crosscheck dispute record``): signed with the
    configured key, the candidate's level refreshed, the latest report's files rendered again."""
    from include.audit.anchor import anchor_for

    row = record_dispute(wh, finding_id, statement, received_on, by, anchor_for(config))
    return _after(wh, finding_id, row, config)


def outcome_and_rerender(wh: Warehouse, finding_id: str, outcome: str, reason: str, by: str, config: Any) -> Done:
    """``record_outcome`` as HR does it (the HR page, ``crosscheck dispute outcome``)."""
    from include.audit.anchor import anchor_for

    step = record_outcome(wh, finding_id, outcome, reason, by, anchor_for(config))
    return _after(wh, finding_id, step, config)
