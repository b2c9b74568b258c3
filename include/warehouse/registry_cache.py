"""The registry lookup cache in the warehouse (``RegistryCache`` of include/ingest/registries.py).

Answers live in ``registry_lookups`` (query key -> entity ids, with an expiry) and entities in
``registry_entities`` + ``registry_names``, so every run and every worker shares one cache, and the
engine loads all known entities once per run (``load_registry_entities``).
"""

from __future__ import annotations

import sys
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any, TypeVar, overload

from include.models import IndustryCode, RegistryEntity, RegistryName
from include.warehouse.base import Warehouse, now_iso
from include.warehouse.bulk import drop_temp_table, fill_temp_table


def _iso(value: datetime | str) -> str:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="seconds")


class WarehouseRegistryCache:
    """``clock`` decides expiry (tests move it); ``run_id`` marks the run that stored an entity.

    Entities read or written through this object are remembered (up to ``MEMO`` of them, least recently
    used first out): one task looks the same registry entity up for many employer names, and each
    warehouse round trip costs more than the look-up itself. One object serves one task; entities
    change only through ``put_entity``, which forgets the old copy.
    """

    MEMO = 4096

    def __init__(
        self, wh: Warehouse, normalise: Callable[[str], str], clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        run_id: str | None = None,
    ) -> None:
        self.wh = wh
        self.normalise = normalise  # the engine's name key (stored in registry_names.normalized)
        self.clock = clock
        self.run_id = run_id
        self._memo: OrderedDict[str, RegistryEntity | None] = OrderedDict()
        self._snapshots: dict[str, datetime] | None = None

    def _remember(self, entity_id: str, entity: RegistryEntity | None) -> None:
        self._memo[entity_id] = entity
        self._memo.move_to_end(entity_id)
        while len(self._memo) > self.MEMO:
            self._memo.popitem(last=False)

    def get_query(self, registry: str, query_key: str) -> list[str] | None:
        """A cached answer while it is fresh: before its ``expires_at`` (``registries.max_age_days`` after the
        look-up), and not older than the newest bulk snapshot of that registry loaded since (the snapshot's
        facts supersede it, so the name is asked again)."""
        rows = self.wh.query(
            "SELECT entity_ids, looked_up_at, expires_at FROM registry_lookups WHERE registry = ? AND query_key = ?",
            [registry, query_key],
        )
        if not rows or not rows[0]["expires_at"]:
            return None
        if datetime.fromisoformat(rows[0]["expires_at"]) <= self.clock().astimezone(UTC):
            return None
        snapshot = self.snapshot_loaded(registry)
        looked_up = rows[0]["looked_up_at"]
        if snapshot is not None and (not looked_up or datetime.fromisoformat(looked_up) < snapshot):
            return None
        return [str(e) for e in (rows[0]["entity_ids"] or [])]

    def snapshot_loaded(self, registry: str) -> datetime | None:
        """The date of the newest bulk snapshot of ``registry`` in the warehouse, asked once: the day its
        entities' ``run_id`` names (``include.snapshots.load`` marks them ``snapshot:<registry>:<day>``).
        Not their ``fetched_at``: an API look-up that fetches a snapshot entity again stamps it with the time of
        that look-up, which made every earlier look-up look older than "the snapshot", so each run asked the
        registries again for every name (measured by ``make bench-daily``: 3,300 requests on a quiet day)."""
        if self._snapshots is None:
            rows = self.wh.query(
                "SELECT registry, MAX(run_id) AS newest FROM registry_entities WHERE run_id LIKE 'snapshot:%' "
                "GROUP BY registry"
            )
            self._snapshots = {}
            for r in rows:
                try:
                    day = date.fromisoformat(str(r["newest"]).rsplit(":", 1)[-1])
                except ValueError:
                    continue
                self._snapshots[r["registry"]] = datetime.combine(day, time.min, tzinfo=UTC)
        return self._snapshots.get(registry)

    def put_query(self, registry: str, query_key: str, entity_ids: list[str], expires_at: datetime) -> None:
        self.wh.upsert(
            "registry_lookups",
            [
                {
                    "registry": registry,
                    "query_key": query_key,
                    "entity_ids": list(entity_ids),
                    "looked_up_at": _iso(self.clock()),
                    "expires_at": _iso(expires_at),
                }
            ],
            ["registry", "query_key"],
        )

    def get_entity(self, entity_id: str) -> RegistryEntity | None:
        if entity_id in self._memo:
            self._memo.move_to_end(entity_id)
            return self._memo[entity_id]
        found = _load(self.wh, "WHERE entity_id = ?", [entity_id])
        entity = found[0] if found else None
        self._remember(entity_id, entity)
        return entity

    def put_entity(self, entity: RegistryEntity) -> None:
        row = {
            "entity_id": entity.entity_id,
            "registry": entity.registry,
            "legal_name": entity.names[0].name if entity.names else None,
            "status": entity.status,
            "created": entity.created,
            "dissolved": entity.dissolved,
            "jurisdiction": entity.jurisdiction,
            "industry_codes": [c.model_dump() for c in entity.industry_codes],
            "parent_ids": list(entity.parent_ids),
            "record_url": entity.record_url,
            "fetched_at": now_iso(),
        }
        if self.run_id:
            row["run_id"] = self.run_id
        names: dict[tuple[str, str], dict[str, Any]] = {}
        for i, n in enumerate(entity.names):
            names.setdefault(
                (n.name, n.kind),
                {
                    "entity_id": entity.entity_id,
                    "name": n.name,
                    "kind": n.kind,
                    "language": n.language,
                    "normalized": self.normalise(n.name),
                    "position": i,
                },
            )
        with self.wh.transaction():
            self.wh.upsert("registry_entities", [row], ["entity_id"])
            self.wh.execute("DELETE FROM registry_names WHERE entity_id = ?", [entity.entity_id])
            self.wh.upsert("registry_names", list(names.values()), ["entity_id", "name", "kind"])
        self._memo.pop(entity.entity_id, None)  # read back as stored next time


# A time as ``_iso`` writes it. Stored times of another form (naive, with microseconds, another offset) are
# never taken as fresh by ``answered_from_cache``: text comparison orders only this form correctly, and
# planning a name the cache could answer costs a task a cache read, never a wrong answer.
_ISO_SECONDS = "____-__-__T__:__:__+00:00"


def answered_from_cache(wh: Warehouse, query_keys: list[str], registries: list[str],
                        clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> set[str]:
    """Those of ``query_keys`` (``name:<normalised>``) that ``lookup_employer`` would answer from the cache in
    every one of ``registries`` (the registries with a client), decided in SQL for all keys at once.

    The same test as ``get_query`` followed by ``include.ingest.registries._from_cache``, per registry: a
    ``registry_lookups`` row whose ``expires_at`` is after now, looked up no earlier than that registry's
    newest bulk snapshot (``snapshot_loaded``), and whose entities and their parents are all still in
    ``registry_entities``. With no registry at all, every key is answered (the look-up asks nothing)."""
    keys = sorted(set(query_keys))
    if not keys or not registries:
        return set(keys)
    dates = WarehouseRegistryCache(wh, lambda n: n, clock=clock)
    snapshots = [(r, _iso(s) if (s := dates.snapshot_loaded(r)) is not None else None) for r in sorted(set(registries))]
    if wh.dialect == "postgres":
        def each(col: str) -> str:
            return f"jsonb_array_elements_text(CASE WHEN jsonb_typeof({col}) = 'array' THEN {col} ELSE '[]' END)"
    else:
        def each(col: str) -> str:
            return f"unnest(from_json({col}, '[\"VARCHAR\"]'))"
    sql = f"""
        WITH cand AS (
            SELECT l.registry, l.query_key, l.entity_ids FROM registry_lookups l
            JOIN cc_plan_keys k ON k.query_key = l.query_key
            JOIN cc_plan_registries r ON r.registry = l.registry
            WHERE l.expires_at LIKE ? AND l.expires_at > ?
              AND (r.snapshot IS NULL OR (l.looked_up_at LIKE ? AND l.looked_up_at >= r.snapshot))
        ),
        ids AS (SELECT registry, query_key, {each("entity_ids")} AS entity_id FROM cand),
        parents AS (
            SELECT i.registry, i.query_key, {each("e.parent_ids")} AS entity_id
            FROM ids i JOIN registry_entities e ON e.entity_id = i.entity_id
        ),
        broken AS (
            SELECT DISTINCT n.registry, n.query_key
            FROM (SELECT * FROM ids UNION ALL SELECT * FROM parents) n
            LEFT JOIN registry_entities e ON e.entity_id = n.entity_id
            WHERE e.entity_id IS NULL
        )
        SELECT c.query_key FROM cand c
        WHERE NOT EXISTS (SELECT 1 FROM broken b WHERE b.registry = c.registry AND b.query_key = c.query_key)
        GROUP BY c.query_key HAVING COUNT(DISTINCT c.registry) = ?
    """
    with wh.session():
        fill_temp_table(wh, "cc_plan_keys", [("query_key", "TEXT")], [(k,) for k in keys])
        fill_temp_table(wh, "cc_plan_registries", [("registry", "TEXT"), ("snapshot", "TEXT")], snapshots)
        try:
            rows = wh.query(sql, [_ISO_SECONDS, _iso(clock()), _ISO_SECONDS, len(snapshots)])
        finally:
            drop_temp_table(wh, "cc_plan_keys")
            drop_temp_table(wh, "cc_plan_registries")
    return {str(r["query_key"]) for r in rows}


def _load(wh: Warehouse, where: str, params: list[Any]) -> list[RegistryEntity]:
    entities = wh.query(f"SELECT * FROM registry_entities {where} ORDER BY entity_id", params)
    if not entities:
        return []
    name_rows = wh.query(f"SELECT * FROM registry_names {where} ORDER BY entity_id, position, name", params)
    return _entities(entities, name_rows)


def _entities(entity_rows: list[dict[str, Any]], name_rows: list[dict[str, Any]]) -> list[RegistryEntity]:
    names: dict[str, list[RegistryName]] = {}
    for n in name_rows:
        names.setdefault(n["entity_id"], []).append(
            _lean(RegistryName(name=n["name"], kind=n["kind"], language=_intern(n["language"])))
        )
    return [entity_from_row(e, names.get(e["entity_id"], [])) for e in entity_rows]


# Every field of these models is given when they are built from warehouse rows, so each instance's
# "fields set" is the same: one shared set instead of a new set per instance (a register of 100k entities
# is ~400k model instances; bench/register_memory_bench.py measures the saving). The models are frozen,
# so pydantic never adds to it; ``model_copy`` copies it first.
M = TypeVar("M", RegistryEntity, RegistryName, IndustryCode)
_ALL_FIELDS: dict[type, set[str]] = {cls: set(cls.model_fields) for cls in (RegistryEntity, RegistryName, IndustryCode)}


def _lean(model: M) -> M:
    object.__setattr__(model, "__pydantic_fields_set__", _ALL_FIELDS[type(model)])
    return model


@overload
def _intern(value: str) -> str: ...
@overload
def _intern(value: None) -> None: ...
def _intern(value: str | None) -> str | None:
    """Short values that repeat across a register (status, jurisdiction, code schemes) kept once."""
    return sys.intern(value) if value is not None and len(value) <= 40 else value


def entity_from_row(row: dict[str, Any], names: list[RegistryName]) -> RegistryEntity:
    """A ``registry_entities`` row and its names as the model the engine indexes."""
    return _lean(RegistryEntity(
        entity_id=row["entity_id"],
        registry=row["registry"],
        names=names,
        status=_intern(row["status"]),
        created=_intern(row["created"]),
        dissolved=_intern(row["dissolved"]),
        jurisdiction=_intern(row["jurisdiction"]),
        industry_codes=[_lean(IndustryCode(scheme=_intern(c["scheme"]), code=_intern(c["code"])))
                        for c in (row["industry_codes"] or [])],
        parent_ids=list(row["parent_ids"] or []),
        record_url=row["record_url"] or "",
    ))


LOAD_PAGE = 20_000  # entities read per statement: the rows of a whole register are never held at once


def register_state(wh: Warehouse) -> tuple[int, str | None]:
    """(entities in the local register, the newest ``fetched_at``): its size, and whether it changed."""
    row = wh.query("SELECT COUNT(*) AS n, MAX(fetched_at) AS newest FROM registry_entities")[0]
    return int(row["n"]), row["newest"]


def load_registry_entities(wh: Warehouse, page: int = LOAD_PAGE) -> list[RegistryEntity]:
    """Every registry entity known to the warehouse, names in the registry's order (legal name first).

    Read a page of entities (by ``entity_id``) at a time: only the models are kept, not the rows."""
    out: list[RegistryEntity] = []
    after = ""
    while True:
        rows = wh.query("SELECT * FROM registry_entities WHERE entity_id > ? ORDER BY entity_id LIMIT ?",
                        [after, page])
        if not rows:
            return out
        last = rows[-1]["entity_id"]
        names = wh.query("SELECT * FROM registry_names WHERE entity_id > ? AND entity_id <= ? "
                         "ORDER BY entity_id, position, name", [after, last])
        out.extend(_entities(rows, names))
        after = last
