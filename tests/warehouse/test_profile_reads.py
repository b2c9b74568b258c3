"""The profile read state (migration 015) on both engines: written, read back, forgotten, erased."""

from __future__ import annotations

from include.warehouse import profile_reads
from tests.warehouse.wh_fixtures import pg_session, warehouse, warehouse_spec  # noqa: F401


def _row(cid: str, source: str, etag: str | None = 'W/"1"') -> dict:
    return {"candidate_id": cid, "source": source, "fingerprint": "f", "etag": etag, "last_modified": None,
            "read_at": "2026-11-21T06:00:00+00:00", "outcome": "read", "run_id": "r1"}


def test_state_round_trip_and_forget(warehouse):  # noqa: F811
    profile_reads.record_reads(warehouse, [_row("c1", "github"), _row("c1", "orcid", None), _row("c2", "github")])
    profile_reads.record_reads(warehouse, [{**_row("c2", "github"), "outcome": "not_modified", "etag": 'W/"2"'}])
    states = profile_reads.read_states(warehouse)
    assert set(states) == {("c1", "github"), ("c1", "orcid"), ("c2", "github")}
    assert states[("c2", "github")]["outcome"] == "not_modified" and states[("c2", "github")]["etag"] == 'W/"2"'
    assert set(profile_reads.states_of(warehouse, ["c1"])) == {("c1", "github"), ("c1", "orcid")}
    assert profile_reads.forget(warehouse, ["c1"]) == 2
    assert set(profile_reads.read_states(warehouse)) == {("c2", "github")}
    assert profile_reads.forget(warehouse, []) == 0


def test_profile_inputs_are_consenting_candidates_with_their_applications(warehouse):  # noqa: F811
    warehouse.upsert("candidates", [
        {"candidate_id": "c1", "consent_given": True, "github_login": "octo", "updated_at": "t1"},
        {"candidate_id": "c2", "consent_given": False, "github_login": "other", "updated_at": "t1"}], ["candidate_id"])
    warehouse.upsert("applications", [{"application_id": "a1", "candidate_id": "c1", "updated_at": "t2"},
                                      {"application_id": "a2", "candidate_id": "c1", "updated_at": "t3"},
                                      {"application_id": "a3", "candidate_id": "c2", "updated_at": "t3"}],
                     ["application_id"])
    rows = profile_reads.profile_inputs(warehouse)
    assert [(r["candidate_id"], r["application_id"]) for r in rows] == [("c1", "a1"), ("c1", "a2")]
    assert profile_reads.profile_inputs(warehouse, ["c2"]) == []
