"""The sandbox's data set, as the generator wrote it (see WORLD.md beside this file)."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any


@dataclass
class World:
    data: dict[str, Any]
    labels: list[dict[str, str]] = field(default_factory=list)

    @classmethod
    def load(cls, directory: Path | str) -> World:
        directory = Path(directory)
        data = json.loads((directory / "world.json").read_text(encoding="utf-8"))
        labels_path = directory / "labels.csv"
        labels = list(csv.DictReader(labels_path.open(encoding="utf-8"))) if labels_path.exists() else []
        return cls(data, labels)

    @cached_property
    def candidates_by_ats(self) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {"greenhouse": [], "lever": []}
        for c in self.data["candidates"]:
            out[c["ats"]].append(c)
        return out

    @cached_property
    def candidate_by_id(self) -> dict[tuple[str, str], dict[str, Any]]:
        return {(c["ats"], c["id"]): c for c in self.data["candidates"]}
