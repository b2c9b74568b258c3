"""Registry facts an API look-up stored are reused up to registries.max_age_days: a name resolved exactly to
such an entity fetched longer ago is looked up again; a bulk snapshot's entities are not (a newer snapshot
refreshes them)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from include.engine.names import normalise_name
from include.models import RegistryEntity, RegistryName
from include.pipeline.ingest import names_needing_lookup
from include.snapshots.load import write_batch
from include.warehouse import connect
from include.warehouse.registry_cache import WarehouseRegistryCache

NOW = datetime.now(UTC)


def _entity(eid: str, name: str) -> RegistryEntity:
    return RegistryEntity(entity_id=eid, registry="companies_house", status="active", record_url="",
                          names=[RegistryName(name=name, kind="legal")])


def test_an_aged_looked_up_entity_is_asked_again_and_a_snapshot_entity_is_not(tmp_path):
    wh = connect({"conn_type": "duckdb", "host": str(tmp_path / "wh.duckdb")})
    wh.migrate()
    try:
        cache = WarehouseRegistryCache(wh, normalise_name, run_id="cc-run-1")
        cache.put_entity(_entity("companies_house:1", "Kestrel Widgets Ltd"))
        cache.put_entity(_entity("companies_house:2", "Plover Gears Ltd"))
        write_batch(wh, [_entity("companies_house:3", "Avocet Pumps Ltd")], "2020-01-01T00:00:00+00:00",
                    "snapshot:companies_house:2020-01-01")
        names = ["Kestrel Widgets Ltd", "Plover Gears Ltd", "Avocet Pumps Ltd"]
        assert names_needing_lookup(wh, names, max_age_days=30) == []  # all fresh or from a snapshot
        wh.execute("UPDATE registry_entities SET fetched_at = ? WHERE entity_id = ?",
                   [(NOW - timedelta(days=31)).isoformat(timespec="seconds"), "companies_house:2"])
        assert names_needing_lookup(wh, names, max_age_days=30) == ["Plover Gears Ltd"]
        assert names_needing_lookup(wh, names, max_age_days=40) == []
        assert names_needing_lookup(wh, names) == []  # no age given: reused as before
    finally:
        wh.close()
