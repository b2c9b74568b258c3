"""The recruiting timeline lands from both sandbox ATSs: idempotent, incremental, append-only."""

from __future__ import annotations

import json
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest

from include.config import Config
from include.pipeline import ingest
from include.run_context import RunContext
from include.warehouse import connect
from include.warehouse.timeline import events_for, store_events
from sandbox.gen import process
from sandbox.generator import build_world
from sandbox.server import Sandbox
from sandbox.world import World
from tests.connectors.ats_world import greenhouse_client, lever_client

SEED = 42


@pytest.fixture(scope="module")
def world():
    data, labels = build_world(SEED, 60, "2026-11-21")
    return data, labels


@pytest.fixture(scope="module")
def sandbox(world):
    with Sandbox(World(*world)) as sb:
        yield sb


@pytest.fixture
def wh(tmp_path):
    w = connect({"conn_type": "duckdb", "host": str(tmp_path / "wh.duckdb")})
    w.migrate()
    yield w
    w.close()


def _cfg(tmp_path):
    return Config.model_validate({"hiring_company": {"name": "Example Robotics Ltd"}, "data_dir": str(tmp_path / "data")})


def _make(sandbox):
    return lambda source, lander: (greenhouse_client if source == "greenhouse" else lever_client)(
        sandbox, on_payload=lander)


def _count(wh, source=None):
    if source:
        return wh.query("SELECT COUNT(*) AS n FROM recruiting_events WHERE source = ?", [source])[0]["n"]
    return wh.query("SELECT COUNT(*) AS n FROM recruiting_events")[0]["n"]


@pytest.mark.parametrize("source", ["greenhouse", "lever"])
def test_events_land_idempotently_with_an_incremental_read(sandbox, world, wh, tmp_path, source):
    cfg, make = _cfg(tmp_path), _make(sandbox)
    part = ingest.ingest_timeline(source, make, wh, cfg, RunContext("cc-t-1", date(2026, 11, 21)))
    n = _count(wh, source)
    assert n == part["events_added"] > 0
    kinds = {r["kind"] for r in wh.query("SELECT DISTINCT kind FROM recruiting_events")}
    assert {"applied", "stage", "interview", "offer", "rejected", "withdrawn", "hired"} <= kinds
    # every row names its record, the record's digest and the landed file it came in, with that file's hash
    rows = wh.query("SELECT r.record_id, r.record_sha256, r.payload_sha256, l.sha256 FROM recruiting_events r "
                    "LEFT JOIN landed_payloads l ON l.path = r.landed_path")
    assert all(r["record_id"] and len(r["record_sha256"]) == 64 and r["payload_sha256"] == r["sha256"] for r in rows)
    # the employer's own process records are kept for every applicant, consenting or not
    refusing = {f"{source}:{c['id']}" for c in world[0]["candidates"] if c["ats"] == source and not c.get("consent")}
    with_events = {r["candidate_id"] for r in wh.query("SELECT DISTINCT candidate_id FROM recruiting_events")}
    assert refusing and refusing <= with_events
    # the world's processes, as the sandbox serves them, are all there
    mine = [c for c in world[0]["candidates"] if c["ats"] == source]
    offers = sum(len(process.process_of(SEED, c).offers) for c in mine)
    stored_offers = wh.query("SELECT COUNT(DISTINCT record_id) AS n FROM recruiting_events WHERE kind = 'offer'")[0]["n"]
    assert stored_offers == (offers if source == "greenhouse" else
                             sum(1 for c in mine if process.process_of(SEED, c).offers))
    # a second run of the same day reads from the watermark and adds nothing
    sandbox.requests_log.clear()
    again = ingest.ingest_timeline(source, make, wh, cfg, RunContext("cc-t-2", date(2026, 11, 21)))
    assert again["events_added"] == 0 and _count(wh, source) == n
    assert again["watermark"]["before"] == part["watermark"]["after"]
    paths = [p for src, _m, p in sandbox.requests_log if src == source]
    if source == "greenhouse":
        asked = [parse_qs(urlsplit(p).query) for p in paths if "/v3/offers" in p or "/v3/applications" in p]
        assert asked and all(q["updated_at"][0].startswith("gte|") for q in asked)
    else:
        asked = [parse_qs(urlsplit(p).query) for p in paths if p.split("?")[0].endswith("/opportunities")]
        assert asked and all("updated_at_start" in q for q in asked)


def test_greenhouse_stage_history_is_observed_between_reads(warehouse):
    wh = warehouse
    base = {"source": "greenhouse", "candidate_id": "greenhouse:1", "application_id": "greenhouse:9",
            "kind": "stage", "basis": "observed", "record_type": "application", "record_id": "9",
            "record_sha256": "0" * 64, "landed_path": "x"}
    seen = [("Phone Screen", "2026-11-01T06:00:00Z"), ("Phone Screen", "2026-11-02T06:00:00Z"),
            ("Final Round", "2026-11-03T06:00:00Z"), ("Phone Screen", "2026-11-04T06:00:00Z")]
    added = [store_events(wh, [{**base, "occurred_at": at, "detail": {"stage": stage}}], f"r{i}")
             for i, (stage, at) in enumerate(seen)]
    assert added == [1, 0, 1, 1]  # the same stage again is no step; back to a former stage is one
    wh.execute("INSERT INTO applications (application_id, candidate_id) VALUES ('greenhouse:9', 'greenhouse:1')")
    got = [(e["detail"]["stage"], e["occurred_at"], e["basis"]) for e in events_for(wh, "greenhouse:1")]
    assert got == [("Phone Screen", "2026-11-01T06:00:00Z", "observed"), ("Final Round", "2026-11-03T06:00:00Z", "observed"),
                   ("Phone Screen", "2026-11-04T06:00:00Z", "observed")]


def test_a_changed_offer_is_a_new_version_never_an_update(warehouse):
    wh = warehouse
    offer = {"source": "lever", "candidate_id": "lever:c", "application_id": "lever:o", "kind": "offer",
             "basis": "reported", "record_type": "offer", "record_id": "of-1", "record_sha256": "1" * 64,
             "occurred_at": "2026-10-01T00:00:00.000Z",
             "detail": {"status": "sent", "sent_at": "2026-10-01T00:00:00.000Z", "starts_at": "2026-12-01"}}
    assert store_events(wh, [offer], "r1") == 1
    first = wh.query("SELECT * FROM recruiting_events")
    revised = {**offer, "record_sha256": "2" * 64, "occurred_at": "2026-10-05T00:00:00.000Z",
               "detail": {**offer["detail"], "starts_at": "2026-12-15"}}
    assert store_events(wh, [revised, offer], "r2") == 1
    rows = wh.query("SELECT * FROM recruiting_events ORDER BY version")
    assert [r["version"] for r in rows] == [1, 2]
    assert rows[0] == first[0]  # version 1 untouched
    detail = rows[1]["detail"]
    assert (json.loads(detail) if isinstance(detail, str) else detail)["starts_at"] == "2026-12-15"
    # the same records read again (a re-run, or another writer racing): nothing is added or changed
    assert store_events(wh, [offer, revised], "r3") == 0
    assert wh.query("SELECT * FROM recruiting_events ORDER BY version") == rows


@pytest.mark.parametrize("source", ["greenhouse", "lever"])
def test_a_read_stored_in_small_batches_stores_what_one_batch_stores(sandbox, tmp_path, monkeypatch, source):
    from include.ingest import timeline as read

    def stored(size):
        monkeypatch.setattr(read, "CHUNK_EVENTS", size)
        w = connect({"conn_type": "duckdb", "host": str(tmp_path / f"wh-{size}.duckdb")})
        w.migrate()
        try:
            cfg = Config.model_validate({"hiring_company": {"name": "Example Robotics Ltd"},
                                         "data_dir": str(tmp_path / f"data-{size}")})
            ingest.ingest_timeline(source, _make(sandbox), w, cfg, RunContext(f"cc-c-{size}", date(2026, 11, 21)))
            rows = w.query("SELECT r.*, l.sha256 AS file_sha FROM recruiting_events r "
                           "LEFT JOIN landed_payloads l ON l.path = r.landed_path")
            parts = w.query("SELECT COUNT(*) AS n FROM landed_payloads")[0]["n"]
        finally:
            w.close()
        assert all(r["payload_sha256"] and r["payload_sha256"] == r["file_sha"] for r in rows)
        keep = ("event_id", "kind", "occurred_at", "record_id", "version", "record_sha256", "candidate_id")
        return {tuple(str(r[k]) for k in keep) for r in rows if r["basis"] == "reported"}, parts

    small, small_parts = stored(7)
    whole, whole_parts = stored(1_000_000)
    assert small == whole and small
    assert small_parts > whole_parts  # each batch closed the landing part its events came in
