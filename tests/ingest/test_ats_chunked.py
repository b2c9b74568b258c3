"""ATS reads in chunks: bounded memory per chunk, the same records as one read, stored chunk by chunk."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest

from include.config import Config
from include.ingest import ats_common
from include.ingest.ats import fetch_greenhouse, fetch_lever, iter_greenhouse, iter_lever
from include.pipeline import ingest
from include.run_context import RunContext
from include.warehouse import connect
from sandbox.generator import build_world
from sandbox.server import Sandbox
from sandbox.world import World
from tests.connectors.ats_world import greenhouse_client, lever_client

UNTIL = "2026-11-22T00:00:00Z"
UNTIL_MS = 1795305600000
GH = {"consent_field": "background_check_consent"}
LV = {"consent_tag": "background-check-consent"}
RECORDS = ("candidates", "applications", "jobs", "resume_jobs", "educations", "linkedin_jobs")


@pytest.fixture(scope="module")
def sandbox():
    data, labels = build_world(42, 40, "2026-11-21")
    with Sandbox(World(data, labels)) as sb:
        yield sb


def _ids(batch) -> dict[str, set[str]]:
    out = {}
    for name in RECORDS:
        out[name] = {m.model_dump_json() for m in getattr(batch, name)}
    return out


def _gh_chunks(sandbox, size):
    return list(iter_greenhouse(greenhouse_client(sandbox), since=None, until=UNTIL, chunk_size=size,
                                read_at="2026-11-21T06:00:00Z", **GH))


def test_greenhouse_chunks_are_bounded_and_add_up_to_one_read(sandbox):
    sandbox.requests_log.clear()
    chunks = _gh_chunks(sandbox, 3)
    assert len(chunks) >= 1 + 20 // 3  # the head (jobs, applications), then ~20 candidates in threes
    assert all(len(b.candidates) <= 3 for b in chunks) and not chunks[0].candidates
    whole = fetch_greenhouse(greenhouse_client(sandbox), since=None, until=UNTIL, read_at="2026-11-21T06:00:00Z", **GH)
    assert _ids(ats_common.merged(chunks, "greenhouse")) == _ids(whole)
    assert {b.new_watermark for b in chunks} == {whole.new_watermark}
    # resume data is asked for a chunk's consenting candidates at a time
    asked = [parse_qs(urlsplit(path).query)["candidate_ids"][0].split(",")
             for src, _m, path in sandbox.requests_log if src == "greenhouse" and "/candidate_employments" in path]
    assert len(asked) > 1 and all(len(ids) <= 3 for ids in asked[: len(asked) // 2])
    for b in chunks[1:]:  # every chunk's resume jobs and applications belong to that chunk's candidates
        assert {j.candidate_id for j in b.resume_jobs} <= {c.candidate_id for c in b.candidates if c.consent.given}
        assert {a.candidate_id for a in b.applications} == {c.candidate_id for c in b.candidates}
    assert not chunks[0].applications  # every application's candidate was read in this window


def test_lever_chunks_are_bounded_and_add_up_to_one_read(sandbox):
    chunks = list(iter_lever(lever_client(sandbox), since_ms=None, until_ms=UNTIL_MS, chunk_size=4,
                             read_at="2026-11-21T06:00:00Z", **LV))
    assert len(chunks) >= 20 // 4 and all(len(b.candidates) <= 4 for b in chunks)
    whole = fetch_lever(lever_client(sandbox), since_ms=None, until_ms=UNTIL_MS, read_at="2026-11-21T06:00:00Z", **LV)
    assert _ids(ats_common.merged(chunks, "lever")) == _ids(whole)
    assert not chunks[0].candidates and not chunks[0].applications and chunks[0].jobs
    for b in chunks[1:]:
        assert {j.candidate_id for j in b.resume_jobs} <= {c.candidate_id for c in b.candidates if c.consent.given}
        assert {a.candidate_id for a in b.applications} == {c.candidate_id for c in b.candidates}


def _tables(wh) -> dict[str, set[tuple]]:
    out = {}
    for table, key in (("candidates", "candidate_id"), ("applications", "application_id"), ("jobs", "job_id"),
                       ("employments", "employment_id"), ("educations", "education_id")):
        out[table] = {tuple(sorted((k, str(v)) for k, v in r.items() if k not in ("run_id", "consent")))
                      for r in wh.query(f"SELECT * FROM {table} ORDER BY {key}")}
    return out


@pytest.mark.parametrize("source", ["greenhouse", "lever"])
def test_ingest_stores_chunk_by_chunk_what_one_read_stores(sandbox, tmp_path, monkeypatch, source):
    make = {"greenhouse": lambda lander: greenhouse_client(sandbox, on_payload=lander),
            "lever": lambda lander: lever_client(sandbox, on_payload=lander)}[source]
    stored, parts = {}, {}
    for size in (1000, 8):  # 8: a few chunks per source (each chunk is one GX validation per dataset)
        monkeypatch.setattr(ats_common, "CHUNK_CANDIDATES", size)
        cfg = Config.model_validate({"hiring_company": {"name": "Example Robotics Ltd"},
                                     "data_dir": str(tmp_path / f"data-{size}")})
        wh = connect({"conn_type": "duckdb", "host": str(tmp_path / f"wh-{size}.duckdb")})
        wh.migrate()
        try:
            parts[size] = ingest.ingest_ats(source, lambda _s, lander: make(lander), wh, cfg,
                                            RunContext(f"cc-test-{size}", date(2026, 11, 21)))
            stored[size] = _tables(wh)
            watermark = wh.query("SELECT value FROM watermarks WHERE source = ?", [source])
        finally:
            wh.close()
        assert watermark and watermark[0]["value"] == parts[size]["watermark"]["after"]
    assert stored[8] == stored[1000] and stored[8]["employments"]
    assert parts[8]["chunks"] > parts[1000]["chunks"] >= 1
    assert parts[8]["records_read"] == parts[1000]["records_read"]
    assert parts[8]["consent"]["given"] == parts[1000]["consent"]["given"] > 0
    batches = [d for d in parts[8]["data_quality"] if d["dataset"] == "candidates"]
    assert len(batches) > 1 and sum(d["records_in"] for d in batches) == len(stored[8]["candidates"])
