"""Stream a registry snapshot file into ``registry_entities`` and ``registry_names``.

The file is read row by row (``csv``; a ``.zip`` member is streamed, never unpacked) and written
in batches of ``batch_size`` entities through session temp tables: one INSERT ... ON CONFLICT per
table and batch, and a DELETE of the names an entity no longer has. Every value written depends
only on the file (``fetched_at`` and ``run_id`` come from the snapshot's date), so loading the same
file twice leaves the same state. Parents found by API look-ups are kept: a snapshot never
overwrites ``parent_ids``. A malformed row is counted under its reason, quarantined (up to
``MAX_QUARANTINED`` per file, with its line number) and skipped.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import logging
import re
import time
import zipfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from include.config import IN_CHECKOUT, PROJECT_ROOT
from include.engine.names import normalise_company
from include.models import RegistryEntity
from include.snapshots import companies_house, gleif, gleif_rr
from include.snapshots.companies_house import MalformedRow
from include.warehouse import Warehouse
from include.warehouse.bulk import drop_temp_table, fill_temp_table

log = logging.getLogger("crosscheck.snapshots")

SNAPSHOT_DIR = PROJECT_ROOT / ".var" / "snapshots"  # a checkout's; installed: <data_dir>/snapshots
BATCH_SIZE = 10_000
MAX_QUARANTINED = 1000
FORMATS = {"companies_house": companies_house, "gleif": gleif}
ENTITY_COLUMNS = (
    ("entity_id", "TEXT"),
    ("registry", "TEXT"),
    ("legal_name", "TEXT"),
    ("status", "TEXT"),
    ("created", "TEXT"),
    ("dissolved", "TEXT"),
    ("jurisdiction", "TEXT"),
    ("industry_codes", "TEXT"),
    ("record_url", "TEXT"),
    ("fetched_at", "TEXT"),
    ("run_id", "TEXT"),
)
NAME_COLUMNS = (
    ("entity_id", "TEXT"),
    ("name", "TEXT"),
    ("kind", "TEXT"),
    ("language", "TEXT"),
    ("normalized", "TEXT"),
    ("position", "INTEGER"),
)
_DATE_IN_NAME = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})")


@dataclass
class LoadReport:
    path: str
    registry: str
    snapshot_date: str
    rows_read: int = 0
    entities: int = 0
    names: int = 0
    relationships: int = 0  # parent links kept (the GLEIF Level 2 file)
    parents_applied: int = 0  # entities whose parent_ids were set from the relationships
    duplicates: int = 0  # a later row for the same entity in the same file (the later one wins)
    malformed: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@contextmanager
def open_snapshot(path: str | Path) -> Iterator[IO[str]]:
    """The CSV text of a snapshot, streamed: a plain file, or the first ``.csv`` inside a ``.zip``."""
    p = Path(path)
    if zipfile.is_zipfile(p):
        with zipfile.ZipFile(p) as zf:
            members = [m for m in zf.namelist() if m.lower().endswith(".csv")]
            if not members:
                raise ValueError(f"{p.name}: no .csv inside the zip")
            with zf.open(members[0]) as raw:
                yield io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
    else:
        with p.open(encoding="utf-8-sig", errors="replace", newline="") as fh:
            yield fh


def snapshot_date(path: str | Path) -> str:
    """The date a snapshot file is named after (``...-2026-02-01.csv``, ``20260201-0800-...``), else its mtime."""
    m = _DATE_IN_NAME.search(Path(path).name)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
        except ValueError:
            pass
    return datetime.fromtimestamp(Path(path).stat().st_mtime, UTC).date().isoformat()


def detect_registry(header: list[str]) -> str:
    if gleif_rr.is_header(header):
        return RELATIONSHIPS
    for registry, fmt in FORMATS.items():
        if fmt.is_header(header):
            return registry
    raise ValueError("not a Companies House basic company data file nor a GLEIF golden copy (unknown header)")


RELATIONSHIPS = "gleif_rr"
RR_COLUMNS = (("child_id", "TEXT"), ("kind", "TEXT"), ("parent_id", "TEXT"), ("snapshot_date", "TEXT"))


def load_relationships(wh: Warehouse, reader: Any, index: dict[str, int], report: LoadReport, p: Path,
                       batch_size: int, quarantined: list[dict[str, Any]], reasons: Counter[str]) -> None:
    """The golden copy's Level 2 file replaces ``registry_relationships`` (it is a full file), then parents
    are applied to the entities. Rows stating no parent we use (inactive, branches) are counted, not kept."""
    day = report.snapshot_date
    run_id = f"snapshot:{RELATIONSHIPS}:{day}"
    at = f"{day}T00:00:00+00:00"
    with wh.transaction():
        wh.execute("DELETE FROM registry_relationships")
        batch: dict[tuple[str, str], tuple] = {}
        for values in reader:
            if not values:
                continue
            report.rows_read += 1
            try:
                rel = gleif_rr.parse_row(values, index)
            except MalformedRow as exc:
                reasons[str(exc)] += 1
                if len(quarantined) < MAX_QUARANTINED:
                    quarantined.append(_quarantine_row(RELATIONSHIPS, p, reader.line_num, str(exc), values, at, run_id))
                continue
            if rel is None:
                continue
            if (rel.child_id, rel.kind) in batch:
                report.duplicates += 1
            batch[(rel.child_id, rel.kind)] = (rel.child_id, rel.kind, rel.parent_id, day)
            if len(batch) >= batch_size:
                report.relationships += _write_relationships(wh, list(batch.values()))
                batch = {}
        report.relationships += _write_relationships(wh, list(batch.values()))
    report.parents_applied = apply_relationships(wh)


def _write_relationships(wh: Warehouse, rows: list[tuple]) -> int:
    if not rows:
        return 0
    fill_temp_table(wh, "cc_snap_rr", RR_COLUMNS, rows)
    wh.execute("INSERT INTO registry_relationships (child_id, kind, parent_id, snapshot_date) "
               "SELECT child_id, kind, parent_id, snapshot_date FROM cc_snap_rr ON CONFLICT (child_id, kind) "
               "DO UPDATE SET parent_id = excluded.parent_id, snapshot_date = excluded.snapshot_date")
    drop_temp_table(wh, "cc_snap_rr")
    return len(rows)


def apply_relationships(wh: Warehouse, batch_size: int = 50_000) -> int:
    """Set ``parent_ids`` (direct parent, then ultimate) of every entity a relationship names as child;
    returns how many entities were given parents. Entities not (yet) in the register are left for later."""
    rows = wh.query("SELECT r.child_id, r.kind, r.parent_id FROM registry_relationships r "
                    "JOIN registry_entities e ON e.entity_id = r.child_id ORDER BY r.child_id, r.kind", [])
    parents: dict[str, list[str]] = {}
    for r in rows:
        mine = parents.setdefault(r["child_id"], [])
        if r["parent_id"] not in mine:
            mine.append(r["parent_id"])
    items = [(child, json.dumps(ids)) for child, ids in parents.items()]
    jt = wh.json_type
    for i in range(0, len(items), batch_size):
        with wh.transaction():
            fill_temp_table(wh, "cc_snap_parents", (("entity_id", "TEXT"), ("parent_ids", "TEXT")),
                            items[i:i + batch_size])
            wh.execute(f"UPDATE registry_entities SET parent_ids = CAST(cc_snap_parents.parent_ids AS {jt}) "
                       "FROM cc_snap_parents WHERE registry_entities.entity_id = cc_snap_parents.entity_id")
            drop_temp_table(wh, "cc_snap_parents")
    return len(items)


def _entity_row(e: RegistryEntity, fetched_at: str, run_id: str) -> tuple:
    codes = json.dumps([c.model_dump() for c in e.industry_codes], separators=(",", ":"))
    return (
        e.entity_id,
        e.registry,
        e.names[0].name,
        e.status,
        e.created,
        e.dissolved,
        e.jurisdiction,
        codes,
        e.record_url,
        fetched_at,
        run_id,
    )


def _name_rows(e: RegistryEntity) -> list[tuple]:
    out: dict[tuple[str, str], tuple] = {}
    for pos, n in enumerate(e.names):
        out.setdefault(
            (n.name, n.kind), (e.entity_id, n.name, n.kind, n.language, normalise_company(n.name), pos)
        )
    return list(out.values())


def write_batch(wh: Warehouse, entities: list[RegistryEntity], fetched_at: str, run_id: str) -> int:
    """Upsert one batch of entities and their names (one transaction); returns the names written."""
    ents = [_entity_row(e, fetched_at, run_id) for e in entities]
    names = [row for e in entities for row in _name_rows(e)]
    jt = wh.json_type
    updates = ", ".join(f"{c} = excluded.{c}" for c, _ in ENTITY_COLUMNS if c != "entity_id")
    cols = ", ".join(c for c, _ in ENTITY_COLUMNS)
    select = ", ".join(f"CAST({c} AS {jt})" if c == "industry_codes" else c for c, _ in ENTITY_COLUMNS)
    with wh.transaction():
        fill_temp_table(wh, "cc_snap_entities", ENTITY_COLUMNS, ents)
        fill_temp_table(wh, "cc_snap_names", NAME_COLUMNS, names)
        wh.execute(
            f"INSERT INTO registry_entities ({cols}, parent_ids) SELECT {select}, CAST('[]' AS {jt}) "
            f"FROM cc_snap_entities ON CONFLICT (entity_id) DO UPDATE SET {updates}"
        )
        wh.execute(
            "DELETE FROM registry_names WHERE entity_id IN (SELECT entity_id FROM cc_snap_entities) "
            "AND NOT EXISTS (SELECT 1 FROM cc_snap_names s WHERE s.entity_id = registry_names.entity_id "
            "AND s.name = registry_names.name AND s.kind = registry_names.kind)"
        )
        wh.execute(
            "INSERT INTO registry_names (entity_id, name, kind, language, normalized, position) "
            "SELECT entity_id, name, kind, language, normalized, position FROM cc_snap_names "
            "ON CONFLICT (entity_id, name, kind) DO UPDATE SET language = excluded.language, "
            "normalized = excluded.normalized, position = excluded.position"
        )
        drop_temp_table(wh, "cc_snap_entities")
        drop_temp_table(wh, "cc_snap_names")
    return len(names)


def load_snapshot(
    wh: Warehouse,
    path: str | Path,
    registry: str | None = None,
    batch_size: int = BATCH_SIZE,
    as_of: str | None = None,
) -> LoadReport:
    """Load one Companies House or GLEIF snapshot file (format from its header unless ``registry``
    says). ``as_of`` (ISO date) overrides the date taken from the file name."""
    started = time.monotonic()
    p = Path(path)
    day = as_of or snapshot_date(p)
    fetched_at = f"{day}T00:00:00+00:00"
    reasons: Counter[str] = Counter()
    quarantined: list[dict[str, Any]] = []
    with open_snapshot(p) as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None:
            raise ValueError(f"{p.name}: empty file")
        registry = registry or detect_registry(header)
        if registry == RELATIONSHIPS:
            report = LoadReport(path=str(p), registry=registry, snapshot_date=day)
            load_relationships(wh, reader, gleif_rr.column_index(header), report, p, batch_size, quarantined,
                               reasons)
            return _finish(wh, report, p, quarantined, reasons, started)
        fmt = FORMATS[registry]
        index = fmt.column_index(header)
        report = LoadReport(path=str(p), registry=registry, snapshot_date=day)
        run_id = f"snapshot:{registry}:{day}"
        batch: dict[str, RegistryEntity] = {}
        while True:
            values: list[str] | None
            reason: str | None
            try:
                values = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                values, reason = None, f"unreadable CSV record ({type(exc).__name__})"
            else:
                reason = None
                if not values:
                    continue
            report.rows_read += 1
            entity: RegistryEntity | None = None
            if values is not None:
                try:
                    entity = fmt.parse_row(values, index)
                except MalformedRow as exc:
                    reason = str(exc)
                except ValidationError as exc:
                    reason = f"invalid record ({exc.error_count()} field errors)"
            if entity is None:
                reason = reason or "unreadable record"
                reasons[reason] += 1
                if len(quarantined) < MAX_QUARANTINED:
                    quarantined.append(
                        _quarantine_row(registry, p, reader.line_num, reason, values, fetched_at, run_id)
                    )
                continue
            if entity.entity_id in batch:
                report.duplicates += 1
            batch[entity.entity_id] = entity
            if len(batch) >= batch_size:
                report.names += write_batch(wh, list(batch.values()), fetched_at, run_id)
                report.entities += len(batch)
                batch = {}
        if batch:
            report.names += write_batch(wh, list(batch.values()), fetched_at, run_id)
            report.entities += len(batch)
    if registry == "gleif":  # entities new to the register get the parents their relationships name
        report.parents_applied = apply_relationships(wh)
    return _finish(wh, report, p, quarantined, reasons, started)


def _finish(wh: Warehouse, report: LoadReport, p: Path, quarantined: list[dict[str, Any]], reasons: Counter[str],
            started: float) -> LoadReport:
    if quarantined:
        wh.upsert("quarantine", quarantined, ["quarantine_id"])
    report.reasons = dict(reasons.most_common())
    report.malformed = sum(reasons.values())
    report.seconds = round(time.monotonic() - started, 3)
    log.info(
        "snapshot %s (%s, %s): %d rows, %d entities, %d names, %d malformed",
        p.name,
        report.registry,
        report.snapshot_date,
        report.rows_read,
        report.entities,
        report.names,
        report.malformed,
    )
    return report


def _quarantine_row(
    registry: str, path: Path, line: int, reason: str, values: list[str] | None, at: str, run_id: str
) -> dict[str, Any]:
    return {
        "quarantine_id": f"snapshot:{registry}:{path.name}:{line}",
        "run_id": run_id,
        "source": registry,
        "dataset": "registry_snapshot",
        "record_key": f"{path.name}:{line}",
        "reason": reason,
        "raw_pointer": f"{path}:{line}",
        "raw": {"fields": (values or [])[:400]},
        "quarantined_at": at,
    }


def _relative_base() -> Path:
    """Where relative snapshot paths start: a checkout's root; installed, the configuration's data_dir
    (never site-packages, never a process's working directory)."""
    if IN_CHECKOUT:
        return PROJECT_ROOT
    from include.config import load_config

    return load_config().data_path()


def plan_files(conf: dict[str, Any] | None = None, root: Path | None = None) -> list[dict[str, Any]]:
    """The files a snapshot run loads: ``conf["files"]`` (paths, or ``{"path", "registry"}``), else
    every ``.csv`` / ``.zip`` in ``conf["snapshot_dir"]`` or ``root`` (``.var/snapshots/`` in a checkout,
    ``<data_dir>/snapshots`` installed). Relative paths are taken from the checkout's root, or installed
    from ``data_dir``. Companies House files first, then GLEIF, each sorted by name."""
    conf = conf or {}
    base = functools.cache(_relative_base)  # read the configuration only if a path needs it
    items: list[dict[str, Any]] = []
    if conf.get("files"):
        for f in conf["files"]:
            item = (
                {"path": f, "registry": None}
                if isinstance(f, str)
                else {"path": f["path"], "registry": f.get("registry")}
            )
            items.append(item)
    else:
        chosen = conf.get("snapshot_dir") or root or (SNAPSHOT_DIR if IN_CHECKOUT else base() / "snapshots")
        folder = Path(chosen).expanduser()
        folder = folder if folder.is_absolute() else base() / folder
        if folder.is_dir():
            items = [
                {"path": str(p), "registry": None}
                for p in sorted(folder.rglob("*"))
                if p.is_file() and p.suffix.lower() in (".csv", ".zip")
            ]
    for item in items:
        p = Path(str(item["path"]))
        item["path"] = str(p if p.is_absolute() else base() / p)
        if item["registry"] not in (None, RELATIONSHIPS, *FORMATS):
            raise ValueError(
                f"unknown registry {item['registry']!r} for {p.name}: use one of "
                f"{sorted([*FORMATS, RELATIONSHIPS])}"
            )
    return sorted(
        items,
        key=lambda i: (
            "lei2" in Path(i["path"]).name.lower() or i["registry"] == "gleif",
            Path(i["path"]).name,
        ),
    )
