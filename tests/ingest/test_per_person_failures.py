"""One bad answer about one person is that person's quarantine, not everyone's failed run.

Through the sandbox, whose fault switch cuts every Nth answer of a source in half (a 200 with a body
that is not JSON): GitHub's per-user answers and Lever's per-opportunity resumes. The people whose
answers were cut are quarantined with the exception's name and a pointer to the landed answer; the
others are stored. A source whose every answer fails is broken as a whole: that still fails the task.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import requests

from connectors.http import SourceError
from include.config import Config
from include.landing import read_landed
from include.pipeline import ingest
from include.run_context import RunContext
from include.warehouse import candidates, connect
from sandbox.generator import build_world
from sandbox.server import Sandbox
from sandbox.world import World
from tests.connectors.ats_world import candidate, greenhouse_client, lever_client, profile_client, world

DAY = date(2026, 11, 21)


def _faults(sb, spec) -> None:
    requests.post(f"{sb.url}/_sandbox/faults", json=spec, timeout=10).raise_for_status()


@pytest.fixture()
def env(tmp_path):
    cfg = Config.model_validate({"hiring_company": {"name": "Example Robotics Ltd"},
                                 "data_dir": str(tmp_path / "data")})
    wh = connect({"conn_type": "duckdb", "host": str(tmp_path / "wh.duckdb")})
    wh.migrate()
    yield cfg, wh
    wh.close()


@pytest.fixture(scope="module")
def generated():
    data, labels = build_world(42, 30, DAY.isoformat())
    with Sandbox(World(data, labels)) as sb:
        yield sb


def _profile_clients(sb):
    return lambda source, lander: profile_client(sb, source, lander) or greenhouse_client(sb, on_payload=lander)


def _quarantine(wh, source):
    return wh.query("SELECT record_key, reason, raw_pointer FROM quarantine WHERE source = ? ORDER BY record_key",
                    [source])


def test_a_malformed_github_answer_quarantines_that_person_and_the_others_go_on(generated, env):
    cfg, wh = env
    make = _profile_clients(generated)
    ingest.ingest_ats("greenhouse", make, wh, cfg, RunContext("cc-pp-1", DAY))
    ids = candidates.consenting_candidate_ids(wh)
    with_login = [r["candidate_id"] for r in wh.query(
        "SELECT candidate_id FROM candidates WHERE consent_given AND github_login IS NOT NULL")]
    assert len(with_login) >= 6
    _faults(generated, {"github": {"truncate_every": 3}})
    try:
        part = ingest.ingest_profiles(ids, 0, make, wh, cfg, RunContext("cc-pp-1", DAY))
    finally:
        _faults(generated, {})
    bad = [q for q in _quarantine(wh, "github") if q["reason"].startswith("MalformedResponse: github:")]
    assert len(bad) == len(with_login) // 3  # every third GitHub answer was cut
    for q in bad:  # the pointer leads to the landed answer, which is the cut body itself
        assert Path(q["raw_pointer"]).is_file()
        assert any(line["status"] == 200 for line in read_landed(q["raw_pointer"]))
    cut = {q["record_key"].rsplit(":github", 1)[0] for q in bad}
    stored = {r["candidate_id"] for r in wh.query("SELECT candidate_id FROM employments WHERE source = 'github'")}
    assert stored and not stored & cut  # the others' GitHub jobs are stored, the cut ones have none
    assert part["candidates"] == len(ids)


def test_a_profile_source_whose_every_answer_fails_still_fails_the_task(generated, env):
    cfg, wh = env
    make = _profile_clients(generated)
    ingest.ingest_ats("greenhouse", make, wh, cfg, RunContext("cc-pp-2", DAY))
    _faults(generated, {"github": {"truncate_every": 1}})
    try:
        with pytest.raises(SourceError, match=r"github: all \d+ answers of this chunk failed"):
            ingest.ingest_profiles(candidates.consenting_candidate_ids(wh), 0, make, wh, cfg, RunContext("cc-pp-2", DAY))
    finally:
        _faults(generated, {})


def test_a_malformed_lever_resume_is_that_persons_quarantine(env):
    """Requests: postings, opportunities, then per consenting opportunity its resumes and its files.
    Cutting every 3rd answer cuts the first person's resumes and the second person's files."""
    cfg, wh = env
    people = [candidate("lever", i, csv=None) for i in range(3)]
    with Sandbox(World(world(people))) as sb:
        _faults(sb, {"lever": {"truncate_every": 3}})
        part = ingest.ingest_ats("lever", lambda _s, lander: lever_client(sb, on_payload=lander), wh, cfg,
                                 RunContext("cc-pp-3", DAY), with_timeline=False)  # the timeline's own reads count too
        asked = [path for src, _m, path in sb.requests_log if src == "lever"]
    assert len(asked) == 2 + 2 * len(people)
    assert "/resumes" in asked[2] and "/files" in asked[5]
    ids = [f"lever:{p['id']}" for p in people]
    got = _quarantine(wh, "lever")
    assert [q["record_key"] for q in got] == [f"{ids[0]}:resumes", f"{ids[1]}:files"]
    for q in got:
        assert q["reason"].startswith("MalformedResponse: lever:") and Path(q["raw_pointer"]).is_file()
    jobs = {r["candidate_id"] for r in wh.query("SELECT candidate_id FROM employments WHERE source = 'lever'")}
    assert jobs == set(ids[1:])  # the second person's resume was read whole: only their files failed
    assert part["consent"]["given"] == 3 and wh.query("SELECT COUNT(*) AS n FROM candidates")[0]["n"] == 3
