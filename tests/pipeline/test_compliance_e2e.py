"""Compliance, end to end on the sandbox: nothing personal or secret in the logs, the sealed manifest,
an erasure request through the CLI, and an access request for someone else.

One pipeline run of its own (``make_env``): the erasure changes the warehouse, and the shared
``duckdb_pipeline`` is asserted against the sandbox labels by test_end_to_end.py.
"""

from __future__ import annotations

import base64
import gzip
import json
import re
from pathlib import Path

import pytest

from sandbox.credentials import GREENHOUSE_CLIENT_ID, GREENHOUSE_CLIENT_SECRET, SECRETS
from tests.pipeline.conftest import REPORT_DAY, PipelineEnv, make_env

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


@pytest.fixture(scope="module")
def compliance_run(tmp_path_factory, sandbox) -> tuple[PipelineEnv, str]:
    tmp = tmp_path_factory.mktemp("e2e-compliance")
    env = make_env(tmp, {"conn_type": "duckdb", "host": str(tmp / "warehouse.duckdb")}, sandbox)
    proc = env.crosscheck("run", "--date", REPORT_DAY, check=True)
    return env, proc.stdout + "\n" + proc.stderr


def _personal_needles(world) -> set[str]:
    """Every e-mail address anywhere in the sandbox world, and every candidate's phone number, in the
    forms they could be logged in (as written, URL-encoded, digits only)."""
    text = json.dumps(world.data, ensure_ascii=False)
    needles = set()
    for email in set(EMAIL.findall(text)):
        needles.update({email.lower(), email.lower().replace("@", "%40")})
    for cand in world.data["candidates"]:
        for phone in cand["phones"]:
            needles.update({phone.lower(), re.sub(r"\D", "", phone)})
    return {n for n in needles if len(n) >= 6}


def _secret_needles() -> set[str]:
    basic = [f"{GREENHOUSE_CLIENT_ID}:{GREENHOUSE_CLIENT_SECRET}", *(f"{s}:" for s in SECRETS)]
    return {*SECRETS, *(base64.b64encode(b.encode()).decode() for b in basic)}


def _log_texts(env: PipelineEnv, cli_output: str) -> dict[str, str]:
    logs = {"crosscheck run (stdout+stderr)": cli_output}
    for p in sorted((env.tmp / "airflow-home" / "logs").rglob("*")):
        if p.is_file():
            raw = p.read_bytes()
            logs[str(p)] = (gzip.decompress(raw) if p.name.endswith(".gz") else raw).decode("utf-8", "replace")
    return logs


def _files_text(root: Path) -> dict[str, str]:
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file():
            raw = p.read_bytes()
            out[str(p)] = (gzip.decompress(raw) if p.name.endswith(".gz") else raw).decode("utf-8", "replace").lower()
    return out


def _warehouse_text(wh) -> str:
    """Every text-like column of every table, cast to text: the test's own look."""
    parts = []
    for table in wh.tables():
        for column, kind in wh.columns(table).items():
            if kind.upper() in ("TEXT", "VARCHAR", "JSON", "JSONB", "CHARACTER VARYING"):
                parts += [str(r["v"]) for r in wh.query(f'SELECT CAST("{column}" AS TEXT) AS v FROM "{table}"')]
    return "\n".join(parts).lower()


def test_logs_hold_no_personal_data_and_no_secret(compliance_run, world):
    env, cli_output = compliance_run
    logs = _log_texts(env, cli_output)
    task_lines = sum(text.count("[DAG TEST] end task") for text in logs.values())
    assert len(logs) >= 2 and task_lines >= 20, "the Airflow task logs were not found: the test would prove nothing"
    assert any("data quality candidates/greenhouse" in text for text in logs.values())
    needles = _personal_needles(world) | {s.lower() for s in _secret_needles()}
    assert len(needles) > 3 * len(world.data["candidates"])  # e-mails, phones (two spellings each), secrets
    leaks = sorted({(name, n) for name, text in logs.items() for n in needles if n in text.lower()})
    assert not leaks, f"{len(leaks)} personal values or secrets in logs, e.g. in {leaks[0][0]}"


def test_sealed_manifest_records_quality_data_docs_and_consent(compliance_run, world):
    env, _ = compliance_run
    wh = env.warehouse()
    try:
        row = wh.query("SELECT manifest FROM pipeline_runs ORDER BY seq DESC LIMIT 1")[0]["manifest"]
    finally:
        wh.close()
    manifest = json.loads(row) if isinstance(row, str) else row
    sources = {d["source"] for d in manifest["data_quality"]}
    assert {"greenhouse", "lever", "linkedin", "profiles", "reviews"} <= sources
    plan = env.tmp / "data" / "runs" / manifest["run_id"] / "plan" / "profiles.json"
    chunks = len(json.loads(plan.read_text(encoding="utf-8")))
    assert chunks >= 2
    assert sum(d["source"] == "profiles" for d in manifest["data_quality"]) == chunks  # every mapped chunk
    assert set(manifest["data_quality_summary"]) == {"jobs", "candidates", "applications", "employments",
                                                     "educations", "reviews"}
    assert all(d["accepted"] for d in manifest["data_quality_summary"].values())
    assert Path(manifest["data_docs"]).exists() and manifest["data_docs"].endswith("site/index.html")
    for source in ("greenhouse", "lever", "orcid", "github", "companies_house", "gleif", "opencorporates", "reviews"):
        assert manifest["sources"][source]["payloads"], f"no payload hashes of {source} in the manifest"
    assert manifest["sources_skipped"] == []
    consent = manifest["consent"]
    by_id = {e["candidate_id"]: e for e in consent["evidence"]}
    assert len(by_id) == len(world.data["candidates"])
    expected = {f"{c['ats']}:{c['id']}": bool(c["consent"]) for c in world.data["candidates"]}
    assert {cid: e["given"] for cid, e in by_id.items()} == expected
    assert all(e["source_field"] and e["read_at"] for e in by_id.values())
    text = json.dumps(manifest, ensure_ascii=False).lower()
    assert not [n for n in _personal_needles(world) if n in text]
    names = {f"{c['first_name']} {c['last_name']}".lower() for c in world.data["candidates"]}
    assert not [n for n in names if n in text]


def _pick(wh, with_profile: bool, other_than: str = "") -> str:
    """A consenting candidate with findings, an e-mail and a phone (and profile jobs, if asked)."""
    rows = wh.query(
        "SELECT c.candidate_id FROM candidates c WHERE c.consent_given AND c.candidate_id <> ? "
        "AND EXISTS (SELECT 1 FROM discrepancies d WHERE d.candidate_id = c.candidate_id) "
        + ("AND EXISTS (SELECT 1 FROM employments e WHERE e.candidate_id = c.candidate_id "
           "AND e.source IN ('orcid', 'github')) " if with_profile else "")
        + "ORDER BY c.candidate_id", [other_than])
    for r in rows:
        cand = wh.query("SELECT emails, phones FROM candidates WHERE candidate_id = ?", [r["candidate_id"]])[0]
        if cand["emails"] and cand["phones"]:
            return r["candidate_id"]
    raise AssertionError("the sandbox has no consenting candidate with findings, e-mail and phone")


def test_erasure_request_end_to_end_then_an_access_request(compliance_run, tmp_path):
    env, _ = compliance_run
    data_dir = env.tmp / "data"
    wh = env.warehouse()
    try:
        gone = _pick(wh, with_profile=False)
        other = _pick(wh, with_profile=True, other_than=gone)
        cand = wh.query("SELECT emails, phones FROM candidates WHERE candidate_id = ?", [gone])[0]
        run_id = wh.query("SELECT run_id FROM pipeline_runs ORDER BY seq DESC LIMIT 1")[0]["run_id"]
    finally:
        wh.close()
    emails = [e.lower() for e in cand["emails"]]
    personal = [*emails, *(p.lower() for p in cand["phones"])]
    before = _files_text(data_dir)
    assert any(emails[0] in t for t in before.values())  # it was there: the check below can fail
    assert any(gone in t for p, t in before.items() if "/reports/" in p)

    proc = env.crosscheck("candidate", "erase", gone, "--by", "dpo@example.test", check=True)
    report = json.loads(proc.stdout)
    assert report["residual"] == {} and report["residual_files"] == []
    assert report["tables"]["candidates"] == 1 and report["findings"]
    assert report["reports_rerendered"]

    verify = env.crosscheck("audit", "verify")
    assert verify.returncode == 0 and "audit chain OK" in verify.stdout, verify.stderr
    wh = env.warehouse()
    try:
        in_wh = _warehouse_text(wh)
    finally:
        wh.close()
    after = _files_text(data_dir)
    for value in personal:
        assert value not in in_wh, "erased candidate's personal data still in the warehouse"
        hits = [p for p, t in after.items() if value in t]
        assert not hits, f"erased candidate's personal data still under data_dir: {hits[:3]}"
    assert not [p for p, t in after.items() if gone in t and ("/reports/" in p or "/findings/" in p)]
    assert Path(data_dir / "reports" / f"report-{REPORT_DAY}-en.html").exists()  # HR's latest report is back

    out = tmp_path / "export.json"
    env.crosscheck("candidate", "export", other, "--out", str(out), check=True)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["candidate"]["candidate_id"] == other and data["applications"]
    sources = {e["source"] for e in data["employments"]}
    assert sources & {"greenhouse", "lever"} and sources & {"orcid", "github"}  # claims and profiles
    assert data["findings"] and all(f["candidate_id"] == other for f in data["findings"])
    audit = data["audit"]
    assert run_id in audit["runs_that_wrote_candidate_rows"] and run_id in audit["runs_that_wrote_findings"]
    mention = next(m for m in audit["manifests_mentioning_candidate"] if m["run_id"] == run_id)
    assert [c["candidate_id"] for c in mention["consent"]] == [other] and mention["consent"][0]["given"]
    assert audit["erased"] is False and data["landing_files"]
    assert gone not in json.dumps(data) and emails[0] not in json.dumps(data).lower()

    erased = env.crosscheck("candidate", "export", gone, check=True)
    assert json.loads(erased.stdout)["audit"]["erased"] is True
