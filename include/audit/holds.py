"""Legal hold: while a dispute is open, a candidate's data is neither erased on request nor by retention.

``place_hold`` and ``release_hold`` write ``legal_holds`` (a covered table: each is sealed, and anchored
with a key); ``refuse_erasure`` records an erasure request made during a hold in ``erasure_requests``
(sealed too) before ``erase_candidate`` refuses it with the hold's reason.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from include.audit import coverage


class OnHold(RuntimeError):
    """An erasure refused because the candidate is under legal hold; the request is recorded."""


class HoldError(ValueError):
    """A hold that cannot be placed or released (one line)."""


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _id(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()[:32]


def active_hold(wh: Any, candidate_id: str) -> dict[str, Any] | None:
    rows = wh.query("SELECT * FROM legal_holds WHERE candidate_id = ? AND released_at IS NULL "
                    "ORDER BY held_at LIMIT 1", [candidate_id])
    return rows[0] if rows else None


def held_candidates(wh: Any) -> set[str]:
    return {r["candidate_id"] for r in wh.query("SELECT candidate_id FROM legal_holds WHERE released_at IS NULL")}


def holds_of(wh: Any, candidate_id: str) -> list[dict[str, Any]]:
    return wh.query("SELECT * FROM legal_holds WHERE candidate_id = ? ORDER BY held_at", [candidate_id])


def requests_of(wh: Any, candidate_id: str) -> list[dict[str, Any]]:
    return wh.query("SELECT * FROM erasure_requests WHERE candidate_id = ? ORDER BY requested_at", [candidate_id])


def _held_at_all(wh: Any, candidate_id: str) -> bool:
    for table in ("candidates", "applications"):
        if wh.query(f"SELECT 1 AS x FROM {table} WHERE candidate_id = ? LIMIT 1", [candidate_id]):
            return True
    return False


def place_hold(wh: Any, candidate_id: str, reason: str, by: str, anchor: Any = None) -> dict[str, Any]:
    """Put the candidate under legal hold. ``KeyError`` when no data of theirs is held; ``HoldError`` for
    an empty reason or name, or a hold already in place."""
    if not reason.strip() or not by.strip():
        raise HoldError("--reason and --by must not be empty: say why the data must be kept and who decided it")
    with wh.transaction():
        wh.lock(coverage.LOCK)
        if not _held_at_all(wh, candidate_id):
            raise KeyError(f"no data held for candidate {candidate_id!r}: nothing to hold")
        old = active_hold(wh, candidate_id)
        if old:
            raise HoldError(f"candidate {candidate_id} is already under legal hold since {str(old['held_at'])[:10]} "
                            f"(by {old['held_by']})")
        at = _now()
        row: dict[str, Any] = {"hold_id": _id(candidate_id, at, by), "candidate_id": candidate_id, "reason": reason.strip(),
                               "held_by": by.strip(), "held_at": at, "released_by": None, "released_at": None}
        wh.upsert("legal_holds", [row], ["hold_id"])
        sealed = coverage.seal_locked(wh, "hold", str(row["hold_id"]), by.strip())
    if anchor is not None:
        anchor.append(sealed)
    return row


def release_hold(wh: Any, candidate_id: str, by: str, anchor: Any = None) -> dict[str, Any]:
    """Release the candidate's hold; ``HoldError`` when there is none."""
    if not by.strip():
        raise HoldError("--by must not be empty: name who releases the hold")
    with wh.transaction():
        wh.lock(coverage.LOCK)
        old = active_hold(wh, candidate_id)
        if old is None:
            raise HoldError(f"candidate {candidate_id} is not under legal hold")
        at = _now()
        wh.execute("UPDATE legal_holds SET released_by = ?, released_at = ? WHERE hold_id = ?",
                   [by.strip(), at, old["hold_id"]])
        sealed = coverage.seal_locked(wh, "release", old["hold_id"], by.strip())
    if anchor is not None:
        anchor.append(sealed)
    return {**old, "released_by": by.strip(), "released_at": at}


def refuse_erasure(wh: Any, candidate_id: str, by: str, hold: dict[str, Any], anchor: Any = None) -> OnHold:
    """Record the refused request (sealed) and return the error to raise."""
    at = _now()
    with wh.transaction():
        wh.lock(coverage.LOCK)
        wh.upsert("erasure_requests", [{"request_id": _id(candidate_id, at, by, "erasure"),
                                        "candidate_id": candidate_id, "requested_by": by.strip(),
                                        "requested_at": at, "outcome": "refused: legal hold",
                                        "hold_id": hold["hold_id"]}], ["request_id"])
        sealed = coverage.seal_locked(wh, "erasure_refused", hold["hold_id"], by.strip())
    if anchor is not None:
        anchor.append(sealed)
    return OnHold(f"candidate {candidate_id} is under legal hold since {str(hold['held_at'])[:10]} "
                  f"(by {hold['held_by']}: {hold['reason']}); erasure refused, the request is recorded")
