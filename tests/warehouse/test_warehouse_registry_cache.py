"""The registry lookup cache in the warehouse: expiry, entities with their names in order, bulk load."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from include.engine.names import normalise_name
from include.models import IndustryCode, RegistryEntity, RegistryName
from include.warehouse.registry_cache import WarehouseRegistryCache, load_registry_entities

T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def _entity(entity_id: str, parents: list[str] | None = None) -> RegistryEntity:
    return RegistryEntity(
        entity_id=entity_id,
        registry="gleif",
        names=[
            RegistryName(name="华为技术有限公司", kind="legal", language="zh"),
            RegistryName(name="Huawei Technologies Co., Ltd.", kind="other", language="en"),
            RegistryName(name="HUAWEI JISHU YOUXIAN GONGSI", kind="transliterated", language="en"),
        ],
        status="ACTIVE",
        created="1987-09-15",
        jurisdiction="CN",
        industry_codes=[IndustryCode(scheme="nace_rev2", code="26.30")],
        parent_ids=parents or [],
        record_url=f"https://search.gleif.org/#/record/{entity_id}",
    )


def test_query_answers_expire(warehouse):
    now = [T0]
    cache = WarehouseRegistryCache(warehouse, normalise_name, clock=lambda: now[0])
    assert cache.get_query("gleif", "name:huawei") is None
    cache.put_query("gleif", "name:huawei", ["gleif:A", "gleif:B"], T0 + timedelta(days=30))
    cache.put_query("gleif", "name:nobody", [], T0 + timedelta(days=30))
    assert cache.get_query("gleif", "name:huawei") == ["gleif:A", "gleif:B"]
    assert cache.get_query("gleif", "name:nobody") == []  # a known miss is an answer, not a gap
    assert cache.get_query("companies_house", "name:huawei") is None
    now[0] = T0 + timedelta(days=31)
    assert cache.get_query("gleif", "name:huawei") is None


def test_entities_round_trip_with_names_in_order(warehouse):
    cache = WarehouseRegistryCache(warehouse, normalise_name, run_id="r1")
    parent, child = _entity("gleif:P"), _entity("gleif:C", ["gleif:P"])
    cache.put_entity(parent)
    cache.put_entity(child)
    cache.put_entity(child)  # stored again: no duplicate names
    assert cache.get_entity("gleif:C") == child
    assert cache.get_entity("gleif:missing") is None
    assert load_registry_entities(warehouse) == [child, parent]
    assert warehouse.query("SELECT COUNT(*) AS n FROM registry_names")[0]["n"] == 6
    renamed = child.model_copy(update={"names": [RegistryName(name="Huawei Tech", kind="legal")]})
    cache.put_entity(renamed)
    assert cache.get_entity("gleif:C").names == renamed.names


def test_entities_read_again_come_from_memory_until_written(warehouse):
    cache = WarehouseRegistryCache(warehouse, normalise_name, run_id="r1")
    cache.put_entity(_entity("gleif:M"))
    statements = []
    real_query = warehouse.query

    def counting(sql, params=None):
        statements.append(sql)
        return real_query(sql, params)

    warehouse.query = counting
    try:
        first = cache.get_entity("gleif:M")
        n = len(statements)
        assert n >= 1 and cache.get_entity("gleif:M") == first and len(statements) == n
        assert cache.get_entity("gleif:none") is None and cache.get_entity("gleif:none") is None
        assert len(statements) == n + 1  # a known miss is remembered too
        renamed = first.model_copy(update={"names": [RegistryName(name="Memo Renamed", kind="legal")]})
        cache.put_entity(renamed)
        assert cache.get_entity("gleif:M").names == renamed.names  # the write is seen at once
        # bounded: the oldest entry goes first
        cache.MEMO = 2
        for eid in ("gleif:a", "gleif:b", "gleif:c"):
            cache.get_entity(eid)
        assert list(cache._memo) == ["gleif:b", "gleif:c"]
    finally:
        warehouse.query = real_query


def test_the_whole_register_is_read_in_pages_and_equals_what_was_stored(warehouse):
    """``load_registry_entities`` reads a page of entities at a time (a big register's rows are never all
    held): any page size gives the stored models, names in order, in entity id order."""
    cache = WarehouseRegistryCache(warehouse, normalise_name)
    stored = [_entity(f"gleif:E{i:02d}", parents=[f"gleif:E{i + 1:02d}"] if i % 3 == 0 else None)
              for i in range(10)]
    for e in reversed(stored):
        cache.put_entity(e)
    for page in (1, 3, 4, 10, 1000):
        loaded = load_registry_entities(warehouse, page=page)
        assert loaded == stored, page
        assert [n.name for n in loaded[0].names] == [n.name for n in stored[0].names]
    # the shared "fields set" of loaded models behaves as a model built field by field
    one = load_registry_entities(warehouse)[0]
    assert one.model_fields_set == set(RegistryEntity.model_fields)
    copy = one.model_copy(update={"status": "INACTIVE"})
    assert copy.status == "INACTIVE" and load_registry_entities(warehouse)[0].status == one.status
    assert one.model_fields_set == set(RegistryEntity.model_fields)
