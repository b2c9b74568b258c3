"""The sealed run manifest: data-quality results of every ingest part, the Data Docs site, consent evidence."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

import pytest

from include.audit.chain import verify
from include.config import Config
from include.pipeline import store
from include.pipeline.runs import run_dir, write_part
from include.pipeline.seal import CONSENT_KEYS, seal_run
from include.quality.validate import BatchRejected
from include.run_context import RunContext
from tests.quality.conftest import VALID

RUN = RunContext("cc-2026-11-21-20261121T060000-test", date(2026, 11, 21))
EARLIER = "lever:77aa-earlier"  # consent read by an earlier run, checked again by this one
EMAIL, PHONE = "ana.silva@example.net", "+44 7700 900123"


def _candidate(cid: str, given: bool, email: str) -> dict:
    c = copy.deepcopy(VALID["candidates"])
    source, sid = cid.split(":", 1)
    c.update(candidate_id=cid, source=source, source_id=sid, emails=[email])
    c["consent"].update(given=given, value=str(given).lower())
    return c


@pytest.fixture
def sealed(warehouse, tmp_path) -> tuple[dict, Config]:
    cfg = Config.model_validate({"hiring_company": {"name": "Example Robotics Ltd"}, "data_dir": str(tmp_path)})
    ana, bob = _candidate("greenhouse:4829103", True, EMAIL), _candidate("greenhouse:4829555", False, "b@example.org")
    earlier = _candidate(EARLIER, True, "earlier@example.com")
    earlier["consent"].update(source_field="tag:background-check-consent", read_at="2026-11-01T06:00:00Z")
    store.validate_and_store(warehouse, cfg, RunContext("cc-earlier", date(2026, 11, 1)), "candidates", "lever", [earlier])
    ats = [store.validate_and_store(warehouse, cfg, RUN, "candidates", "greenhouse", [ana, bob], "landing/p1"),
           store.validate_and_store(warehouse, cfg, RUN, "applications", "greenhouse", [VALID["applications"]])]
    write_part(cfg, RUN, "source-greenhouse", {
        "source": "greenhouse", "skipped": False, "data_quality": ats,
        "consent": {"given": 1, "not_given": 1, "evidence": [{"candidate_id": c["candidate_id"], **c["consent"]}
                                                             for c in (ana, bob)]}})
    profile_jobs = [dict(VALID["employments"], employment_id=f"orcid:e{i}", source="orcid") for i in range(3)]
    write_part(cfg, RUN, "profiles-0000", {"chunk": 0, "data_quality": store.validate_and_store(
        warehouse, cfg, RUN, "employments", "profiles", profile_jobs)})
    write_part(cfg, RUN, "source-reviews", {"source": "reviews", "data_quality": store.validate_and_store(
        warehouse, cfg, RUN, "reviews", "reviews", [VALID["reviews"]])})
    bad = dict(VALID["employments"], employment_id="orcid:bad", start_raw="31/02/2019", source="orcid")
    with pytest.raises(BatchRejected):  # the task fails: only the store leaves its trace
        store.validate_and_store(warehouse, cfg, RUN, "employments", "profiles", [bad])
    plan = run_dir(cfg, RUN) / "plan"
    plan.mkdir()
    (plan / "check.json").write_text(json.dumps([["greenhouse:4829103", EARLIER]]), encoding="utf-8")
    seal_run(warehouse, cfg, RUN, [{"dag_id": "crosscheck_ingest", "state": "success"}])
    manifest = warehouse.query("SELECT manifest FROM pipeline_runs WHERE run_id = ?", [RUN.run_id])[0]["manifest"]
    return (json.loads(manifest) if isinstance(manifest, str) else manifest), cfg


def test_manifest_holds_the_data_quality_of_every_part(sealed, warehouse):
    manifest, _ = sealed
    got = sorted((d["dataset"], d["source"], d["records_in"], d["accepted"]) for d in manifest["data_quality"])
    assert got == [("applications", "greenhouse", 1, True), ("candidates", "greenhouse", 2, True),
                   ("employments", "profiles", 1, False), ("employments", "profiles", 3, True),
                   ("reviews", "reviews", 1, True)]
    summary = manifest["data_quality_summary"]
    assert summary["employments"] == {"batches": 2, "records_in": 4, "good": 3, "quarantined": 1,
                                      "sources": ["profiles"], "success": False, "accepted": False,
                                      "failure_rate": 0.25}
    assert summary["candidates"]["good"] == 2 and summary["candidates"]["success"] is True
    assert verify(warehouse).ok


def test_manifest_points_at_the_runs_data_docs_without_values(sealed):
    manifest, cfg = sealed
    index = Path(manifest["data_docs"])
    assert index == run_dir(cfg, RUN) / "data_docs" / "site" / "index.html" and index.exists()
    results = sorted((index.parent.parent / "results").glob("*.json"))
    assert len(results) == 5  # one per validated batch, the rejected one included
    for d in manifest["data_quality"]:
        assert Path(d["data_docs_result"]) in results
    site = "\n".join(p.read_text(encoding="utf-8", errors="replace")
                     for p in index.parent.rglob("*") if p.is_file() and p.suffix in (".html", ".json"))
    assert "employments" in (index.read_text(encoding="utf-8"))
    assert len(list((index.parent / "validations").rglob("*.html"))) == 5  # a page per batch
    for value in (EMAIL, PHONE, "Silva", "31/02/2019", "Halcyon"):
        assert value not in site, value
        assert all(value not in p.read_text(encoding="utf-8") for p in results), value


def test_manifest_records_consent_evidence_compactly(sealed):
    manifest, _ = sealed
    consent = manifest["consent"]
    assert [e["candidate_id"] for e in consent["evidence"]] == ["greenhouse:4829103", "greenhouse:4829555", EARLIER]
    for e in consent["evidence"]:
        assert set(e) == set(CONSENT_KEYS)  # JSONB does not keep key order
    earlier = consent["evidence"][2]
    assert earlier["source_field"] == "tag:background-check-consent" and earlier["read_at"] == "2026-11-01T06:00:00Z"
    assert consent["given"] == 2 and consent["not_given"] == 1 and consent["read_this_run"] == 2
    assert "evidence" not in manifest["sources"]["greenhouse"]["consent"]  # listed once, at the top
    text = json.dumps(manifest)
    for value in (EMAIL, PHONE, "Silva", "Ana"):
        assert value not in text, value


def test_manifest_gathers_the_payloads_of_chunked_sources():
    from include.pipeline.seal import chunked_sources

    parts = {
        "profiles-0000": {"chunk": 0, "skipped": ["github"], "payloads": {
            "orcid": [{"path": "a.jsonl.gz", "sha256": "1" * 64, "responses": 3}], "github": []}},
        "profiles-0001": {"chunk": 1, "skipped": ["github"], "payloads": {
            "orcid": [{"path": "b.jsonl.gz", "sha256": "2" * 64, "responses": 2}], "github": []}},
        "registries-0000": {"chunk": 0, "skipped": [], "payloads": {
            "gleif": [{"path": "g.jsonl.gz", "sha256": "3" * 64, "responses": 1}]}},
        "rejected-employments.profiles-abc": {"data_quality": {}},
    }
    got = chunked_sources(parts)
    assert got["orcid"]["payloads"] == [{"path": "a.jsonl.gz", "sha256": "1" * 64, "responses": 3},
                                        {"path": "b.jsonl.gz", "sha256": "2" * 64, "responses": 2}]
    assert got["orcid"]["responses"] == 5 and got["orcid"]["skipped"] is False
    assert got["github"]["skipped"] is True and got["github"]["reason"] == "connection not defined"
    assert got["gleif"]["chunks"] == 1 and got["companies_house"]["payloads"] == []


def test_the_data_docs_site_built_at_the_end_of_ingest_is_reused_by_the_seal_until_a_result_changes(
        warehouse, tmp_path, monkeypatch):
    """The ingest DAG's last task builds the site (``finish_ingest``); the seal, in another process, names it
    without building it again, unless a result was saved or changed since."""
    from include.pipeline.seal import data_docs_index
    from include.quality import datadocs

    cfg = Config.model_validate({"hiring_company": {"name": "Example Robotics Ltd"}, "data_dir": str(tmp_path)})
    assert data_docs_index(cfg, RUN) is None  # nothing validated yet: no site
    builds: list[int] = []
    real = datadocs.build_data_docs

    def counted(results, out_dir):
        builds.append(len(results))
        return real(results, out_dir)

    monkeypatch.setattr(datadocs, "build_data_docs", counted)
    store.validate_and_store(warehouse, cfg, RUN, "reviews", "reviews", [VALID["reviews"]])
    index = data_docs_index(cfg, RUN)  # at the end of ingest
    assert index is not None and Path(index).is_file() and builds == [1]
    assert data_docs_index(cfg, RUN) == index and builds == [1]  # the seal: the same site, not rebuilt

    store.validate_and_store(warehouse, cfg, RUN, "applications", "greenhouse", [VALID["applications"]])
    assert data_docs_index(cfg, RUN) == index and builds == [1, 2]  # a result saved since: rebuilt
    assert "applications" in Path(index).read_text(encoding="utf-8")
    results = sorted((run_dir(cfg, RUN) / "data_docs" / "results").glob("*.json"))
    results[0].write_text(results[0].read_text(encoding="utf-8") + "\n", encoding="utf-8")  # e.g. a retried batch
    data_docs_index(cfg, RUN)
    assert builds == [1, 2, 2]  # a result changed since: rebuilt
