"""HR's desk on the plugin page: who needs action first, search and filters, paging, and a candidate's page
where a finding is cleared in place. Expected rows are asked of the warehouse, not written down."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from tests.plugins.test_ui import VIEWER, auth, csrf_of


def rows(html: str) -> list[tuple[str, list[str]]]:
    """(candidate id, the cells' text) of each row of the desk, in order."""
    out = []
    for cid, body in re.findall(r'<tr data-candidate="([^"]+)">(.*?)</tr>', html, re.DOTALL):
        cells = [re.sub(r"<[^>]+>", " ", c).split() for c in re.findall(r"<td[^>]*>(.*?)</td>", body, re.DOTALL)]
        out.append((cid, [" ".join(c) for c in cells]))
    return out


def latest_open(wh: Any, severities: tuple[str, ...] = ("red", "yellow"), status: str = "open") -> dict[str, dict]:
    """Candidate id -> severity counts of the latest run's findings (consenting candidates: the report's)."""
    found: dict[str, dict] = {}
    for r in wh.query(
        "SELECT d.candidate_id, d.severity FROM discrepancies d JOIN candidates c ON c.candidate_id = d.candidate_id "
        "WHERE d.last_seen_run = (SELECT run_id FROM pipeline_runs ORDER BY seq DESC LIMIT 1) AND c.consent_given "
        "AND d.status = ?", [status]):
        if r["severity"] in severities:
            counts = found.setdefault(r["candidate_id"], {"red": 0, "yellow": 0, "blue": 0})
            counts[r["severity"]] += 1
    return found


def test_the_desk_lists_who_needs_action_first(client, wh):
    r = client.get("/desk?lang=en", headers=auth())
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    got = rows(r.text)
    expected = latest_open(wh)
    assert {cid for cid, _ in got} == set(expected) and len(got) >= 3
    reds = [expected[cid]["red"] for cid, _ in got]
    assert reds == sorted(reds, reverse=True)  # the most red first
    for cid, cells in got:
        assert cells[2:5] == [str(expected[cid][s]) for s in ("red", "yellow", "blue")]
        assert re.fullmatch(r"1 day|\d+ days", cells[5])
    assert "Nora" not in r.text  # awaiting consent: never in the desk


def test_search_by_name_and_filters(client, wh):
    got = rows(client.get("/desk?q=ANA%20sil", headers=auth()).text)  # any case, words as typed
    assert [cid for cid, _ in got] == ["greenhouse:1001"] and got[0][1][0].startswith("Ana Silva")
    assert "No candidate matches." in client.get("/desk?q=zzz", headers=auth()).text

    for cid, cells in rows(client.get("/desk?requisition=greenhouse:4001", headers=auth()).text):
        assert cells[1] == "Senior Robotics Engineer", cid

    only_red = rows(client.get("/desk?severity=red", headers=auth()).text)
    assert {cid for cid, _ in only_red} == set(latest_open(wh, ("red",)))
    assert all(cells[3] == "0" and cells[4] == "0" for _, cells in only_red)

    kind = rows(client.get("/desk?kind=employer_not_in_registry&severity=all", headers=auth()).text)
    holders = {r["candidate_id"] for r in wh.query(
        "SELECT candidate_id FROM discrepancies WHERE kind = 'employer_not_in_registry' AND status = 'open'")}
    assert kind and {cid for cid, _ in kind} <= holders

    cleared = rows(client.get("/desk?status=cleared&severity=all", headers=auth()).text)
    assert {cid for cid, _ in cleared} == set(latest_open(wh, ("red", "yellow", "blue"), "cleared"))
    assert cleared  # the seed has a cleared finding


def test_paging(client, wh):
    expected = [cid for cid, _ in rows(client.get("/desk", headers=auth()).text)]
    seen = []
    for page in range(1, len(expected) + 1):
        html = client.get(f"/desk?per_page=1&page={page}", headers=auth()).text
        assert f"Page {page} of {len(expected)}" in html
        assert ('rel="next"' in html) == (page < len(expected)) and ('rel="prev"' in html) == (page > 1)
        seen += [cid for cid, _ in rows(html)]
    assert seen == expected
    last = client.get("/desk?per_page=1&page=999&lang=zh_CN", headers=auth()).text  # clamped to the last page
    assert [cid for cid, _ in rows(last)] == expected[-1:] and "待处理" in last


def test_a_candidates_page_clears_a_finding_in_place(client, wh):
    page = client.get("/candidate?id=greenhouse:1001&lang=en", headers=auth())
    assert page.status_code == 200 and "<h1>Ana Silva</h1>" in page.text
    ids = re.findall(r'data-finding="([^"]+)"', page.text)
    assert set(ids) == {r["finding_id"] for r in wh.query(
        "SELECT finding_id FROM discrepancies WHERE candidate_id = 'greenhouse:1001' AND last_seen_run = "
        "(SELECT run_id FROM pipeline_runs ORDER BY seq DESC LIMIT 1)")}
    assert 'name="by"' not in page.text and "as Hana Reviewer" in page.text
    r = client.post("/clear?lang=en&back=candidate",
                    data={"finding_id": "f-ana-reg", "reason": "Certificate seen", "csrf_token": csrf_of(page.text)},
                    headers={**auth(), "Origin": "http://airflow.test"}, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "candidate?id=greenhouse%3A1001&lang=en&cleared=f-ana-reg#f-f-ana-reg"
    after = client.get("/" + r.headers["location"].split("#")[0], headers=auth()).text
    assert "Finding Ana Silva · Employer not found in any company registry cleared" in after
    assert "Cleared by Hana Reviewer" in after
    assert wh.query("SELECT cleared_by FROM discrepancies WHERE finding_id = 'f-ana-reg'")[0]["cleared_by"] == (
        "Hana Reviewer")
    assert client.get("/candidate?id=greenhouse:1004", headers=auth()).status_code == 404  # no consent: not shown
    assert "<form" not in client.get("/candidate?id=greenhouse:1001", headers=auth(VIEWER)).text


def test_the_desk_is_behind_the_login_too(client):
    r = client.get("/desk?q=ana", headers={"Accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith("next=%2Fdesk%3Fq%3Dana")
    assert client.get("/candidate?id=greenhouse:1001").status_code == 401


def _reopen(client: TestClient, page: str, finding_id: str, query: str = "lang=en", token: str | None = None) -> Any:
    return client.post(f"/reopen?{query}", data={"finding_id": finding_id, "csrf_token": csrf_of(page)},
                       headers={**auth(*([token] if token else [])), "Origin": "http://airflow.test"},
                       follow_redirects=False)


def test_a_cleared_finding_is_reopened_in_place_and_stays_open(client, wh, cfg):
    from include.audit.chain import verify

    before = verify(wh)
    page = client.get("/?lang=en", headers=auth()).text
    client.post("/clear?lang=en", data={"finding_id": "f-ana-reg", "reason": "Certificate seen",
                                         "csrf_token": csrf_of(page)}, headers=auth())
    page = client.get("/?lang=en", headers=auth()).text
    assert page.count('<form class="reopen"') == 2  # f-ana-reg and the seed's cleared f-wang-nc
    r = _reopen(client, page, "f-ana-reg")
    assert r.status_code == 303 and r.headers["location"] == "./?lang=en&reopened=f-ana-reg#f-f-ana-reg"
    row = wh.query("SELECT status, cleared_by, cleared_reason FROM discrepancies WHERE finding_id = 'f-ana-reg'")[0]
    assert row == {"status": "open", "cleared_by": None, "cleared_reason": None}
    history = wh.query("SELECT reason, cleared_by, reopened_by, reopened_run FROM finding_clearances "
                       "WHERE finding_id = 'f-ana-reg'")
    latest = wh.query("SELECT run_id FROM pipeline_runs ORDER BY seq DESC LIMIT 1")[0]["run_id"]
    assert history == [{"reason": "Certificate seen", "cleared_by": "Hana Reviewer", "reopened_by": "Hana Reviewer",
                        "reopened_run": latest}]  # the clearance stays on record, ended by the reopening
    after = client.get("/?lang=en&reopened=f-ana-reg", headers=auth()).text
    assert "Finding Ana Silva · Employer not found in any company registry reopened" in after
    assert after.count('<form class="clear"') == 3  # the day report: the day's new open findings
    html = (cfg.data_path() / "reports" / "report-2026-11-21-en.html").read_text(encoding="utf-8")
    assert "Certificate seen" not in html  # the files were rendered again, the finding open
    assert verify(wh) == before  # a reopening breaks no audit rule
    again = _reopen(client, page, "f-ana-reg")  # open already: refused, changes nothing
    assert again.headers["location"].endswith("error=not_cleared#f-f-ana-reg")
    assert "does not exist or is open already" in client.get("/?error=not_cleared", headers=auth()).text


def test_reopen_from_the_candidates_page_needs_edit_access_and_a_same_site_form(client, wh):
    page = client.get("/candidate?id=lever:c-3&lang=en", headers=auth()).text
    r = _reopen(client, page, "f-wang-nc", "lang=en&back=candidate")
    assert r.headers["location"] == "candidate?id=lever%3Ac-3&lang=en&reopened=f-wang-nc#f-f-wang-nc"
    assert "reopened; the report files were re-rendered" in client.get(
        "/" + r.headers["location"].split("#")[0], headers=auth()).text
    client.post("/clear?lang=en", data={"finding_id": "f-wang-nc", "reason": "Waiver signed",
                                         "csrf_token": csrf_of(page)}, headers=auth())
    viewer_page = client.get("/candidate?id=lever:c-3", headers=auth(VIEWER)).text
    assert "<form" not in viewer_page
    refused = _reopen(client, page, "f-wang-nc", token=VIEWER)
    assert refused.status_code == 403 and "edit access" in refused.text
    cross = client.post("/reopen", data={"finding_id": "f-wang-nc", "csrf_token": csrf_of(page)},
                        headers={**auth(), "Origin": "https://evil.test"}, follow_redirects=False)
    assert cross.status_code == 403
    assert wh.query("SELECT status FROM discrepancies WHERE finding_id = 'f-wang-nc'")[0]["status"] == "cleared"
