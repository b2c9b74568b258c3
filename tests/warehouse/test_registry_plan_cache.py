"""The registry plan leaves out the names the query cache answers (``registry_lookups``), on DuckDB and
PostgreSQL: by the same test ``lookup_employer`` makes (``get_query`` and then every entity and parent still
stored), for every registry with a client; disputed employers are planned whatever the cache holds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from include.disputes import record_dispute
from include.engine.names import normalise_name
from include.ingest.registries import REGISTRIES, _from_cache
from include.models import RegistryEntity, RegistryName
from include.pipeline.ingest import drop_cached_names, plan_registry_lookups
from include.snapshots.load import write_batch
from include.warehouse.registry_cache import WarehouseRegistryCache, answered_from_cache
from tests.audit.audit_helpers import finding
from tests.cli.cli_helpers import add_candidates
from tests.warehouse.test_disputes import ANA, BOB, TODAY, _run
from tests.warehouse.wh_fixtures import pg_session, warehouse, warehouse_spec  # noqa: F401

T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
ALL = list(REGISTRIES)


def _entity(entity_id: str, name: str, parents: tuple[str, ...] = ()) -> RegistryEntity:
    return RegistryEntity(entity_id=entity_id, registry=entity_id.split(":", 1)[0], status="active",
                          names=[RegistryName(name=name, kind="legal")], parent_ids=list(parents), record_url="")


def _cache(wh, at: datetime = T0) -> WarehouseRegistryCache:
    return WarehouseRegistryCache(wh, normalise_name, clock=lambda: at)


def _answer(wh, name: str, registries=ALL, days: int = 30, at: datetime = T0, found: bool = True) -> None:
    """``name`` looked up at ``at`` in ``registries``, answers kept ``days``: one entity per registry (GLEIF's
    with a parent), or none."""
    cache = _cache(wh, at)
    key = f"name:{normalise_name(name)}"
    for registry in registries:
        ids: list[str] = []
        if found:
            parents = ()
            if registry == "gleif":
                cache.put_entity(_entity("gleif:PARENT", "Parent Holdings plc"))
                parents = ("gleif:PARENT",)
            entity = _entity(f"{registry}:{normalise_name(name)}", name, parents)
            cache.put_entity(entity)
            ids = [entity.entity_id]
        cache.put_query(registry, key, ids, at + timedelta(days=days))


def _python_says_cached(wh, name: str, registries, at: datetime) -> bool:
    """What ``lookup_employer`` decides, registry by registry, with the cache object it uses."""
    cache = _cache(wh, at)
    key = f"name:{normalise_name(name)}"
    for registry in registries:
        ids = cache.get_query(registry, key)
        if ids is None or _from_cache(cache, ids) is None:
            return False
    return True


def _planned(wh, names, registries=ALL, at: datetime = T0 + timedelta(days=1)) -> list[str]:
    ask, dropped = drop_cached_names(wh, names, registries, now=at)
    assert dropped == len(set(names)) - len(ask)
    for name in names:  # the SQL decides as lookup_employer's own checks do
        assert (name not in ask) == _python_says_cached(wh, name, registries, at), name
    return ask


def test_a_fresh_cached_answer_is_not_planned_an_expired_one_is(warehouse):  # noqa: F811
    _answer(warehouse, "Fresh Gears Ltd")
    _answer(warehouse, "Nobody Knows Ltd", found=False)  # an empty answer is an answer too
    _answer(warehouse, "Old Gears Ltd", at=T0 - timedelta(days=40))
    _answer(warehouse, "Short Lived Ltd", days=1)  # expires at T0 + 1 day exactly: expired then
    names = ["Fresh Gears Ltd", "Nobody Knows Ltd", "Old Gears Ltd", "Short Lived Ltd", "Never Asked Ltd"]
    assert _planned(warehouse, names) == ["Old Gears Ltd", "Short Lived Ltd", "Never Asked Ltd"]
    assert _planned(warehouse, names, at=T0 + timedelta(hours=23)) == ["Old Gears Ltd", "Never Asked Ltd"]
    assert _planned(warehouse, names, at=T0 + timedelta(days=31)) == names


def test_one_registry_fresh_and_another_expired_is_planned(warehouse):  # noqa: F811
    _answer(warehouse, "Half Fresh Ltd", registries=["companies_house", "opencorporates"])
    _answer(warehouse, "Half Fresh Ltd", registries=["gleif"], at=T0 - timedelta(days=40))
    _answer(warehouse, "Half Asked Ltd", registries=["companies_house"])  # never asked of the others
    assert _planned(warehouse, ["Half Fresh Ltd", "Half Asked Ltd"]) == ["Half Fresh Ltd", "Half Asked Ltd"]


def test_a_registry_without_a_client_does_not_force_a_plan(warehouse):  # noqa: F811
    _answer(warehouse, "Half Fresh Ltd", registries=["companies_house", "opencorporates"])
    _answer(warehouse, "Half Fresh Ltd", registries=["gleif"], at=T0 - timedelta(days=40))
    assert _planned(warehouse, ["Half Fresh Ltd"], ["companies_house", "opencorporates"]) == []
    assert _planned(warehouse, ["Half Fresh Ltd"], ["companies_house", "gleif"]) == ["Half Fresh Ltd"]
    assert _planned(warehouse, ["Half Fresh Ltd", "Never Asked Ltd"], []) == []  # no registry: nothing is asked


def test_a_cached_answer_whose_entity_or_parent_is_gone_is_planned(warehouse):  # noqa: F811
    for name in ("Kept Ltd", "Lost Entity Ltd", "Lost Parent Ltd"):
        _answer(warehouse, name)
    warehouse.execute("DELETE FROM registry_entities WHERE entity_id = ?", ["opencorporates:lost entity"])
    assert _planned(warehouse, ["Kept Ltd", "Lost Entity Ltd", "Lost Parent Ltd"]) == ["Lost Entity Ltd"]
    warehouse.execute("DELETE FROM registry_entities WHERE entity_id = ?", ["gleif:PARENT"])
    assert _planned(warehouse, ["Kept Ltd", "Lost Entity Ltd"], ["companies_house", "opencorporates"]) \
        == ["Lost Entity Ltd"]
    assert _planned(warehouse, ["Kept Ltd", "Lost Parent Ltd"]) == ["Kept Ltd", "Lost Parent Ltd"]


def test_a_snapshot_newer_than_the_look_up_plans_the_name_for_its_registry_only(warehouse):  # noqa: F811
    _answer(warehouse, "Acme Gears Ltd")
    day = (T0 + timedelta(days=2)).date().isoformat()
    write_batch(warehouse, [_entity("gleif:S1", "Snapshot Co Ltd")], f"{day}T00:00:00+00:00", f"snapshot:gleif:{day}")
    later = T0 + timedelta(days=3)
    assert _planned(warehouse, ["Acme Gears Ltd"], at=later) == ["Acme Gears Ltd"]
    assert _planned(warehouse, ["Acme Gears Ltd"], ["companies_house", "opencorporates"], at=later) == []


def test_times_of_another_form_are_never_taken_as_fresh(warehouse):  # noqa: F811
    _answer(warehouse, "Odd Times Ltd")
    warehouse.execute("UPDATE registry_lookups SET expires_at = ? WHERE registry = 'gleif'", ["2099-01-01"])
    assert answered_from_cache(warehouse, ["name:odd times"], ALL, clock=lambda: T0) == set()
    assert answered_from_cache(warehouse, ["name:odd times"], ["companies_house"], clock=lambda: T0) \
        == {"name:odd times"}


def test_the_plan_drops_cached_names_and_keeps_disputed_employers(warehouse):  # noqa: F811
    add_candidates(warehouse, [ANA, BOB])
    warehouse.upsert("employments", [{"employment_id": f"{ANA}/e1", "candidate_id": ANA, "source": "greenhouse",
                                      "employer": "Halcyon Software Ltd", "title": "Engineer"}], ["employment_id"])
    f = finding(ANA, 1, severity="red")
    _run(warehouse, "run-1", [f, finding(BOB, 1)])
    now = datetime.now(UTC)
    for name in ("Halcyon Software Ltd", "Plain Cached Ltd"):
        _answer(warehouse, name, at=now - timedelta(hours=1), found=False)  # not in the local register
    names = ["Halcyon Software Ltd", "Plain Cached Ltd", "Never Asked Ltd"]
    ask, part = plan_registry_lookups(warehouse, names, ALL, 30, now=now)
    assert ask == ["Never Asked Ltd"]
    assert part == {"names": 3, "resolved_locally": 0, "answered_by_cache": 2, "disputed": 0, "api_lookups": 1}
    record_dispute(warehouse, f.finding_id, "I worked there; here is my payslip.", TODAY, "hr@x", today=TODAY)
    ask, part = plan_registry_lookups(warehouse, names, ALL, 30, now=now)
    assert ask == ["Never Asked Ltd", "Halcyon Software Ltd"]  # the disputed employer goes past the cache
    assert part == {"names": 3, "resolved_locally": 0, "answered_by_cache": 2, "disputed": 1, "api_lookups": 2}
