"""A candidate's access request: the export and the report they read hold nothing about anyone else, and
only the runs of the warehouse asked are searched (another warehouse may share the data folder)."""

from __future__ import annotations

import base64
import gzip
import json
import stat
from pathlib import Path

import pytest

from connectors.http import Payload
from include.audit.subject import erase_candidate, export_candidate
from include.cli_access import access_export
from include.config import Config
from include.findings import findings_digest, upsert_findings
from include.landing import Lander
from tests.audit.audit_helpers import finding, seal

ANA, BOB = "greenhouse:4829103", "greenhouse:4829555"
ANA_OPP, BOB_OPP = "0a1b2c3d-0000-4000-8000-00000000a1a1", "9f8e7d6c-0000-4000-8000-00000000b0b0"
ANA_EMAIL, BOB_EMAIL = "ana.silva@example.net", "bob.jones@example.org"
GH = "https://harvest.greenhouse.io/v3"
CURSOR = base64.urlsafe_b64encode(json.dumps({"after": BOB_OPP}).encode()).decode()  # a page cursor naming Bob
DAY, FOREIGN_DAY = "2026-11-21", "2026-10-02"


def _land(root: Path, source: str, run_id: str, pages: list[tuple[str, object]]) -> list:
    lander = Lander(root, source, DAY, run_id)
    for url, body in pages:
        lander(Payload(source=source, url=url, status=200, body=json.dumps(body).encode(), fetched_at=1700000000.0))
    return lander.close()


def _person(cid: str, first: str, last: str, email: str) -> dict:
    return {"id": int(cid.split(":")[1]), "first_name": first, "last_name": last,
            "email_addresses": [{"value": email}], "custom_fields": {"background_check_consent": True}}


@pytest.fixture
def planted(warehouse, tmp_path):
    """Ana and Bob read on the same pages by this warehouse's run; a run of another warehouse (same data
    folder) read Ana too; reports of this warehouse's day and of another's both show Ana."""
    cfg = Config.model_validate({"hiring_company": {"name": "Example Robotics Ltd"}, "data_dir": str(tmp_path),
                                 "retention": {"candidate_days": 30}})
    landing = cfg.landing_path()
    pages = [
        (f"{GH}/candidates?candidate_ids=4829103,4829555&per_page=2",
         [_person(ANA, "Ana", "Silva", ANA_EMAIL), _person(BOB, "Bob", "Jones", BOB_EMAIL)]),
        (f"{GH}/applications?candidate_ids=4829555,4829103&cursor={CURSOR}",
         {"applications": [{"id": 7729103, "candidate_id": 4829103}, {"id": 7729555, "candidate_id": 4829555}]}),
        (f"https://api.lever.co/v1/opportunities?limit=2&offset={CURSOR}",
         {"data": [{"id": ANA_OPP, "emails": [ANA_EMAIL]}, {"id": BOB_OPP, "emails": [BOB_EMAIL]}],
          "next": CURSOR}),
    ]
    own = _land(landing, "greenhouse", "run-own", pages)
    _land(landing, "greenhouse", "run-of-another-warehouse", [(f"{GH}/candidates/4829103",
                                                              _person(ANA, "Ana", "Silva-Elsewhere", ANA_EMAIL))])
    warehouse.upsert("landed_payloads", [{"run_id": "run-own", "source": "greenhouse", "path": f.path,
                                          "sha256": f.sha256, "records": f.records, "bytes": f.bytes} for f in own],
                     ["run_id", "path"])
    consent = {"given": True, "source_field": "custom_field:background_check_consent", "value": "true",
               "read_at": "2026-11-21T06:00:00+00:00"}
    warehouse.upsert("candidates", [
        {"candidate_id": ANA, "source": "greenhouse", "source_id": "4829103", "first_name": "Ana",
         "last_name": "Silva", "emails": [ANA_EMAIL], "consent_given": True, "consent": consent,
         "record_url": f"{GH}/candidates/4829103", "run_id": "run-own"},
        {"candidate_id": BOB, "source": "greenhouse", "source_id": "4829555", "first_name": "Bob",
         "last_name": "Jones", "emails": [BOB_EMAIL], "consent_given": True, "consent": consent, "run_id": "run-own"},
    ], ["candidate_id"])
    warehouse.upsert("jobs", [{"job_id": "greenhouse:4001", "source": "greenhouse", "name": "Robotics Engineer"}],
                     ["job_id"])
    warehouse.upsert("applications", [
        {"application_id": "greenhouse:7729103", "candidate_id": ANA, "job_id": "greenhouse:4001",
         "applied_at": "2026-11-01", "run_id": "run-own"},
        {"application_id": "greenhouse:7729555", "candidate_id": BOB, "job_id": "greenhouse:4001",
         "run_id": "run-own"}], ["application_id"])
    found = [finding(ANA, 1, employer="Halcyon Software Ltd"), finding(BOB, 1, employer="Bobcorp Holdings")]
    upsert_findings(warehouse, found, "run-own", {ANA, BOB})
    seal(warehouse, "run-own", findings_digest(found), day=DAY)
    for run in ("run-own", "run-of-another-warehouse"):  # the check step's findings files
        batch = tmp_path / "runs" / run / "findings" / "batch-0000.jsonl"
        batch.parent.mkdir(parents=True)
        batch.write_text("".join(f.model_dump_json() + "\n" for f in found), encoding="utf-8")
    reports = tmp_path / "reports"
    reports.mkdir()
    for day, run in ((DAY, "run-own"), (FOREIGN_DAY, "run-of-another-warehouse")):
        (reports / f"report-{day}-en.html").write_text(f'<meta name="crosscheck-run" content="{run}">\n'
                                                       f"<tr data-candidate='{ANA}'>Ana Silva</tr>", encoding="utf-8")
        (reports / f"report-{day}-en.csv").write_text(f"candidate_id,name\n{ANA},Ana Silva\n", encoding="utf-8")
    return cfg


def _everything(out: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in (out.with_suffix(".json"), out.with_suffix(".html")))


BOB_MARKS = ("4829555", "7729555", BOB_OPP, CURSOR, BOB_EMAIL, "Bob", "Jones", "Bobcorp", "candidate_ids")


def test_the_export_and_the_report_hold_nothing_about_anyone_else(planted, warehouse, tmp_path, capsys):
    data = export_candidate(warehouse, ANA, planted.landing_path())
    out = tmp_path / "export" / "ana.json"
    out.parent.mkdir()
    assert access_export(warehouse, data, planted, str(out), "en") == 0
    text = _everything(out)
    for mark in BOB_MARKS:
        assert mark not in text, mark
    assert ANA_EMAIL in text and ANA_OPP in text and "7729103" in text
    assert stat.S_IMODE(out.stat().st_mode) == 0o600 and stat.S_IMODE(out.with_suffix(".html").stat().st_mode) == 0o600
    assert "wrote" in capsys.readouterr().out


def test_only_the_runs_of_the_warehouse_asked_are_searched(planted, warehouse, tmp_path):
    data = export_candidate(warehouse, ANA, planted.landing_path())
    folders = {Path(f["path"]).parent.name for f in data["landing_files"]}
    assert folders == {"run-own"}
    assert "Silva-Elsewhere" not in json.dumps(data)
    out = tmp_path / "ana.json"
    access_export(warehouse, data, planted, str(out), "en")
    assert [Path(p).name for p in json.loads(out.read_text(encoding="utf-8"))["report_files"]] == [
        f"report-{DAY}-en.csv", f"report-{DAY}-en.html"]
    erase_candidate(warehouse, ANA, planted.landing_path(), "dpo@example.com", config=planted)
    for suffix in ("html", "csv"):  # another warehouse's report stays
        assert ANA in (tmp_path / "reports" / f"report-{FOREIGN_DAY}-en.{suffix}").read_text(encoding="utf-8")
    own_report = tmp_path / "reports" / f"report-{DAY}-en.html"  # deleted; rendered again without Ana
    assert not own_report.exists() or ANA not in own_report.read_text(encoding="utf-8")
    foreign = next((tmp_path / "landing").rglob("run-of-another-warehouse/*.jsonl.gz"))
    assert "Silva-Elsewhere" in gzip.decompress(foreign.read_bytes()).decode()


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_the_report_answers_an_access_request_in_the_candidates_language(planted, warehouse, tmp_path, locale):
    data = export_candidate(warehouse, ANA, planted.landing_path())
    out = tmp_path / f"ana-{locale}.json"
    access_export(warehouse, data, planted, str(out), locale)
    html = out.with_suffix(".html").read_text(encoding="utf-8")
    headings = {"en": ["What we hold", "Where it came from", "Why we hold it, on what basis, and who sees it",
                       "When it will be deleted", "What our checks found", "Every file that mentions you"],
                "zh_CN": ["我们持有哪些信息", "信息来源", "我们为何持有这些信息", "何时删除", "核查发现了什么",
                          "提到您的所有文件"]}[locale]
    for h in headings:
        assert h in html, h
    # deleted 30 days (retention.candidate_days) after the last run that wrote Ana's rows
    assert {"en": "December 21, 2026", "zh_CN": "2026年12月21日"}[locale] in html
    assert "Robotics Engineer" in html and "Halcyon Software Ltd" in html  # the finding, in words
    assert f"landing/greenhouse/{DAY}/run-own/" in html and f"reports/report-{DAY}-en.html" in html
    assert "runs/run-own/findings/batch-0000.jsonl" in html and "run-of-another-warehouse" not in html
    assert str(tmp_path) not in html  # no server paths: relative to the data folder
    assert "snake_case" not in html and "employer_not_on_profile" not in html and "%(" not in html
    if out.with_suffix(".pdf").exists():
        assert out.with_suffix(".pdf").read_bytes().startswith(b"%PDF")
