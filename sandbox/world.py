"""The sandbox's data set, as the generator wrote it (see WORLD.md beside this file)."""

from __future__ import annotations

import csv
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
_BUILD_LOCK = threading.RLock()  # re-entrant: one index may be built from another


@dataclass
class World:
    data: dict[str, Any]
    labels: list[dict[str, str]] = field(default_factory=list)
    # names.csv: employer names written in a real-world class (ticker, brand, script ...), see generator
    names: list[dict[str, str]] = field(default_factory=list, compare=False)
    # name -> (source object, its length when built, index or None when building it raised)
    _indexes: dict[str, tuple[Any, int, Any]] = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def load(cls, directory: Path | str) -> World:
        directory = Path(directory)
        data = json.loads((directory / "world.json").read_text(encoding="utf-8"))
        labels_path = directory / "labels.csv"
        labels = list(csv.DictReader(labels_path.open(encoding="utf-8"))) if labels_path.exists() else []
        names_path = directory / "names.csv"
        names = list(csv.DictReader(names_path.open(encoding="utf-8"))) if names_path.exists() else []
        return cls(data, labels, names)

    @cached_property
    def candidates_by_ats(self) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {"greenhouse": [], "lever": []}
        for c in self.data["candidates"]:
            out[c["ats"]].append(c)
        return out

    @cached_property
    def candidate_by_id(self) -> dict[tuple[str, str], dict[str, Any]]:
        return {(c["ats"], c["id"]): c for c in self.data["candidates"]}

    def index(self, name: str, source: Any, build: Callable[[], T]) -> T | None:
        """An index over ``source`` (a list or dict of ``data``), built once by ``build()``.

        The APIs use these so that a request costs what it answers, not the size of the world. An
        index is rebuilt when ``source`` is no longer the same object or its length changed (a test
        replaced or appended to a part of ``data``); after editing records in place, call
        :meth:`invalidate`. ``None`` means ``build()`` raised (a deliberately malformed world): the
        caller then answers the way it does without an index, so malformed records fail the same way.
        """
        entry = self._indexes.get(name)
        if entry is not None and entry[0] is source and entry[1] == len(source):
            return entry[2]  # type: ignore[no-any-return]
        with _BUILD_LOCK:
            entry = self._indexes.get(name)
            if entry is not None and entry[0] is source and entry[1] == len(source):
                return entry[2]  # type: ignore[no-any-return]
            size = len(source)
            try:
                value: T | None = build()
            except Exception:  # noqa: BLE001 - the un-indexed path reproduces the failure for the client
                value = None
            self._indexes[name] = (source, size, value)
            return value

    def invalidate(self) -> None:
        """Forget every index (and cached view) built from ``data``; they are rebuilt on next use."""
        with _BUILD_LOCK:
            self._indexes.clear()
            self.__dict__.pop("candidates_by_ats", None)
            self.__dict__.pop("candidate_by_id", None)
