"""A pipeline run: its id, report day, working folder and manifest parts.

Each task writes its part of the run manifest as a small JSON file in the run folder; XCom only
carries the run info, paths and counts. The report DAG's last task assembles the parts, and the
audit chain seals them.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from include.config import Config


@dataclass(frozen=True)
class RunInfo:
    run_id: str
    report_day: str  # ISO date: "today" for every rule

    @classmethod
    def new(cls, report_day: str | date) -> RunInfo:
        day = report_day if isinstance(report_day, str) else report_day.isoformat()
        date.fromisoformat(day)  # fail early on a bad day
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        return cls(f"cc-{day}-{stamp}-{secrets.token_hex(2)}", day)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunInfo:
        return cls(str(data["run_id"]), str(data["report_day"]))

    def to_dict(self) -> dict[str, str]:
        return asdict(self)

    @property
    def day(self) -> date:
        return date.fromisoformat(self.report_day)

    @property
    def end_of_day(self) -> datetime:
        """Ingestion reads everything updated up to the end of the report day (UTC)."""
        return datetime.combine(self.day + timedelta(days=1), time.min, tzinfo=UTC)


def run_dir(config: Config, run: RunInfo) -> Path:
    path = config.data_path() / "runs" / run.run_id
    path.mkdir(parents=True, exist_ok=True)
    return path


def landing_root(config: Config) -> Path:
    return config.data_path() / "landing"


def write_part(config: Config, run: RunInfo, name: str, data: dict[str, Any]) -> Path:
    path = run_dir(config, run) / "manifest" / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, sort_keys=True, indent=1, default=str), encoding="utf-8")
    return path


def read_parts(config: Config, run: RunInfo) -> dict[str, Any]:
    folder = run_dir(config, run) / "manifest"
    if not folder.exists():
        return {}
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))}


MAX_CHUNKS = 128  # mapped task instances per step; Airflow refuses more than [core] max_map_length (1024)


def chunks(items: list[Any], size: int, max_chunks: int = MAX_CHUNKS) -> list[list[Any]]:
    """Fan-out units for dynamic task mapping: chunks of ``size`` items, never one task per candidate.

    Big runs get bigger chunks instead of more of them: at most ``max_chunks`` (as evenly filled as
    ``size`` allows), so 100k candidates map to 128 task instances, not 3,125, and the per-task
    start-up cost stays a fixed share of the run.
    """
    if len(items) > size * max_chunks:
        size = -(-len(items) // max_chunks)
    return [items[i : i + size] for i in range(0, len(items), size)]
