"""Erasure beyond the landing zone: findings files in run folders and the HR reports under data_dir."""

from __future__ import annotations

import gzip
import hashlib
import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from include.audit.chain import verify
from include.audit.subject import erase_candidate
from include.config import Config
from include.report.site import build_site
from tests.audit.audit_helpers import finding
from tests.audit.test_audit_subject import ANA, ANA_EMAIL, ANA_PHONE, BOB, BOB_EMAIL, _build

DAY = "2026-11-21"


def _config(data: Path) -> Config:
    return Config.model_validate({"hiring_company": {"name": "Example Robotics Ltd"}, "data_dir": str(data)})


def _everything_under(root: Path) -> str:
    """Every file under ``root`` as text, .gz decompressed: the test's own look."""
    parts = []
    for p in sorted(root.rglob("*")):
        if p.is_file():
            raw = p.read_bytes()
            parts.append((gzip.decompress(raw) if p.name.endswith(".gz") else raw).decode("utf-8", "replace"))
    return "\n".join(parts).lower()


@pytest.fixture
def data_dir(warehouse, tmp_path) -> Path:
    """A data_dir as a run leaves it: landing zone, a run folder with findings batches, reports."""
    data = tmp_path / "data"
    _build(warehouse, data / "landing")
    batches = data / "runs" / "run-2" / "findings"
    batches.mkdir(parents=True)
    ana = [finding(ANA, 1, summary=f"Ana Silva ({ANA_EMAIL}) lists Halcyon."), finding(ANA, 2)]
    (batches / "batch-0000.jsonl").write_text(
        "".join(f.model_dump_json() + "\n" for f in [ana[0], finding(BOB, 1), ana[1]]), encoding="utf-8")
    (batches / "batch-0001.jsonl").write_text(finding(BOB, 1).model_dump_json() + "\n", encoding="utf-8")
    config = _config(data)
    build_site(warehouse, date.fromisoformat(DAY), "run-2", config, data / "reports", ["en", "zh_CN"])
    older = data / "reports" / "report-2026-11-20-en.csv"  # an older day's report that shows Ana too
    older.write_text(f"candidate_id,candidate_name\n{ANA},Ana Silva\n", encoding="utf-8")
    (data / "reports" / "report-2026-11-19-en.csv").write_text(f"candidate_id\n{BOB}\n", encoding="utf-8")
    return data


def test_erasure_cleans_findings_files_and_reports(warehouse, data_dir):
    config = _config(data_dir)
    latest_en = data_dir / "reports" / f"report-{DAY}-en.html"
    latest_csv = data_dir / "reports" / f"report-{DAY}-en.csv"  # the day's export: the day's items only
    assert latest_csv.read_text(encoding="utf-8-sig").startswith("report_day,")
    batch0 = data_dir / "runs" / "run-2" / "findings" / "batch-0000.jsonl"
    untouched = data_dir / "runs" / "run-2" / "findings" / "batch-0001.jsonl"
    untouched_sha = hashlib.sha256(untouched.read_bytes()).hexdigest()
    assert ANA_EMAIL in _everything_under(data_dir)
    pages = data_dir / "reports" / f"report-{DAY}-en" / "requisitions"
    ana_pages = {p.name for p in (data_dir / "reports").glob("report-*/requisitions/*")
                 if ANA in p.read_text("utf-8-sig")}
    # the requisition page that lists her, in each locale, and the CSV of its findings beside it
    assert {Path(n).suffix for n in ana_pages} == {".html", ".csv"}
    assert "Ana" in (pages / next(n for n in ana_pages if n.endswith(".csv"))).read_text(encoding="utf-8-sig")
    reports = data_dir / "reports"
    held = {p.name for p in [*reports.glob("report-*.*"), *reports.glob("report-*/requisitions/*")]
            if p.is_file() and ANA in p.read_text("utf-8-sig")}
    assert {"report-2026-11-20-en.csv", *ana_pages} <= held

    report = erase_candidate(warehouse, ANA, data_dir / "landing", by="dpo", config=config)

    assert verify(warehouse).ok
    text = _everything_under(data_dir)
    for needle in (ANA_EMAIL, ANA_PHONE.lower(), ANA.lower(), "ana silva"):
        assert needle not in text, needle
    assert BOB_EMAIL in text and BOB.lower() in text  # nobody else's data went with it
    assert report["residual"] == {} and report["residual_files"] == []
    # the findings batch keeps Bob's line, loses Ana's two
    lines = [json.loads(x) for x in batch0.read_text(encoding="utf-8").splitlines()]
    assert [x["candidate_id"] for x in lines] == [BOB]
    assert hashlib.sha256(untouched.read_bytes()).hexdigest() == untouched_sha
    # reports that showed Ana: deleted and listed; the latest day re-rendered without her
    files = {Path(f["path"]).name: f for f in report["files"]}
    assert files["batch-0000.jsonl"]["lines"] == 2
    assert files["batch-0000.jsonl"]["new_sha256"] == hashlib.sha256(batch0.read_bytes()).hexdigest()
    deleted = sorted(n for n, f in files.items() if f.get("deleted"))
    assert deleted == sorted(held)  # every report file that showed her, the requisition pages too
    assert not (data_dir / "reports" / "report-2026-11-20-en.csv").exists()
    assert (data_dir / "reports" / "report-2026-11-19-en.csv").exists()  # it never showed Ana
    assert latest_en.exists() and "halcyon" in _everything_under(pages)  # Bob's page, re-rendered
    assert BOB.lower() in "".join(p.read_text("utf-8-sig").lower() for p in pages.glob("*.csv"))  # and its CSV
    assert sorted(p.stem for p in pages.glob("*.csv")) == sorted(p.stem for p in pages.glob("*.html"))
    assert sorted(Path(p).name for p in report["reports_rerendered"]) == sorted(
        f"report-{DAY}-{loc}.{ext}" for loc in ("en", "zh_CN") for ext in ("html", "csv"))
    # the tombstone lists the files (paths and hashes only)
    tomb = warehouse.query("SELECT files FROM erasures")[0]["files"]
    assert {Path(f["path"]).name for f in tomb} >= set(deleted) | {"batch-0000.jsonl"}
    assert "4829103" not in json.dumps(tomb) and ANA_EMAIL not in json.dumps(tomb)


def test_erasure_without_data_root_leaves_run_folders_alone(warehouse, data_dir):
    """The old call (landing root only) keeps working and touches nothing else."""
    batch0 = data_dir / "runs" / "run-2" / "findings" / "batch-0000.jsonl"
    before = batch0.read_bytes()
    report = erase_candidate(warehouse, ANA, data_dir / "landing", by="dpo")
    assert "residual_files" not in report and batch0.read_bytes() == before
    assert verify(warehouse).ok


def test_erasure_finds_a_candidate_held_only_in_files(warehouse, data_dir):
    """Erased before run folders were covered: a second request cleans what is left there."""
    erase_candidate(warehouse, ANA, data_dir / "landing", by="dpo")
    again = erase_candidate(warehouse, ANA, data_dir / "landing", by="dpo", data_root=data_dir)
    assert again["already_erased"] is True
    assert ANA.lower() not in _everything_under(data_dir / "runs")
    assert again["residual_files"] == [] and again["reports_rerendered"] == []  # no config: not re-rendered


def test_a_report_of_a_candidate_whose_id_extends_theirs_is_kept(warehouse, data_dir):
    longer = data_dir / "reports" / "report-2026-11-18-en.csv"
    longer.write_text(f"candidate_id\n{ANA}7\n", encoding="utf-8")  # greenhouse:48291037: someone else
    erase_candidate(warehouse, ANA, data_dir / "landing", by="dpo", data_root=data_dir)
    assert longer.exists()
    assert not (data_dir / "reports" / "report-2026-11-20-en.csv").exists()


def test_erasure_deletes_every_days_link_of_a_page_and_its_record(warehouse, data_dir):
    """A day's site takes the pages that did not change over from the day before as hard links: the
    erasure deletes every name that shows the candidate (both days'), drops those pages from the sites'
    records, and the next day's build renders their requisition's page again rather than linking a file."""
    config = _config(data_dir)
    reports = data_dir / "reports"
    nxt = date.fromisoformat(DAY) + timedelta(days=1)
    site = build_site(warehouse, nxt, "run-2", config, reports, ["en", "zh_CN"])
    assert all(s.rendered == 0 and s.linked > 0 for s in site.values())
    ana = sorted(p for p in reports.glob("report-*/requisitions/*") if ANA in p.read_text("utf-8-sig"))
    assert {p.parent.parent.name for p in ana} == {f"report-{d}-{loc}" for d in (DAY, nxt) for loc in ("en", "zh_CN")}
    assert all(p.stat().st_nlink == 2 for p in ana)  # one file, two days' names
    stems = {(p.parent.parent.name, p.stem) for p in ana}
    for folder, stem in stems:
        assert stem in json.loads((reports / f"{folder}.pages.json").read_text("utf-8"))["pages"]

    report = erase_candidate(warehouse, ANA, data_dir / "landing", by="dpo", config=config)

    assert report["residual_files"] == []
    # the next day's names are gone; the latest run's day (DAY) was rendered again, without her
    assert all(not p.exists() for p in ana if p.parent.parent.name.startswith(f"report-{nxt}"))
    assert all(ANA not in p.read_text("utf-8-sig") for p in ana if p.exists())
    assert {str(p) for p in ana} <= {f["path"] for f in report["files"] if f.get("deleted")}
    for folder, stem in stems:
        if folder.startswith(f"report-{nxt}"):  # the latest run's day (DAY) was rendered again, not this one
            assert stem not in json.loads((reports / f"{folder}.pages.json").read_text("utf-8"))["pages"]
    later = build_site(warehouse, nxt + timedelta(days=1), "run-2", config, reports, ["en"])["en"]
    assert (later.rendered, later.linked) == (1, 0)  # the record of the day before no longer lends it
    assert ANA.lower() not in _everything_under(reports)
    assert BOB.lower() in _everything_under(later.pages)
