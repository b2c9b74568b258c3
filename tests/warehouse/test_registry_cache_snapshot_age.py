"""Registry look-ups are reused until their age (registries.max_age_days) or a newer bulk snapshot of the
same registry, on both engines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from include.config import Config
from include.engine.names import normalise_name
from include.models import RegistryEntity, RegistryName
from include.snapshots.load import write_batch
from include.warehouse.registry_cache import WarehouseRegistryCache
from tests.warehouse.wh_fixtures import pg_session, warehouse, warehouse_spec  # noqa: F401

T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def _snapshot(wh, registry: str, day: str) -> None:
    entity = RegistryEntity(entity_id=f"{registry}:S1", registry=registry, status="active",
                            names=[RegistryName(name="Snapshot Co Ltd", kind="legal")], record_url="")
    write_batch(wh, [entity], f"{day}T00:00:00+00:00", f"snapshot:{registry}:{day}")


def test_a_snapshot_newer_than_a_look_up_makes_it_stale_and_only_for_its_registry(warehouse):  # noqa: F811
    now = [T0]
    cache = WarehouseRegistryCache(warehouse, normalise_name, clock=lambda: now[0])
    for registry in ("gleif", "companies_house"):
        cache.put_query(registry, "name:acme", [f"{registry}:A"], T0 + timedelta(days=30))
    _snapshot(warehouse, "gleif", "2026-11-01")  # older than the look-ups: they stand
    assert WarehouseRegistryCache(warehouse, normalise_name, clock=lambda: now[0]).get_query("gleif", "name:acme") \
        == ["gleif:A"]
    _snapshot(warehouse, "gleif", "2026-12-01")
    fresh = WarehouseRegistryCache(warehouse, normalise_name, clock=lambda: now[0] + timedelta(days=11))
    assert fresh.get_query("gleif", "name:acme") is None  # the newer snapshot supersedes it
    assert fresh.get_query("companies_house", "name:acme") == ["companies_house:A"]


def test_the_age_is_configurable():
    cfg = Config.model_validate({"hiring_company": {"name": "X"}})
    assert cfg.registries.max_age_days == 30 and cfg.profiles.max_age_days == 7
    assert cfg.profiles.github.requests_per_run == 5000
    cfg = Config.model_validate({"hiring_company": {"name": "X"}, "registries": {"max_age_days": 3}})
    assert cfg.registries.max_age_days == 3


def test_an_api_look_up_that_fetches_a_snapshot_entity_again_does_not_age_every_look_up(warehouse):  # noqa: F811
    """A snapshot's date is the day it names, not its entities' fetched_at: fetching one of them again through
    the API stamps it with that moment, and every earlier look-up must not turn stale because of it."""
    _snapshot(warehouse, "gleif", "2026-11-01")
    now = [T0]
    cache = WarehouseRegistryCache(warehouse, normalise_name, clock=lambda: now[0])
    cache.put_query("gleif", "name:acme", ["gleif:A"], T0 + timedelta(days=30))
    entity = RegistryEntity(entity_id="gleif:S1", registry="gleif", status="active",
                            names=[RegistryName(name="Snapshot Co Ltd", kind="legal")], record_url="")
    cache.put_entity(entity)  # the API answered for a snapshot entity: fetched_at is now, its run_id stays
    later = WarehouseRegistryCache(warehouse, normalise_name, clock=lambda: now[0] + timedelta(days=1))
    assert later.snapshot_loaded("gleif") == datetime(2026, 11, 1, tzinfo=UTC)
    assert later.get_query("gleif", "name:acme") == ["gleif:A"]
