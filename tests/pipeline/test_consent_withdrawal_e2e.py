"""Consent withdrawn later on the report day, end to end through Airflow (`crosscheck run`, twice).

The first run of the day checks everyone and reports findings. Later that day a candidate with open
findings withdraws consent in the ATS. The second run of the same day reads that (its watermark
stopped at the first run's read moment) and erases the person as an erasure does: no findings, no
rows, nothing in the landing files, the findings files or the reports, and a tombstone. The sealed
manifest of the second run records the withdrawal as read.
"""

from __future__ import annotations

import gzip
import json
import time
from datetime import UTC, datetime, timedelta

import pytest

from include.audit.subject import WITHDRAWAL
from sandbox.generator import build_world
from sandbox.server import Sandbox
from sandbox.world import World
from tests.pipeline.conftest import make_env


def _today() -> str:
    now = datetime.now(UTC)
    left = (datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), UTC) - now).total_seconds()
    if left < 600:  # two runs must fit in the day
        time.sleep(left + 1)
    return datetime.now(UTC).date().isoformat()


def _files_text(root) -> dict[str, str]:
    out = {}
    for p in root.rglob("*"):
        if p.is_file() and p.suffix in (".gz", ".jsonl", ".html", ".csv", ".json"):
            raw = p.read_bytes()
            out[str(p.relative_to(root))] = (gzip.decompress(raw) if p.suffix == ".gz" else raw).decode("utf-8", "replace")
    return out


@pytest.fixture(scope="module")
def withdrawn(tmp_path_factory):
    day = _today()
    data, labels = build_world(42, 40, day)
    sw = World(data, labels)
    with Sandbox(sw) as sb:
        tmp = tmp_path_factory.mktemp("withdrawal")
        env = make_env(tmp, {"conn_type": "duckdb", "host": str(tmp / "warehouse.duckdb")}, sb)
        env.crosscheck("run", "--date", day, check=True)
        wh = env.warehouse()
        try:
            rows = wh.query("SELECT d.candidate_id, COUNT(*) AS n FROM discrepancies d JOIN candidates c "
                            "ON c.candidate_id = d.candidate_id WHERE c.consent_given AND d.status = 'open' "
                            "GROUP BY d.candidate_id ORDER BY n DESC, d.candidate_id")
        finally:
            wh.close()
        cid = rows[0]["candidate_id"]
        person = next(c for c in data["candidates"] if f"{c['ats']}:{c['id']}" == cid)
        person.update(consent=False, updated_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
        sw.invalidate()
        env.crosscheck("run", "--date", day, check=True)
    return env, cid, person, rows[0]["n"]


def test_the_withdrawal_is_read_the_same_day_and_erases_the_person(withdrawn):
    env, cid, _person, had = withdrawn
    assert had > 0
    wh = env.warehouse()
    try:
        for table in ("discrepancies", "candidates", "applications", "employments", "educations"):
            assert not wh.query(f"SELECT 1 FROM {table} WHERE candidate_id = ?", [cid]), table
        assert [r["erased_by"] for r in wh.query("SELECT erased_by FROM erasures")] == [WITHDRAWAL]
        runs = wh.query("SELECT state, manifest FROM pipeline_runs ORDER BY seq")
    finally:
        wh.close()
    assert [r["state"] for r in runs][-2:] == ["success", "success"]
    manifest = json.loads(runs[-1]["manifest"]) if isinstance(runs[-1]["manifest"], str) else runs[-1]["manifest"]
    evidence = [e for e in manifest["consent"]["evidence"] if e["candidate_id"] == cid]
    assert evidence and not any(e["given"] for e in evidence)


def test_nothing_of_the_person_stays_in_any_file(withdrawn):
    env, cid, person, _had = withdrawn
    personal = [*person["emails"], f"{person['first_name']} {person['last_name']}"]
    texts = _files_text(env.tmp / "data")
    assert any(name.startswith("reports/") for name in texts)  # the reports were looked at
    assert any("/findings/" in name for name in texts)  # so were the findings files
    assert sorted(name for name, text in texts.items() for n in personal if n in text) == []
    # the pseudonymous id stays only where an erasure leaves it: sealed manifests and run plans
    kept = {name for name, text in texts.items() if cid in text}
    assert kept and all("/manifest/" in name or "/plan/" in name for name in kept), sorted(kept)
