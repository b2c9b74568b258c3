"""Incremental checks' storage on both engines: kept findings read back exactly as written, the check
records of a run, and why a candidate is re-checked or kept."""

from __future__ import annotations

from datetime import date

import pytest

from include.audit.digests import row_digest
from include.findings import write_run_findings
from include.pipeline import incremental
from include.run_context import RunContext
from tests.warehouse.wh_fixtures import pg_session, warehouse, warehouse_spec  # noqa: F401

DAY = date(2026, 11, 21)


@pytest.fixture(scope="module")
def engine_findings(tmp_path_factory):
    from evaluation.engine import _world_config
    from evaluation.world_adapter import bundles_from_world, load_world
    from include.engine.resolve import RegistryIndex
    from include.engine.run import check_candidate
    from sandbox.generator import generate

    out = tmp_path_factory.mktemp("store-world")
    generate(42, out, n_candidates=30, report_day=DAY.isoformat())
    bundles, entities, _ = bundles_from_world(out)
    index, config = RegistryIndex(entities), _world_config(load_world(out))
    run = RunContext("run-1", DAY)
    findings = [f for b in bundles for f in check_candidate(b, index, config, run)]
    assert {f.message is not None for f in findings} == {True} and len({f.kind for f in findings}) >= 5
    return findings


def _rows(ids, run_id, day="2026-11-21"):
    return [{"candidate_id": c, "fingerprint": "fp-" + c, "register_digest": "r", "registry_fingerprint": "g-" + c,
             "checked_run": run_id, "checked_day": day,
             "next_check": None, "reason": "new"} for c in ids]


def test_kept_findings_are_the_findings_as_written(warehouse, engine_findings):  # noqa: F811
    run = RunContext("run-1", DAY)
    ids = sorted({f.candidate_id for f in engine_findings})
    with warehouse.transaction():
        write_run_findings(warehouse, [engine_findings], run.run_id, set(ids))
        incremental.record(warehouse, run, _rows(ids, run.run_id))
    stored = incremental.stored_checks(warehouse, ids)
    assert {s["seen_run"] for s in stored.values()} == {"run-1"}
    kept = incremental.kept_findings(warehouse, stored)
    by_id = {f.finding_id: f for f in engine_findings}
    assert sorted(f.finding_id for f in kept) == sorted(by_id)
    for f in kept:
        assert f == by_id[f.finding_id]
        assert row_digest(f) == row_digest(by_id[f.finding_id])


def test_a_resolved_finding_is_not_kept_and_a_run_drops_candidates_it_did_not_include(warehouse, engine_findings):  # noqa: F811
    ids = sorted({f.candidate_id for f in engine_findings})
    first, second = RunContext("run-1", DAY), RunContext("run-2", DAY)
    with warehouse.transaction():
        write_run_findings(warehouse, [engine_findings], first.run_id, set(ids))
        incremental.record(warehouse, first, _rows(ids, first.run_id))
    gone = engine_findings[0]
    rest = [f for f in engine_findings if f.finding_id != gone.finding_id]
    still = ids[1:] if ids[0] != gone.candidate_id else ids  # keep the resolved finding's candidate
    with warehouse.transaction():
        write_run_findings(warehouse, [[f for f in rest if f.candidate_id in still]], second.run_id, set(still))
        incremental.record(warehouse, second, _rows(still, second.run_id))
    stored = incremental.stored_checks(warehouse, ids)
    assert sorted(stored) == still
    kept = {f.finding_id for f in incremental.kept_findings(warehouse, stored)}
    assert gone.finding_id not in kept
    assert kept == {f.finding_id for f in rest if f.candidate_id in still}


@pytest.mark.parametrize(("run", "stored", "expected"), [
    (RunContext("r", DAY, full=True), {"fingerprint": "a", "checked_day": "2026-11-20", "next_check": None}, "full"),
    (RunContext("r", DAY), None, "new"),
    (RunContext("r", DAY), {"fingerprint": "b", "checked_day": "2026-11-20", "next_check": None}, "changed"),
    (RunContext("r", DAY), {"fingerprint": "a", "checked_day": "2026-11-20", "next_check": "2026-11-21"}, "time_due"),
    (RunContext("r", DAY), {"fingerprint": "a", "checked_day": "2026-11-22", "next_check": None}, "time_due"),
    (RunContext("r", DAY), {"fingerprint": "a", "checked_day": "2026-11-20", "next_check": "2026-11-22"}, "kept"),
    (RunContext("r", DAY), {"fingerprint": "a", "checked_day": "2026-11-21", "next_check": None}, "kept"),
])
def test_why_a_candidate_is_re_checked_or_kept(run, stored, expected):
    assert incremental.reason(run, "a", stored) == expected


def test_the_manifest_summary_counts_each_reason():
    rows = [{"reason": r} for r in ("new", "changed", "changed", "time_due", "kept", "kept", "kept")]
    assert incremental.summary(rows, RunContext("r", DAY)) == {
        "full": False, "rechecked": 4, "rechecked_by_reason": {"new": 1, "changed": 2, "time_due": 1, "full": 0},
        "kept": 3, "plan": {}}


def test_a_register_change_re_checks_only_the_candidates_it_concerns(tmp_path):
    from evaluation.engine import _world_config
    from evaluation.world_adapter import bundles_from_world, load_world
    from include.engine.resolve import RegistryIndex
    from include.models import RegistryName
    from sandbox.generator import generate

    generate(7, tmp_path, n_candidates=20, report_day=DAY.isoformat())
    bundles, entities, _ = bundles_from_world(tmp_path)
    config = _world_config(load_world(tmp_path))
    run = RunContext("r", DAY)
    before = incremental.Fingerprints(RegistryIndex(entities), config)
    stored = {}
    for b in bundles:
        d = incremental.decide(run, before, b, None)
        assert d.reason == "new"
        stored[b.candidate.candidate_id] = {"fingerprint": d.inputs, "register_digest": d.register,
                                            "registry_fingerprint": d.registry, "checked_day": DAY.isoformat(),
                                            "next_check": None}
    same = incremental.Fingerprints(RegistryIndex(entities), config)
    assert {incremental.decide(run, same, b, stored[b.candidate.candidate_id]).reason for b in bundles} == {"kept"}

    # an unrelated company registered: another register, yet nobody's comparisons change
    extra = entities[0].model_copy(update={"entity_id": f"{entities[0].registry}:unrelated", "parent_ids": [],
                                           "names": [RegistryName(name="Zzyzx Quuxbar Holdings", kind="legal")]})
    grown = incremental.Fingerprints(RegistryIndex([*entities, extra]), config)
    assert grown.register != before.register
    assert {incremental.decide(run, grown, b, stored[b.candidate.candidate_id]).reason for b in bundles} == {"kept"}

    # a resume employer's registry record changes (dissolved): that candidate, and only those with it
    index = RegistryIndex(entities)
    target = next(b for b in bundles if b.resume_jobs and index.resolve(b.resume_jobs[0].employer).entity_id)
    eid = index.resolve(target.resume_jobs[0].employer).entity_id
    changed = [e.model_copy(update={"dissolved": "2001-01-01", "status": "dissolved"}) if e.entity_id == eid else e
               for e in entities]
    moved = incremental.Fingerprints(RegistryIndex(changed), config)
    reasons = {b.candidate.candidate_id: incremental.decide(run, moved, b, stored[b.candidate.candidate_id]).reason
               for b in bundles}
    concerned = {b.candidate.candidate_id for b in bundles
                 if any(index.resolve(j.employer).entity_id == eid for j in [*b.resume_jobs, *b.profile_jobs])}
    assert reasons[target.candidate.candidate_id] == "changed"
    assert {c for c, r in reasons.items() if r == "changed"} <= concerned | {target.candidate.candidate_id}
    assert "kept" in reasons.values()


def test_carried_findings_are_written_as_an_unchanged_batch_would_write_them(warehouse, engine_findings):  # noqa: F811
    """The plan's candidates carried unread: this run's findings, digests and counts are those a batch of
    the same unchanged findings gives, a cleared one stays cleared, and writing the run again changes nothing."""
    from include.findings import clear_finding, findings_digest

    ids = sorted({f.candidate_id for f in engine_findings})
    first, second = RunContext("run-1", DAY), RunContext("run-2", DAY)
    with warehouse.transaction():
        write_run_findings(warehouse, [engine_findings], first.run_id, set(ids))
        incremental.record(warehouse, first, _rows(ids, first.run_id))
    clear_finding(warehouse, engine_findings[0].finding_id, "explained", "hr@example.com")
    carried = {c: "run-1" for c in ids[1:]}
    loaded = [f for f in engine_findings if f.candidate_id == ids[0]]
    for _attempt in range(2):  # the second: a retry of a run whose first attempt was committed
        with warehouse.transaction():
            out = write_run_findings(warehouse, [loaded], second.run_id, set(ids), carried=carried)
            incremental.record(warehouse, second, _rows(ids[:1], second.run_id), quiet=carried)
        assert out.digest == findings_digest(engine_findings)
        assert out.counts["unchanged"] == out.counts["total"] == len({f.finding_id for f in engine_findings})
        assert out.counts["new"] == out.counts["updated"] == out.counts["resolved"] == 0
        assert out.counts["cleared"] == 1
        rows = warehouse.query("SELECT finding_id, row_digest FROM run_findings WHERE run_id = ?", ["run-2"])
        assert sorted((r["finding_id"], r["row_digest"]) for r in rows) == sorted(
            (f.finding_id, row_digest(f)) for f in engine_findings)
        state = warehouse.query("SELECT finding_id, last_seen_run, first_seen_run, status FROM discrepancies")
        assert {r["last_seen_run"] for r in state} == {"run-2"} and {r["first_seen_run"] for r in state} == {"run-1"}
        assert [r["finding_id"] for r in state if r["status"] == "cleared"] == [engine_findings[0].finding_id]
        stored = incremental.stored_checks(warehouse, ids)
        assert {s["seen_run"] for s in stored.values()} == {"run-2"}
        assert {c for c, s in stored.items() if s["checked_run"] == "run-1"} == set(carried)


def _person(cid: str, run_id: str) -> dict:
    return {"candidate_id": cid, "source": "greenhouse", "source_id": cid, "first_name": "A", "last_name": "B",
            "consent_given": True, "updated_at": "2026-11-01T00:00:00Z", "run_id": run_id}


def _job(cid: str, n: int, title: str, run_id: str) -> dict:
    return {"employment_id": f"{cid}-{n}", "candidate_id": cid, "source": "greenhouse", "employer": "Acme",
            "title": title, "start_raw": "2020-01", "run_id": run_id}


def test_the_plan_digests_change_with_what_the_check_would_load_and_nothing_else(warehouse):  # noqa: F811
    """The SQL digests the plan compares (both engines): a row written again unchanged by another run
    keeps the candidate's digest; a changed, added or deleted row, or a record quarantined on this run,
    changes that candidate's only; the register's changes with an entity's content, not its fetch time."""
    from include.warehouse.check_inputs import input_digests, register_digest

    warehouse.upsert("candidates", [_person(c, "r1") for c in ("c1", "c2")], ["candidate_id"])
    warehouse.upsert("employments", [_job(c, n, "Engineer", "r1") for c in ("c1", "c2") for n in (1, 2)],
                     ["employment_id"])
    warehouse.upsert("registry_entities", [{"entity_id": "companies_house:1", "registry": "companies_house",
                                            "status": "active", "record_url": "u", "fetched_at": "2026-11-01"}],
                     ["entity_id"])
    base, reg = input_digests(warehouse, "r2"), register_digest(warehouse)
    assert set(base) == {"c1", "c2"} and base["c1"] != base["c2"]

    warehouse.upsert("employments", [_job("c1", 1, "Engineer", "r2")], ["employment_id"])  # the same row again
    warehouse.upsert("registry_entities", [{"entity_id": "companies_house:1", "registry": "companies_house",
                                            "status": "active", "record_url": "u", "fetched_at": "2026-11-20"}],
                     ["entity_id"])
    assert input_digests(warehouse, "r2") == base and register_digest(warehouse) == reg

    warehouse.upsert("employments", [_job("c1", 1, "Principal Engineer", "r2")], ["employment_id"])
    after = input_digests(warehouse, "r2")
    assert after["c1"] != base["c1"] and after["c2"] == base["c2"]
    warehouse.execute("DELETE FROM employments WHERE employment_id = ?", ["c2-2"])
    gone = input_digests(warehouse, "r2")
    assert gone["c2"] != base["c2"] and gone["c1"] == after["c1"]
    warehouse.upsert("quarantine", [{"quarantine_id": "q1", "run_id": "r2", "source": "greenhouse",
                                     "dataset": "employments", "record_key": "x", "reason": "bad date",
                                     "candidate_id": "c1"}], ["quarantine_id"])
    quarantined = input_digests(warehouse, "r2")
    assert quarantined["c1"] != gone["c1"] and quarantined["c2"] == gone["c2"]
    assert input_digests(warehouse, "r3")["c1"] == gone["c1"]  # a later run no longer reads r2's quarantine

    warehouse.upsert("registry_entities", [{"entity_id": "companies_house:1", "registry": "companies_house",
                                            "status": "dissolved", "record_url": "u", "fetched_at": "2026-11-20"}],
                     ["entity_id"])
    assert register_digest(warehouse) != reg


def test_the_input_digests_are_the_same_whatever_the_ranges_they_are_taken_in(warehouse):  # noqa: F811
    """``input_digests`` aggregates a range of candidate ids at a time (both engines): ranges of one, two
    or all candidates give the same digests, a row whose candidate has no ``candidates`` row (below the
    first id, between two, above the last) included, and a quarantined record in the right range."""
    from include.warehouse.check_inputs import id_ranges, input_digests

    people = [f"c{n}" for n in range(1, 6)]
    warehouse.upsert("candidates", [_person(c, "r1") for c in people], ["candidate_id"])
    warehouse.upsert("employments", [_job(c, n, "Engineer", "r1") for c in [*people, "a0", "c25", "z9"]
                                     for n in (1, 2)], ["employment_id"])
    warehouse.upsert("quarantine", [{"quarantine_id": "q1", "run_id": "r2", "source": "greenhouse",
                                     "dataset": "employments", "record_key": "x", "reason": "bad date",
                                     "candidate_id": "c4"}], ["quarantine_id"])
    whole = input_digests(warehouse, "r2")
    assert set(whole) == {*people, "a0", "c25", "z9"}
    assert len(id_ranges(warehouse, 2)) == 3 and len(id_ranges(warehouse, 1)) == 5
    for size in (1, 2, 3):
        assert input_digests(warehouse, "r2", size) == whole
    assert whole["c4"] != input_digests(warehouse, "r3", 1)["c4"]  # r2's quarantine, read on r2 only


def test_the_register_digest_hashes_what_the_warehouse_would_aggregate(warehouse):  # noqa: F811
    """``register_digest`` streams the register's rows and hashes them here (both engines): the same
    value as the warehouse's own ``md5(string_agg(...))`` of them, non-ASCII and NULL values included."""
    import hashlib

    from include.warehouse.base import quote_ident
    from include.warehouse.check_inputs import (
        REGISTER_SKIPPED,
        REGISTER_TABLES,
        _columns,
        _row_text,
        register_digest,
    )

    def in_sql() -> str:
        h = hashlib.sha256()
        for table, order in REGISTER_TABLES.items():
            row = _row_text(_columns(warehouse, table, REGISTER_SKIPPED), "t")
            keys = ", ".join(f"t.{quote_ident(c)}" for c in order)
            got = warehouse.query(f"SELECT count(*) AS n, md5(string_agg({row}, chr(30) ORDER BY {keys}, {row})) "
                                  f"AS d FROM {quote_ident(table)} t")[0]
            h.update(f"{table}:{got['n']}:{got['d']}\n".encode())
        return h.hexdigest()

    assert register_digest(warehouse) == in_sql()  # an empty register
    warehouse.upsert("registry_entities", [
        {"entity_id": f"companies_house:{n}", "registry": "companies_house", "status": None if n % 2 else "active",
         "record_url": "u", "fetched_at": "2026-11-01"} for n in range(5)], ["entity_id"])
    warehouse.upsert("registry_names", [
        {"entity_id": f"companies_house:{n}", "position": p, "name": name, "kind": "current"}
        for n in range(5) for p, name in enumerate(["Zürich Versicherung", "東芝", f"Acme {n}"])],
        ["entity_id", "name", "kind"])
    assert register_digest(warehouse) == in_sql()
