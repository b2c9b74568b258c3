"""Retention: a candidate's data is erased once it is older than ``retention.candidate_days``.

The age of a candidate's data is that of their latest activity: the ATS's last change to the
candidate (``candidates.updated_at``) or to any of their applications (``applications.updated_at``,
``applied_at``). Expired candidates go through the same ``erase_candidate`` as an erasure request,
with ``by="retention"``, so the warehouse rows, landing records, findings files and reports go the same
way and the tombstone says why. Unlike an erasure on request, such a tombstone does not stop a later
application of the same person from being ingested (``is_erased``): new activity is new data.

A candidate with no parseable timestamp at all is not erased (its age is unknown); it is counted as
``undated`` so that the DAG run shows it. A candidate under legal hold (``include.audit.holds``) is not
erased however old their data is; they are counted as ``held``.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from include.audit.subject import RETENTION, erase_candidate
from include.warehouse import Warehouse

log = logging.getLogger("crosscheck.retention")


class RetentionError(RuntimeError):
    """Some expired candidates could not be erased; the others were. Carries the counts."""

    def __init__(self, counts: dict[str, Any]) -> None:
        self.counts = counts
        super().__init__(f"retention: {counts['failed']} of {counts['expired']} expired candidates could not be "
                         f"erased ({', '.join(counts['errors'])}); the other {counts['erased']} were")


def parse_time(value: Any) -> datetime | None:
    """An ISO timestamp or date (as the sources write them) as an aware UTC datetime; None if unreadable."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def last_activity(wh: Warehouse) -> dict[str, datetime | None]:
    """Each stored candidate's latest activity (None when no timestamp of theirs can be read)."""
    out: dict[str, datetime | None] = {}
    for r in wh.query("SELECT candidate_id, updated_at FROM candidates"):
        out[r["candidate_id"]] = parse_time(r["updated_at"])
    for r in wh.query("SELECT candidate_id, updated_at, applied_at FROM applications"):
        if r["candidate_id"] not in out:
            continue  # an application without its candidate row: nothing personal to age
        for t in (parse_time(r["updated_at"]), parse_time(r["applied_at"])):
            current = out[r["candidate_id"]]
            if t is not None and (current is None or t > current):
                out[r["candidate_id"]] = t
    return out


def expired_candidates(wh: Warehouse, days: int, now: datetime) -> tuple[list[str], list[str]]:
    """(candidates whose latest activity is before ``now - days``, candidates with no readable date)."""
    cutoff = (now if now.tzinfo else now.replace(tzinfo=UTC)) - timedelta(days=days)
    activity = last_activity(wh)
    expired = sorted(cid for cid, t in activity.items() if t is not None and t < cutoff)
    undated = sorted(cid for cid, t in activity.items() if t is None)
    return expired, undated


def purge_expired(wh: Warehouse, config: Any, now: datetime) -> dict[str, Any]:
    """Erase every candidate whose data is older than ``config.retention.candidate_days`` at ``now``.

    Returns counts (no personal data). Every expired candidate is tried; if any failed, raises
    ``RetentionError`` (with the counts) after the others were erased, so the task fails visibly.
    Running it again at the same ``now`` erases nothing more.
    """
    from include.audit.anchor import anchor_for
    from include.audit.files import rerender_latest_report
    from include.audit.holds import held_candidates

    days = config.retention.candidate_days
    now = now if now.tzinfo else now.replace(tzinfo=UTC)
    anchor = anchor_for(config)
    expired, undated = expired_candidates(wh, days, now)
    held = held_candidates(wh)
    on_hold = [cid for cid in expired if cid in held]
    expired = [cid for cid in expired if cid not in held]
    counts: dict[str, Any] = {
        "now": now.isoformat(timespec="seconds"),
        "cutoff": (now - timedelta(days=days)).isoformat(timespec="seconds"),
        "candidate_days": days,
        "candidates": len(wh.query("SELECT candidate_id FROM candidates")),
        "expired": len(expired),
        "undated": len(undated),
        "held": len(on_hold),
        "erased": 0,
        "failed": 0,
        "errors": [],
        "rows": {},
        "files_rewritten": 0,
        "files_deleted": 0,
        "findings": 0,
        "residual": 0,
        "reports_rerendered": [],
    }
    deleted_reports: list[Path] = []
    for cid in expired:
        try:
            report = erase_candidate(wh, cid, config.landing_path(), RETENTION, data_root=config.data_path(),
                                     anchor=anchor)
        except KeyError:  # gone since the list was made (erased on request meanwhile)
            continue
        except Exception as exc:  # noqa: BLE001 - try the others; the task fails at the end
            counts["failed"] += 1
            counts["errors"].append(type(exc).__name__)
            log.warning("retention: erasing an expired candidate failed (%s)", type(exc).__name__)
            continue
        counts["erased"] += 1
        for table, n in report["tables"].items():
            counts["rows"][table] = counts["rows"].get(table, 0) + int(n)
        for f in report["files"]:
            if f.get("deleted"):
                counts["files_deleted"] += 1
                deleted_reports.append(Path(f["path"]))
            else:
                counts["files_rewritten"] += 1
        counts["findings"] += len(report["findings"])
        counts["residual"] += bool(report["residual"] or report.get("residual_files"))
    if deleted_reports:
        counts["reports_rerendered"] = rerender_latest_report(wh, config, deleted_reports)
    log.info("retention: %d of %d candidates expired (cutoff %s), %d erased, %d undated, %d kept under legal hold",
             counts["expired"] + counts["held"], counts["candidates"], counts["cutoff"], counts["erased"],
             counts["undated"], counts["held"])
    if counts["failed"]:
        counts["errors"] = sorted(set(counts["errors"]))
        raise RetentionError(counts)
    return counts
