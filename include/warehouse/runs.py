"""Runs and their manifests: the questions every reader of ``pipeline_runs`` asks, asked in one place.

The audit chain writes ``pipeline_runs`` (``include.audit.chain``); these only read it.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any, NamedTuple

from include.warehouse.base import Warehouse


class LatestRun(NamedTuple):
    run_id: str
    report_day: date


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def latest_run(wh: Warehouse) -> LatestRun | None:
    """The run sealed last (the highest chain position), or None when no run is recorded."""
    rows = wh.query("SELECT run_id, report_day FROM pipeline_runs ORDER BY seq DESC LIMIT 1")
    if not rows:
        return None
    day = _day(rows[0]["report_day"])
    if day is None:
        return None
    return LatestRun(str(rows[0]["run_id"]), day)


def previous_report_day(wh: Warehouse, report_day: date) -> date | None:
    """The latest report day before ``report_day`` with a run, or None on a first report."""
    rows = wh.query(
        "SELECT MAX(report_day) AS prev_day FROM pipeline_runs WHERE report_day < ?", [report_day.isoformat()]
    )
    return _day(rows[0]["prev_day"]) if rows else None


def sealed_manifest(wh: Warehouse, run_id: str) -> dict[str, Any] | None:
    """The manifest the run was sealed with, or None when it is not sealed (yet)."""
    rows = wh.query("SELECT manifest FROM pipeline_runs WHERE run_id = ?", [run_id])
    manifest = rows[0].get("manifest") if rows else None
    if isinstance(manifest, str):  # a JSON column comes back decoded; a TEXT one would not
        manifest = json.loads(manifest)
    return manifest if isinstance(manifest, dict) and manifest else None


def findings_of_run(wh: Warehouse, run_id: str) -> list[dict[str, Any]]:
    """The findings a run saw (its report's findings), open and cleared, by candidate and finding id."""
    return wh.query(
        "SELECT finding_id, candidate_id, application_id, kind, severity, summary, question, evidence, "
        "message, rule_version, status, first_seen_run, last_seen_run, cleared_reason, cleared_by, cleared_at "
        "FROM discrepancies WHERE last_seen_run = ? ORDER BY candidate_id, finding_id",
        [run_id],
    )
