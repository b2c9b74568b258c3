"""The raw landing zone: every response body as it came, gzip JSON lines, hashed.

Layout: ``<root>/<source>/<report_day>/<run_id>/<part>.jsonl.gz``; each line is
``{"url", "status", "fetched_at", "body"}`` with the URL redacted. The sha256 of every file is
recorded for the run manifest so that each finding traces back to what was read.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from connectors.http import Payload
from include.private import open_private, private_dir

PART_BYTES = 8 * 1024 * 1024  # roll over to a new part after this much raw body


@dataclass
class LandedFile:
    path: str
    sha256: str
    records: int
    bytes: int


@dataclass
class Lander:
    root: Path
    source: str
    report_day: str
    run_id: str
    task: str = "main"  # distinguishes parallel writers (mapped tasks) of one source
    files: list[LandedFile] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._fh: gzip.GzipFile | None = None
        self._raw: Any = None
        self._path: Path | None = None
        self._records = 0
        self._bytes = 0
        self._part = 0

    @property
    def directory(self) -> Path:
        return Path(self.root) / self.source / self.report_day / self.run_id

    def __call__(self, payload: Payload) -> None:
        line = json.dumps({"url": payload.url, "status": payload.status, "fetched_at": payload.fetched_at,
                           "body": payload.body.decode("utf-8", errors="replace")}, ensure_ascii=False)
        with self._lock:
            if self._fh is None or self._bytes >= PART_BYTES:
                self._roll()
            assert self._fh is not None
            self._fh.write(line.encode() + b"\n")
            self._records += 1
            self._bytes += len(payload.body)

    def _roll(self) -> None:
        self._close_part()
        private_dir(self.directory, base=self.root)  # 0700 from the source's folder down
        self._part += 1
        self._path = self.directory / f"{self.task}-{self._part:04d}.jsonl.gz"
        self._raw = open(open_private(self._path), "wb")  # noqa: SIM115 - closed in _close_part
        # mtime=0 keeps the file byte-identical for identical content (reproducible hashes)
        self._fh = gzip.GzipFile(filename=str(self._path), mode="wb", fileobj=self._raw, mtime=0)
        self._records = self._bytes = 0

    def _close_part(self) -> None:
        if self._fh is not None and self._path is not None:
            self._fh.close()
            self._raw.close()
            digest = hashlib.sha256(self._path.read_bytes()).hexdigest()
            self.files.append(LandedFile(str(self._path), digest, self._records, self._bytes))
            self._fh = None

    def current_path(self) -> str:
        """The part file being written (or the first one written): where a record read just now landed."""
        with self._lock:
            path = self._path or (Path(self.files[0].path) if self.files else None)
        return str(path) if path else ""

    def close(self) -> list[LandedFile]:
        with self._lock:
            self._close_part()
        return self.files


def read_landed(path: str | Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
