"""HR's non-compete facts and the work location, read from Greenhouse candidate custom fields (served by the
sandbox), and carried to the warehouse and back to the engine's candidate."""

from __future__ import annotations

import pytest

from include.ingest.ats import fetch_greenhouse
from include.ingest.ats_greenhouse import NonCompeteFields
from sandbox.server import Sandbox
from sandbox.world import World
from tests.connectors.ats_world import candidate, greenhouse_client, world

UNTIL = "2026-11-22T00:00:00Z"


def _cands() -> list[dict]:
    out = [candidate("greenhouse", i, consent=True) for i in range(4)]
    out[0]["non_compete"] = {"has_agreement": True, "ends_on": "2027-05-31"}
    out[0]["location"] = "US-CA"
    out[1]["non_compete"] = {"has_agreement": False}
    out[2]["location"] = "China"
    return out


@pytest.fixture(scope="module")
def batch():
    with Sandbox(World(world(_cands()))) as sb:
        yield fetch_greenhouse(greenhouse_client(sb, per_page=2), since=None, until=UNTIL,
                               consent_field="background_check_consent", read_at="2026-11-21T23:00:00Z",
                               non_compete=NonCompeteFields())


def test_the_facts_hr_keeps_in_custom_fields_are_read(batch) -> None:
    by_id = {c.source_id: c for c in batch.candidates}
    assert batch.quarantined == []
    first, second, third, fourth = (by_id[str(4829100 + i)] for i in range(4))
    assert first.non_compete is not None and first.non_compete.model_dump() == {
        "has_agreement": True, "ends_on": "2027-05-31", "source_field": "custom_field:non_compete_agreement"}
    assert first.location == "US-CA"
    assert second.non_compete is not None and second.non_compete.has_agreement is False
    assert (third.non_compete, third.location) == (None, "China")
    assert (fourth.non_compete, fourth.location) == (None, None)  # nothing recorded: nothing assumed


def test_the_facts_reach_the_warehouse_and_the_engine(batch) -> None:
    from include.pipeline.ingest import load_candidates
    from include.pipeline.store import as_dicts, candidate_row
    from include.warehouse import connect

    wh = connect({"conn_type": "duckdb", "host": ":memory:"})
    try:
        wh.migrate()
        wh.upsert("candidates", [candidate_row(r) for r in as_dicts(batch.candidates)], ["candidate_id"])
        [back] = load_candidates(wh, ["greenhouse:4829100"])
        assert back.location == "US-CA" and back.non_compete is not None
        assert back.non_compete.ends_on == "2027-05-31"
    finally:
        wh.close()
