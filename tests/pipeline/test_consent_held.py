"""The seal's count of consent held (``include.pipeline.seal.consent_held``), on both engines: the
warehouse walks every earlier run's consent evidence, so a withdrawal is told apart from consent never
given without the seal parsing the history's manifests in Python."""

from __future__ import annotations

from include.pipeline.seal import consent_held
from tests.warehouse.wh_fixtures import pg_session, warehouse, warehouse_spec  # noqa: F401


def _run(seq: int, run_id: str, manifest: object) -> dict[str, object]:
    return {"run_id": run_id, "seq": seq, "manifest": manifest, "prev_hash": "p", "hash": f"h{seq}"}


def test_held_consent_counts_given_awaiting_and_withdrawn(warehouse):  # noqa: F811
    given = {"a": True, "b": False, "c": False, "d": None, "e": False}
    warehouse.upsert("candidates", [{"candidate_id": c, "consent_given": g} for c, g in given.items()],
                     ["candidate_id"])
    # every candidate but e holds an application: e is not held, whatever its consent
    warehouse.upsert("applications", [{"application_id": f"app-{c}", "candidate_id": c} for c in "abcd"],
                     ["application_id"])
    warehouse.upsert("pipeline_runs", [
        _run(1, "r1", {"consent": {"evidence": [
            {"candidate_id": "a", "given": True}, {"candidate_id": "b", "given": True},
            {"candidate_id": "e", "given": True}, {"candidate_id": "d", "given": False}]}}),
        _run(2, "r2", {"consent": {"evidence": []}}),
        _run(3, "r3", {"consent": {"fields": {}}}),  # no evidence list
        _run(4, "r4", {"consent": {"evidence": [{"candidate_id": "c", "given": True}]}}),  # the run sealing
    ], ["run_id"])

    # b gave consent on r1 and no longer does: withdrawn; c's consent is only in the run being sealed
    assert consent_held(warehouse, "r4") == {"given": 1, "awaiting": 2, "withdrawn": 1}
    # sealed as r1's successor instead, c's earlier evidence counts: c withdrew too, b is awaiting
    assert consent_held(warehouse, "r1") == {"given": 1, "awaiting": 2, "withdrawn": 1}
    warehouse.execute("DELETE FROM pipeline_runs")
    assert consent_held(warehouse, "r4") == {"given": 1, "awaiting": 3, "withdrawn": 0}
