"""Decisions and notices on the HR page: recorded, written and delivered from the candidate's page in the
logged-in user's name; refused (403, nothing recorded) without edit permission, without the CSRF token or
from another origin; a rule's refusal (no final notice before a delivered pre-adverse one) shows why; the
overdue notice is at the top of the desk and the report page."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from plugins.crosscheck_ui import Principal, csrf_token
from tests.plugins.test_ui import GOOD, VIEWER, auth, csrf_of

ANA, APP = "greenhouse:1001", "greenhouse:7001"
SAME = {"Origin": "http://airflow.test"}


def count(wh: Any, table: str) -> int:
    return int(wh.query(f"SELECT count(*) AS n FROM {table}")[0]["n"])


def page(client: TestClient, token: str = GOOD) -> str:
    r = client.get(f"/candidate?id={ANA}&lang=en", headers=auth(token))
    assert r.status_code == 200
    return r.text


def test_record_write_and_deliver_from_the_candidates_page(client, wh) -> None:
    html = page(client)
    assert 'id="decisions"' in html and 'class="decision-record"' in html
    r = client.post("/decision?lang=en", data={"application_id": APP, "decision": "pre_adverse",
                                               "reason": "Employer not confirmed", "csrf_token": csrf_of(html)},
                    headers={**auth(), **SAME}, follow_redirects=False)
    assert r.status_code == 303, r.text
    [d] = wh.query("SELECT * FROM notice_decisions")
    assert d["decided_by"] == "Hana Reviewer" and d["decision"] == "pre_adverse" and d["candidate_id"] == ANA
    assert r.headers["location"].startswith("candidate?") and f"ref={d['decision_id']}" in r.headers["location"]
    after = client.get("/" + r.headers["location"].split("#")[0], headers=auth()).text
    assert "The decision is recorded and sealed" in after and f'data-decision="{d["decision_id"]}"' in after

    r = client.post("/notice/write?lang=en", data={"decision_id": d["decision_id"], "csrf_token": csrf_of(after)},
                    headers={**auth(), **SAME}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("../candidate?"), r.text
    [letter] = wh.query("SELECT * FROM notice_letters")
    assert letter["written_by"] == "Hana Reviewer"
    shown = client.get(f"/notice?id={letter['notice_id']}", headers=auth())
    assert shown.status_code == 200 and "Before we decide" in shown.text

    r = client.post("/notice/deliver?lang=en", data={"notice_id": letter["notice_id"], "method": "handed_over",
                                                     "note": "at the interview", "csrf_token": csrf_of(after)},
                    headers={**auth(), **SAME}, follow_redirects=False)
    assert r.status_code == 303, r.text
    [done] = wh.query("SELECT * FROM notice_deliveries")
    assert done["delivered_by"] == "Hana Reviewer" and done["wait_until"]
    final = client.get(f"/candidate?id={ANA}&lang=en", headers=auth()).text
    assert "waiting period until" in final


def test_a_rule_refusal_shows_why_and_records_nothing(client, wh) -> None:
    r = client.post("/decision?lang=en", data={"application_id": APP, "decision": "final_adverse",
                                               "reason": "no", "csrf_token": csrf_of(page(client))},
                    headers={**auth(), **SAME}, follow_redirects=False)
    assert r.status_code == 409 and "follows a pre-adverse notice" in r.text
    assert count(wh, "notice_decisions") == 0


POSTS = [
    ("/decision", {"application_id": APP, "decision": "proceed", "reason": "fine"}),
    ("/notice/write", {"decision_id": "d"}),
    ("/notice/deliver", {"notice_id": "n", "method": "handed_over"}),
]


@pytest.mark.parametrize(("path", "form"), POSTS)
def test_a_viewer_is_refused_and_sees_no_forms(client, wh, path, form) -> None:
    html = page(client, VIEWER)
    assert "<form" not in html and 'id="decisions"' in html
    viewer_csrf = csrf_token(Principal("vic", "Vic Viewer"))  # even with a valid token for their session
    r = client.post(path, data={**form, "csrf_token": viewer_csrf}, headers={**auth(VIEWER), **SAME},
                    follow_redirects=False)
    assert r.status_code == 403 and "edit access" in r.text
    assert count(wh, "notice_decisions") == 0


@pytest.mark.parametrize(("path", "form"), POSTS)
@pytest.mark.parametrize(("headers", "use_csrf"), [({}, False), ({"Origin": "https://evil.test"}, True),
                                                    ({"Sec-Fetch-Site": "cross-site"}, True)])
def test_cross_site_or_tokenless_posts_are_refused(client, wh, path, form, headers, use_csrf) -> None:
    csrf = csrf_of(page(client)) if use_csrf else "0" * 64
    r = client.post(path, data={**form, "csrf_token": csrf}, headers={**auth(), **headers}, follow_redirects=False)
    assert r.status_code == 403
    assert count(wh, "notice_decisions") == 0


def test_the_overdue_notice_is_at_the_top_of_the_desk_and_the_report(client, wh) -> None:
    from include.notices import record_decision

    record_decision(wh, APP, "proceed", "fine", "Hana Reviewer", client.app.state.settings.config,
                    at=datetime(2026, 1, 5, 9, tzinfo=UTC))
    for path, below in (("/desk?lang=en", 'class="filters"'), ("/?lang=en", 'id="levels"')):
        html = client.get(path, headers=auth()).text
        assert html.index('id="notices"') < html.index(below), path  # above everything else on the page
        assert re.search(r'data-notice-state="overdue"[^>]*>.*Notice overdue', html), path
        assert "tell the candidate now" in html
    zh = client.get("/desk?lang=zh_CN", headers=auth()).text
    assert "逾期通知与等待期" in zh and "通知逾期" in zh
