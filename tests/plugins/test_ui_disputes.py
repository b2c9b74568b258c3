"""Disputes on the HR page: recording a candidate's dispute and its outcome need edit access, fail closed and
refuse cross-site requests like clearing does; a recorded dispute shows as disputed (not open, not cleared) on
the page and in the re-rendered report files, an overdue one at the top; bad input changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from plugins.crosscheck_ui import Principal, csrf_token
from tests.plugins.test_ui import GOOD, VIEWER, auth, csrf_of

SAME = {"Origin": "http://airflow.test", "Sec-Fetch-Site": "same-origin"}
TODAY = datetime.now(UTC).date()


def _status(wh: Any, fid: str) -> str:
    return wh.query("SELECT status FROM discrepancies WHERE finding_id = ?", [fid])[0]["status"]


def _dispute(client: TestClient, csrf: str, token: str = GOOD, fid: str = "f-ana-reg", received: str = "",
             statement: str = "I worked there: my payslips are attached.", headers: dict[str, str] | None = None,
             path: str = "/dispute?lang=en") -> Any:
    return client.post(path, data={"finding_id": fid, "statement": statement,
                                   "received": received or TODAY.isoformat(), "csrf_token": csrf},
                       headers={**auth(token), **(SAME if headers is None else headers)}, follow_redirects=False)


def _outcome(client: TestClient, csrf: str, outcome: str, reason: str = "Payslips checked with the employer",
             token: str = GOOD, fid: str = "f-ana-reg", path: str = "/dispute-outcome?lang=en") -> Any:
    return client.post(path, data={"finding_id": fid, "outcome": outcome, "reason": reason,
                                                         "csrf_token": csrf},
                       headers={**auth(token), **SAME}, follow_redirects=False)


def test_dispute_then_corrected_outcome_through_the_page(client, wh, cfg):
    page = client.get("/", headers=auth()).text
    assert page.count('<form class="dispute"') == page.count('<form class="clear"') > 0
    csrf = csrf_of(page)
    r = _dispute(client, csrf, received=(TODAY - timedelta(days=31)).isoformat())  # received long ago: overdue
    assert r.status_code == 303 and r.headers["location"] == "./?lang=en&disputed=f-ana-reg#f-f-ana-reg"
    assert _status(wh, "f-ana-reg") == "disputed"
    (row,) = wh.query("SELECT statement, recorded_by, due_on FROM finding_disputes WHERE finding_id = 'f-ana-reg'")
    assert row == {"statement": "I worked there: my payslips are attached.", "recorded_by": "Hana Reviewer",
                   "due_on": (TODAY + timedelta(days=-1)).isoformat()}

    after = client.get(r.headers["location"].lstrip("."), headers=auth()).text
    assert "Dispute of finding Ana Silva · Employer not found in any company registry recorded" in after
    top = after.index('id="disputes"')
    assert top < after.index('id="levels"')  # overdue disputes lead the page
    assert 'data-dispute="f-ana-reg" data-overdue="true"' in after and ">Overdue<" in after
    assert '<form class="outcome"' in after
    html = (cfg.data_path() / "reports" / "report-2026-11-21-en.html").read_text(encoding="utf-8")
    assert 'id="disputes"' in html and 'class="tag disputed"' in html and "<form" not in html
    zh = (cfg.data_path() / "reports" / "report-2026-11-21-zh_CN.html").read_text(encoding="utf-8")
    # the files speak as of their report day (2026-11-21), before the due day; the page as of today
    assert "待裁定的异议" in zh and 'data-overdue="false"' in zh

    r = _outcome(client, csrf, "corrected")
    assert r.status_code == 303 and r.headers["location"] == "./?lang=en&decided=f-ana-reg#f-f-ana-reg"
    row = wh.query("SELECT status, cleared_reason, cleared_by FROM discrepancies WHERE finding_id = 'f-ana-reg'")[0]
    assert row == {"status": "cleared", "cleared_reason": "Payslips checked with the employer",
                   "cleared_by": "Hana Reviewer"}
    steps = wh.query("SELECT kind, outcome, actor FROM dispute_steps WHERE finding_id = 'f-ana-reg'")
    assert steps == [{"kind": "outcome", "outcome": "corrected", "actor": "Hana Reviewer"}]
    assert 'id="disputes"' not in client.get("/", headers=auth()).text


def test_the_desk_leads_with_overdue_disputes(client, wh):
    csrf = csrf_of(client.get("/", headers=auth()).text)
    assert 'id="disputes"' not in client.get("/desk", headers=auth()).text
    _dispute(client, csrf, received=(TODAY - timedelta(days=40)).isoformat())
    desk = client.get("/desk", headers=auth()).text
    assert desk.index('id="disputes"') < desk.index('class="filters"')
    assert 'data-dispute="f-ana-reg" data-overdue="true"' in desk
    assert 'href="candidate?id=greenhouse%3A1001&amp;lang=en#f-f-ana-reg"' in desk  # to the candidate's page
    assert "待裁定的异议" in client.get("/desk?lang=zh_CN", headers=auth()).text


def test_a_crafted_outcome_message_is_not_shown(client):
    """A link saying a dispute was decided, for a finding never disputed, shows no confirmation."""
    assert "Outcome of the dispute" not in client.get("/?decided=f-ana-reg", headers=auth()).text
    assert "Outcome of the dispute" not in client.get("/candidate?id=greenhouse:1001&decided=f-ana-reg",
                                                      headers=auth()).text
    assert "Dispute of finding" not in client.get("/?disputed=f-ana-reg", headers=auth()).text


def test_upheld_from_the_candidates_page(client, wh):
    page = client.get("/candidate?id=greenhouse:1001", headers=auth())
    assert page.status_code == 200 and '<form class="dispute"' in page.text
    csrf = csrf_of(page.text)
    r = _dispute(client, csrf, path="/dispute?lang=en&back=candidate")
    assert r.status_code == 303 and r.headers["location"].startswith("candidate?id=greenhouse%3A1001&")
    page = client.get(r.headers["location"], headers=auth()).text
    assert 'class="tag disputed"' in page and '<form class="outcome"' in page
    r = _outcome(client, csrf, "upheld", path="/dispute-outcome?lang=en&back=candidate")
    assert r.status_code == 303 and "decided=f-ana-reg" in r.headers["location"]
    assert "Outcome of the dispute of finding Ana Silva" in client.get(r.headers["location"], headers=auth()).text
    assert _status(wh, "f-ana-reg") == "open"


@pytest.mark.parametrize("headers,use_csrf", [
    ({}, False), ({"Origin": "https://evil.test"}, True), ({"Origin": "null"}, True),
    ({"Sec-Fetch-Site": "cross-site"}, True)])
def test_cross_site_disputes_are_refused(client, wh, headers, use_csrf):
    csrf = csrf_of(client.get("/", headers=auth()).text) if use_csrf else "0" * 64
    assert _dispute(client, csrf, headers=headers).status_code == 403
    assert _status(wh, "f-ana-reg") == "open"
    assert wh.query("SELECT COUNT(*) AS n FROM finding_disputes")[0]["n"] == 0


def test_a_viewer_sees_no_dispute_forms_and_is_refused(client, wh):
    page = client.get("/", headers=auth(VIEWER)).text
    assert "<form" not in page
    own = csrf_token(Principal("vic", "Vic Viewer", token=VIEWER))
    r = _dispute(client, own, token=VIEWER)
    assert r.status_code == 403 and "edit access to the crosscheck_report DAG" in r.text
    csrf = csrf_of(client.get("/", headers=auth()).text)
    assert _dispute(client, csrf).status_code == 303
    r = _outcome(client, own, "corrected", token=VIEWER)
    assert r.status_code == 403 and _status(wh, "f-ana-reg") == "disputed"
    assert client.post("/dispute-outcome", data={"finding_id": "f-ana-reg", "outcome": "upheld", "reason": "r",
                                                 "csrf_token": csrf}).status_code == 401  # no credential at all


@pytest.mark.parametrize("fields,error", [
    ({"statement": "  "}, "no_statement"),
    ({"received": "2999-01-01"}, "no_statement"),
    ({"received": "yesterday"}, "no_statement"),
    ({"fid": "f-wang-nc"}, "not_disputable"),  # cleared
    ({"fid": "no-such-finding"}, "not_disputable"),
    ({"statement": "I disagree\0"}, "bad_text"),
])
def test_invalid_disputes_change_nothing(client, wh, fields, error):
    csrf = csrf_of(client.get("/", headers=auth()).text)
    before = wh.query("SELECT finding_id, status FROM discrepancies ORDER BY finding_id")
    r = _dispute(client, csrf, **fields)
    fid = fields.get("fid", "f-ana-reg")
    assert r.status_code == 303 and r.headers["location"].endswith(f"error={error}#f-{fid}")
    assert wh.query("SELECT finding_id, status FROM discrepancies ORDER BY finding_id") == before
    assert wh.query("SELECT COUNT(*) AS n FROM finding_disputes")[0]["n"] == 0
    assert 'class="flash err"' in client.get(r.headers["location"].lstrip("."), headers=auth()).text


def test_invalid_outcomes_change_nothing(client, wh):
    csrf = csrf_of(client.get("/", headers=auth()).text)
    r = _outcome(client, csrf, "upheld")  # not disputed
    assert r.headers["location"].endswith("error=no_dispute#f-f-ana-reg")
    _dispute(client, csrf)
    for outcome, reason in (("dismissed", "r"), ("upheld", "  ")):
        assert _outcome(client, csrf, outcome, reason).headers["location"].endswith("error=no_outcome#f-f-ana-reg")
    assert _status(wh, "f-ana-reg") == "disputed"
    assert wh.query("SELECT COUNT(*) AS n FROM dispute_steps")[0]["n"] == 0
