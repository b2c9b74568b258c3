"""The HR page over the report site: ``/requisition`` (one page of one requisition, with the clearing
forms) and ``/findings`` (every finding of the latest run, searched and paged in the warehouse)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from plugins.crosscheck_ui import create_app
from sandbox.report_state import fill
from tests.plugins.test_ui import VIEWER, auth, csrf_of, fake_verify
from tests.report.report_seed import config
from tests.warehouse.wh_fixtures import pg_session, warehouse_spec  # noqa: F401

ROWS = re.compile(r'<tr data-finding="([^"]+)" data-candidate="([^"]+)"')


def test_the_csv_is_the_whole_state_streamed_not_the_days_file(client, wh, tmp_path):
    from include.report.data import load_report_data
    from include.report.render import render_csv
    from include.report.site import build_site
    from tests.report.report_seed import DAY, RUN

    cfg = config(tmp_path)
    before = client.get("/report.csv?lang=en", headers=auth())  # no files yet
    site = build_site(wh, DAY, RUN, cfg, cfg.data_path() / "reports", ["en"], cap=1)
    r = client.get("/report.csv?lang=en", headers=auth())
    whole = "\ufeff" + render_csv(load_report_data(wh, DAY, RUN, cfg), "en")
    # every finding of the run, whether or not the files are written; never the day's (shorter) export
    assert r.status_code == 200 and r.content == before.content == whole.encode("utf-8")
    assert r.content != site["en"].csv.read_bytes()
    every = {x["finding_id"] for x in wh.query(
        "SELECT finding_id FROM discrepancies d JOIN candidates c USING (candidate_id) WHERE c.consent_given "
        "AND last_seen_run = ?", [RUN])}
    got = [line.split(",")[4] for line in r.content.decode("utf-8-sig").split("\r\n")[1:] if line]
    assert sorted(got) == sorted(every) and len(got) == 6
    assert "content-length" not in r.headers  # streamed, not one body
    assert "report-2026-11-21-en-all.csv" in r.headers["content-disposition"] and r.headers["cache-control"] == "no-store"
    assert client.get("/report.csv?lang=en", headers=auth(VIEWER)).content == r.content  # reading is enough
    # a requisition page's CSV on the HR page is the file beside the page
    key = next(site["en"].pages.glob("*.csv")).stem
    page = client.get(f"/requisition.csv?key={key}&lang=en", headers=auth())
    assert page.status_code == 200 and page.content == (site["en"].pages / f"{key}.csv").read_bytes()
    assert f'href="requisition.csv?key={key}&amp;page=1&amp;lang=en" data-csv="page"' in client.get(
        f"/requisition?key={key}&lang=en", headers=auth()).text
    assert client.get("/requisition.csv?key=nope", headers=auth()).status_code == 404


def test_the_csv_streams_every_finding_of_a_big_run(tmp_path):
    """Requisitions of more than ``LOAD_CANDIDATES`` candidates: read a few pages at a time, every finding once."""
    from include.report.site import LOAD_CANDIDATES
    from include.warehouse import connect
    from sandbox.report_state import RUN

    w = connect({"conn_type": "duckdb", "host": str(tmp_path / "big.duckdb")})
    w.migrate()
    try:
        fill(w, 2400, requisitions=2)
        client = TestClient(create_app(warehouse_factory=lambda: w, verify_token=fake_verify,
                                       config=config(tmp_path)), base_url="http://airflow.test")
        r = client.get("/report.csv?lang=zh_CN", headers=auth())
        assert r.status_code == 200 and r.content.startswith(b"\xef\xbb\xbf")
        import csv
        import io

        rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"), newline="")))
        every = w.query("SELECT d.finding_id FROM discrepancies d JOIN candidates c USING (candidate_id) "
                        "WHERE c.consent_given AND d.last_seen_run = ?", [RUN])
        assert len(rows) == len(every) and sorted(x["finding_id"] for x in rows) == sorted(
            x["finding_id"] for x in every)
        per_req = w.query("SELECT COUNT(DISTINCT candidate_id) AS n FROM applications GROUP BY job_id ORDER BY n DESC")
        assert per_req[0]["n"] > LOAD_CANDIDATES  # more than one read per requisition
    finally:
        w.close()


def test_requisition_pages_and_the_search_on_the_hr_page(client, wh):
    day = client.get("/?lang=en", headers=auth()).text
    keys = re.findall(r'href="requisition\?key=([^&"]+)&amp;page=1&amp;lang=en"', day)
    assert len(set(keys)) == 2
    pages = [client.get(f"/requisition?key={k}&lang=en", headers=auth()) for k in dict.fromkeys(keys)]
    assert all(p.status_code == 200 and p.headers["cache-control"] == "no-store" for p in pages)
    text = "".join(p.text for p in pages)
    # every open finding has its form there, and a clearance comes back to the candidate's page
    open_ids = {r["finding_id"] for r in wh.query(
        "SELECT finding_id FROM discrepancies d JOIN candidates c USING (candidate_id) WHERE c.consent_given "
        "AND last_seen_run = 'cc-2026-11-21-T1' AND status = 'open'")}
    forms = re.findall(r'<form class="clear" method="post" action="clear\?lang=en&amp;back=candidate">\s*'
                       r'<input type="hidden" name="finding_id" value="([^"]+)"', text)
    assert set(forms) == open_ids and len(forms) == len(open_ids)
    r = client.post("/clear?lang=en&back=candidate", data={"finding_id": forms[0], "reason": "Seen the contract",
                    "csrf_token": csrf_of(text)}, headers={**auth(), "Origin": "http://airflow.test"},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("candidate?id=")
    # a viewer reads the page without forms; an unknown requisition is 404; a stale page number clamps
    viewer = client.get(f"/requisition?key={keys[0]}&lang=zh_CN", headers=auth(VIEWER)).text
    assert "<form" not in viewer and "只读" in viewer
    assert client.get("/requisition?key=nope", headers=auth()).status_code == 404
    assert client.get(f"/requisition?key={keys[0]}&page=99", headers=auth()).status_code == 200
    assert client.get(f"/requisition?key={keys[0]}").status_code == 401

    # a candidate's page links each finding to the requisition page that lists them, at the finding
    cand = client.get("/candidate?id=greenhouse:1001&lang=en", headers=auth()).text
    hrefs = re.findall(r'href="(requisition\?[^"#]+)#f-([^"]+)"', cand)
    assert hrefs
    for href, fid in hrefs:
        assert f'id="f-{fid}"' in client.get("/" + href.replace("&amp;", "&"), headers=auth()).text

    everything = client.get("/findings?lang=en", headers=auth()).text
    shown = wh.query("SELECT COUNT(*) AS n FROM discrepancies d JOIN candidates c USING (candidate_id) "
                     "WHERE c.consent_given AND last_seen_run = 'cc-2026-11-21-T1'")[0]["n"]
    assert len(ROWS.findall(everything)) == shown > len(open_ids)  # open and cleared alike
    only_red = ROWS.findall(client.get("/findings?severity=red&status=open", headers=auth()).text)
    red = {r["finding_id"] for r in wh.query(
        "SELECT finding_id FROM discrepancies d JOIN candidates c USING (candidate_id) WHERE c.consent_given "
        "AND last_seen_run = 'cc-2026-11-21-T1' AND severity = 'red' AND status = 'open'")}
    assert {f for f, _ in only_red} == red
    by_name = ROWS.findall(client.get("/findings?q=silva", headers=auth()).text)
    assert by_name and {c for _, c in by_name} == {"greenhouse:1001"}
    by_employer = ROWS.findall(client.get("/findings?q=HALCYON", headers=auth()).text)
    assert {c for _, c in by_employer} == {"greenhouse:1001"}
    assert ROWS.findall(client.get("/findings?q=100%25", headers=auth()).text) == []  # % is literal
    zh = client.get("/findings?lang=zh_CN&q=%E7%8E%8B", headers=auth()).text  # 王
    assert {c for _, c in ROWS.findall(zh)} == {"lever:c-3"}
    assert "<script>alert" not in everything  # names are escaped


def test_the_search_pages_the_full_state_on_both_engines(warehouse_spec, tmp_path):  # noqa: F811
    from include.warehouse import connect
    from include.warehouse.report_search import Search, search_findings
    from sandbox.report_state import RUN

    w = connect(warehouse_spec)
    w.migrate()
    try:
        fill(w, 400, requisitions=4)
        total_shown = w.query("SELECT COUNT(*) AS n FROM discrepancies WHERE last_seen_run = ?", [RUN])[0]["n"]
        seen, page = [], 1
        while True:
            rows, total = search_findings(w, RUN, Search.of(page=page, per_page=50))
            assert total == total_shown and len(rows) <= 50
            if not rows:
                break
            seen += [r["finding_id"] for r in rows]
            page += 1
        assert len(seen) == len(set(seen)) == total_shown  # every finding once over the pages
        ranks = [("red", "yellow", "blue").index(r["severity"]) for r in search_findings(
            w, RUN, Search.of(per_page=200))[0]]
        assert ranks == sorted(ranks)  # worst first
        job = w.query("SELECT job_id FROM jobs ORDER BY job_id LIMIT 1")[0]["job_id"]
        rows, n = search_findings(w, RUN, Search.of(requisition=job, status="open", per_page=200))
        assert n and all(r["req_job"] == job and r["status"] == "open" for r in rows)
        client = TestClient(create_app(warehouse_factory=lambda: w, verify_token=fake_verify,
                                       config=config(tmp_path)), base_url="http://airflow.test")
        last = client.get(f"/findings?page={-(-total_shown // 50)}", headers=auth()).text
        assert 'rel="prev"' in last and 'rel="next"' not in last
    finally:
        w.close()
