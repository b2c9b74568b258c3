"""A pipeline run: its id, report day, working folder and manifest parts.

Each task writes its part of the run manifest as a small JSON file in the run folder; XCom only
carries the run info, paths and counts. The report DAG's last task assembles the parts, and the
audit chain seals them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from include.config import Config
from include.private import private_dir, write_private_text
from include.run_context import RunContext


def run_dir(config: Config, run: RunContext) -> Path:
    return private_dir(config.data_path() / "runs" / run.run_id, base=config.data_path())


def write_part(config: Config, run: RunContext, name: str, data: dict[str, Any]) -> Path:
    """Atomically, mode 0600: a run killed mid-write leaves the part whole or absent, so it can still be
    sealed as failed."""
    path = private_dir(run_dir(config, run) / "manifest") / f"{name}.json"
    return write_private_text(path, json.dumps(data, sort_keys=True, indent=1, default=str))


def read_parts(config: Config, run: RunContext) -> dict[str, Any]:
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
