"""The review feed's read state (``review_reads``, migration 017): per employer (its trimmed, case-folded
name) the day its last read reached. ``include.ingest.review_plan`` decides from it whom a run asks;
``include.pipeline.ingest.ingest_reviews`` writes it with the reviews it stored."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from include.warehouse.base import Warehouse

COLUMNS = ("employer", "read_day", "run_id")
LEGACY = ("reviews", "reviews")  # the single watermark (source, stream) the table replaces


def read_days(wh: Warehouse) -> dict[str, str]:
    """employer key -> the day its last read reached."""
    return {r["employer"]: r["read_day"] for r in wh.query("SELECT employer, read_day FROM review_reads")}


def record_reads(wh: Warehouse, rows: Sequence[dict[str, Any]]) -> int:
    """Upsert state rows (each with every column of ``COLUMNS``)."""
    return wh.upsert("review_reads", [{k: r.get(k) for k in COLUMNS} for r in rows], ["employer"])


def legacy_watermark(wh: Warehouse) -> dict[str, Any] | None:
    """The single review watermark of the code before migration 017 (value, run_id, updated_at), if any."""
    rows = wh.query("SELECT value, run_id, updated_at FROM watermarks WHERE source = ? AND stream = ?", list(LEGACY))
    return rows[0] if rows and rows[0]["value"] else None


def drop_legacy_watermark(wh: Warehouse) -> None:
    wh.execute("DELETE FROM watermarks WHERE source = ? AND stream = ?", list(LEGACY))


def runs_done_by(wh: Warehouse, moment: str) -> set[str]:
    """The runs sealed (``pipeline_runs.ended_at``) no later than ``moment`` (ISO, UTC)."""
    return {r["run_id"] for r in wh.query("SELECT run_id FROM pipeline_runs WHERE ended_at <= ?", [moment])}
