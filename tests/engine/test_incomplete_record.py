"""A quarantined resume line never becomes a false accusation.

A small corrupted world through the sandbox, Greenhouse ingest, the rules and the report:

- Ana's resume lists Stanwick Advisory with a malformed start date; her LinkedIn export lists it too.
  The line is quarantined at mapping, so the rules used to say "LinkedIn shows Stanwick Advisory,
  which the resume does not list". The quarantined line names that employer: no such finding.
- Bo's resume has a job without a company between two others. It is quarantined, so the rules used to
  see a five-year gap (yellow). The unreadable job may fill it: the gap is kept, one severity lower,
  saying part of the resume could not be read and naming the quarantined record.
- The report lists each candidate's quarantined records with the reason and the landing file.
"""

from __future__ import annotations

from datetime import date

import pytest

from include.config import Config
from include.pipeline import check, ingest
from include.report.data import load_report_data
from include.report.render import build_report
from include.run_context import RunContext
from include.warehouse import connect
from sandbox.server import Sandbox
from sandbox.world import World
from tests.connectors.ats_world import candidate, greenhouse_client, world

DAY = date(2026, 11, 21)
ANA_CSV = ("Company Name,Title,Description,Location,Started On,Finished On\n"
           "Halcyon Software,Senior Software Engineer,,Leeds,Mar 2019,\n"
           "Stanwick Advisory,Analyst,,Leeds,Jan 2016,Dec 2018\n")
BO_CSV = ("Company Name,Title,Description,Location,Started On,Finished On\n"
          "Halcyon Software,Senior Software Engineer,,Leeds,Mar 2019,\n"
          "Acme Automation,Software Engineer,,Leeds,Jan 2010,Dec 2013\n")


def _job(company, title, start, end):
    return {"id": company or "x", "company_name": company, "title": title, "start": start, "end": end,
            "employment_type": "full_time"}


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("incomplete")
    ana = candidate("greenhouse", 1, csv=ANA_CSV, first_name="Ana", employments=[
        _job("Halcyon Software Ltd", "Senior Software Engineer", "2019-03", None),
        _job("Stanwick Advisory", "Analyst", "2016-13", "2018-12")])  # month 13: quarantined at mapping
    bo = candidate("greenhouse", 2, csv=BO_CSV, first_name="Bo", employments=[
        _job("Halcyon Software Ltd", "Senior Software Engineer", "2019-03", None),
        _job("", "Engineer", "2014-01", "2018-12"),  # no company: quarantined at mapping
        _job("Acme Automation Inc", "Software Engineer", "2010-01", "2013-12")])
    cfg = Config.model_validate({"hiring_company": {"name": "Example Robotics Ltd"}, "data_dir": str(tmp / "data")})
    wh = connect({"conn_type": "duckdb", "host": str(tmp / "wh.duckdb")})
    wh.migrate()
    run = RunContext("cc-incomplete", DAY)
    with Sandbox(World(world([ana, bo]))) as sb:
        ingest.ingest_ats("greenhouse", lambda _s, lander: greenhouse_client(sb, on_payload=lander), wh, cfg, run)
    ids = [f"greenhouse:{ana['id']}", f"greenhouse:{bo['id']}"]
    part = check.check_batch(wh, cfg, run, ids, 0)
    check.write_findings(wh, cfg, run, [part])
    yield wh, cfg, run, ids
    wh.close()


def _findings(wh, cid):
    return wh.query("SELECT kind, severity, summary, evidence FROM discrepancies WHERE candidate_id = ?", [cid])


def test_the_mapping_quarantine_names_candidate_and_landing_file(checked):
    wh, _cfg, _run, ids = checked
    rows = wh.query("SELECT candidate_id, dataset, reason, raw_pointer FROM quarantine ORDER BY candidate_id")
    assert [(r["candidate_id"], r["dataset"]) for r in rows] == [(ids[0], "candidate_employments"),
                                                                  (ids[1], "candidate_employments")]
    assert "start_date" in rows[0]["reason"] and "company_name" in rows[1]["reason"]
    assert all(r["raw_pointer"].endswith(".jsonl.gz") for r in rows)


def test_a_quarantined_line_naming_the_employer_suppresses_the_finding(checked):
    wh, _cfg, _run, ids = checked
    about = [f for f in _findings(wh, ids[0]) if "Stanwick" in f["summary"]]
    assert about == []


def test_a_finding_resting_on_the_missing_line_is_softened_and_says_so(checked):
    wh, _cfg, _run, ids = checked
    (gap,) = [f for f in _findings(wh, ids[1]) if f["kind"] == "career_gap"]
    assert gap["severity"] == "blue"  # a 61-month gap is yellow on a complete resume
    assert "Part of the candidate's resume could not be read (1 records quarantined)" in gap["summary"]
    assert '"incomplete_record": true' in str(gap["evidence"]).replace("True", "true").replace("'", '"')
    assert not [f for f in _findings(wh, ids[1]) if f["severity"] == "red" and f["kind"] in
                ("profile_employer_not_on_resume", "career_gap")]


def test_the_report_lists_each_candidates_quarantined_records(checked, tmp_path):
    wh, cfg, run, ids = checked
    data = load_report_data(wh, DAY, run.run_id, cfg)
    shown = {c.candidate_id: c for req in data.requisitions for c in req.candidates}
    bo = shown[ids[1]]
    assert [(q.dataset, q.reason) for q in bo.incomplete] == [("candidate_employments",
                                                               "company_name is missing or not text")]
    assert bo.incomplete[0].raw_pointer.startswith("landing/greenhouse/")
    html = build_report(data, tmp_path, "en").html.read_text(encoding="utf-8")
    assert "company_name is missing or not text" in html and bo.incomplete[0].raw_pointer in html
    zh = build_report(data, tmp_path, "zh_CN").html.read_text(encoding="utf-8")
    assert "已被隔离" in zh
