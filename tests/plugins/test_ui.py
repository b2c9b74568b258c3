"""The Airflow UI plugin: it fails closed without a valid Airflow JWT, refuses cross-site POSTs and
clearances from users without edit access (a viewer), and a finding cleared on the page is cleared in the
warehouse and in the next rendered report."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from plugins.crosscheck_ui import CrosscheckUIPlugin, Principal, create_app, csrf_token
from tests.report.report_seed import seed, warehouse

GOOD = "good-token"
VIEWER = "viewer-token"


def fake_verify(token: str, method: str) -> Principal | None:
    if token == "forbidden":
        raise PermissionError
    if token == "explodes":
        raise RuntimeError("auth backend down")
    if token == VIEWER:
        return Principal("vic", "Vic Viewer")  # can_clear is False unless said otherwise
    return Principal("hr1", "Hana Reviewer", can_clear=True) if token == GOOD else None


def auth(token: str = GOOD) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([0-9a-f]+)"', html).group(1)


@pytest.mark.parametrize("path", ["/", "/report.csv"])
def test_no_token_is_401(client, path):
    r = client.get(path)
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert "Senior Robotics" not in r.text


@pytest.mark.parametrize(
    "headers,cookies",
    [
        ({"Authorization": "Bearer not-a-jwt"}, {}),
        ({}, {"_token": "not-a-jwt"}),
        (
            {"Authorization": "Basic aHI6cHc="},
            {"_token": GOOD},
        ),  # a header that is not a bearer token wins, and fails
        ({"Authorization": "Bearer "}, {}),
        ({"Authorization": "Bearer explodes"}, {}),  # an error while checking denies
    ],
)
def test_bad_credentials_are_401(client, headers, cookies):
    client.cookies.clear()
    for k, v in cookies.items():
        client.cookies.set(k, v)
    assert client.get("/", headers=headers).status_code == 401


PAGE = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}  # what a browser sends for a page


@pytest.mark.parametrize("headers", [PAGE, {**PAGE, "Authorization": "Bearer not-a-jwt"}])
def test_a_browser_without_a_session_goes_to_the_login_and_comes_back(wh, cfg, headers):
    asked = []
    client = TestClient(create_app(warehouse_factory=lambda: wh, verify_token=fake_verify, config=cfg,
                                   login_url=lambda nxt: asked.append(nxt) or f"/auth/login?next={nxt}"),
                        base_url="http://airflow.test")
    r = client.get("/?lang=zh_CN", headers=headers, follow_redirects=False)
    assert r.status_code == 303 and asked == ["/?lang=zh_CN"]
    assert r.headers["location"] == "/auth/login?next=/?lang=zh_CN" and "Senior Robotics" not in r.text
    assert client.get("/", headers={**PAGE, **auth("forbidden")}).status_code == 403  # logged in, no access
    assert client.post("/clear", data={"finding_id": "f-ana-reg"}, headers=PAGE).status_code == 401


def test_user_without_access_is_403(client):
    assert client.get("/", headers=auth("forbidden")).status_code == 403


def test_valid_token_shows_the_latest_report(client):
    r = client.get("/", headers=auth())
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    # the day report: a clearing form for each of the day's new open findings (3 of the 5 open); the
    # requisition pages hold the rest (test_requisition_pages_and_the_search_on_the_hr_page)
    assert "Senior Robotics Engineer" in r.text and r.text.count('<form class="clear"') == 3
    assert (
        r.headers["cache-control"] == "no-store"
        and "default-src 'none'" in r.headers["content-security-policy"]
    )
    client.cookies.set("_token", GOOD)  # the Airflow UI's session cookie works the same way
    zh = client.get("/?lang=zh_CN")
    assert zh.status_code == 200 and "入职前背景核查报告" in zh.text


def test_csv_download(client):
    r = client.get("/report.csv?lang=zh_CN", headers=auth())
    assert r.status_code == 200 and r.content.startswith(b"\xef\xbb\xbf")
    assert "report-2026-11-21-zh_CN-all.csv" in r.headers["content-disposition"]  # the whole state
    assert len(r.content.decode("utf-8-sig").strip().splitlines()) == 7  # header + 6 findings


def test_clearing_a_finding(client, wh, cfg):
    page = client.get("/", headers=auth())
    form = {
        "finding_id": "f-ana-reg",
        "reason": "Registered under its former name; certificate seen",
        "by": "Hana Reviewer",
        "csrf_token": csrf_of(page.text),
    }
    r = client.post(
        "/clear?lang=en",
        data=form,
        headers={**auth(), "Origin": "http://airflow.test", "Sec-Fetch-Site": "same-origin"},
        follow_redirects=False,
    )
    # back at the finding, not at the top of the page
    assert r.status_code == 303 and r.headers["location"] == "./?lang=en&cleared=f-ana-reg#f-f-ana-reg"
    row = wh.query(
        "SELECT status, cleared_reason, cleared_by FROM discrepancies WHERE finding_id = ?", ["f-ana-reg"]
    )[0]
    assert row == {"status": "cleared", "cleared_reason": form["reason"], "cleared_by": "Hana Reviewer"}
    history = wh.query("SELECT reason FROM finding_clearances WHERE finding_id = ?", ["f-ana-reg"])
    assert [h["reason"] for h in history] == [form["reason"]]

    after = client.get("/?lang=en&cleared=f-ana-reg", headers=auth())
    assert "Finding Ana Silva · Employer not found in any company registry cleared" in after.text
    assert after.text.count('<form class="clear"') == 2 and 'id="f-f-ana-reg"' in after.text
    html = (cfg.data_path() / "reports" / "report-2026-11-21-en.html").read_text(encoding="utf-8")
    assert "Cleared by Hana Reviewer" in html and form["reason"] in html
    assert re.search(r'data-count="cleared"><span class="num">2<', html)
    csv_text = (cfg.data_path() / "reports" / "report-2026-11-21-zh_CN.csv").read_text(encoding="utf-8-sig")
    assert ",f-ana-reg," in csv_text and "cleared" in csv_text.split(",f-ana-reg,")[1].splitlines()[0]


def test_a_clearance_is_in_the_name_of_the_logged_in_user_whatever_the_form_says(client, wh):
    page = client.get("/", headers=auth()).text
    assert 'name="by"' not in page and "as Hana Reviewer" in page  # no free-text name to fill in
    csrf = csrf_of(page)
    client.post(
        "/clear",
        data={"finding_id": "f-ana-gap", "reason": "Sabbatical", "by": "H. R.", "csrf_token": csrf},
        headers=auth(),
        follow_redirects=False,
    )
    row = wh.query("SELECT cleared_by FROM discrepancies WHERE finding_id = ?", ["f-ana-gap"])[0]
    assert row["cleared_by"] == "Hana Reviewer"


def test_a_crafted_cleared_message_is_not_shown(client):
    assert "cleared;" not in client.get("/?cleared=f-ana-reg", headers=auth()).text


@pytest.mark.parametrize(
    "headers,use_csrf",
    [
        ({}, False),  # no CSRF token
        ({"Origin": "https://evil.test"}, True),  # another origin
        ({"Origin": "null"}, True),  # an opaque (sandboxed) origin
        ({"Sec-Fetch-Site": "cross-site"}, True),
    ],
)
def test_cross_site_posts_are_refused(client, wh, headers, use_csrf):
    csrf = csrf_of(client.get("/", headers=auth()).text) if use_csrf else "0" * 64
    r = client.post(
        "/clear",
        data={"finding_id": "f-ana-reg", "reason": "r", "by": "b", "csrf_token": csrf},
        headers={**auth(), **headers},
        follow_redirects=False,
    )
    assert r.status_code == 403
    assert wh.query("SELECT status FROM discrepancies WHERE finding_id = 'f-ana-reg'")[0]["status"] == "open"


def test_post_needs_authentication_first(client, wh):
    r = client.post("/clear", data={"finding_id": "f-ana-reg", "reason": "r", "by": "b", "csrf_token": "x"})
    assert r.status_code == 401


def test_csrf_token_of_another_session_is_refused(client, wh):
    other = csrf_token(Principal("x", "x", token="another-session-jwt"))
    r = client.post(
        "/clear",
        data={"finding_id": "f-ana-reg", "reason": "r", "by": "b", "csrf_token": other},
        headers=auth(),
        follow_redirects=False,
    )
    assert r.status_code == 403


@pytest.mark.parametrize(
    "form,error",
    [
        ({"finding_id": "f-ana-reg", "reason": "  ", "by": "Hana"}, "no_reason"),
        ({"finding_id": "f-wang-nc", "reason": "again", "by": "Hana"}, "not_open"),  # already cleared
        ({"finding_id": "no-such-finding", "reason": "r", "by": "Hana"}, "not_open"),
        # PostgreSQL cannot store a NUL: said as such, not as an unknown or cleared finding
        ({"finding_id": "f-ana-reg", "reason": "Explained\0", "by": "Hana"}, "bad_text"),
    ],
)
def test_invalid_clear_requests_change_nothing(client, wh, form, error):
    csrf = csrf_of(client.get("/", headers=auth()).text)
    before = wh.query("SELECT finding_id, status, cleared_by FROM discrepancies ORDER BY finding_id")
    r = client.post("/clear", data={**form, "csrf_token": csrf}, headers=auth(), follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith(f"error={error}#f-{form['finding_id']}")
    assert wh.query("SELECT finding_id, status, cleared_by FROM discrepancies ORDER BY finding_id") == before
    assert 'class="flash err"' in client.get(r.headers["location"].lstrip("."), headers=auth()).text


def _status(wh: Any, finding_id: str) -> str:
    return wh.query("SELECT status FROM discrepancies WHERE finding_id = ?", [finding_id])[0]["status"]


def _post_clear(client: TestClient, token: str, csrf: str, finding_id: str = "f-ana-reg") -> Any:
    return client.post(
        "/clear?lang=en",
        data={"finding_id": finding_id, "reason": "Explained on the phone", "by": "Vic", "csrf_token": csrf},
        headers={**auth(token), "Origin": "http://airflow.test", "Sec-Fetch-Site": "same-origin"},
        follow_redirects=False,
    )


def test_a_reader_who_may_not_clear_sees_no_forms_and_is_refused(client, wh, cfg):
    page = client.get("/", headers=auth(VIEWER))
    assert page.status_code == 200 and "Senior Robotics Engineer" in page.text
    assert "<form" not in page.text and 'name="csrf_token"' not in page.text
    assert "Read only: your Airflow role may read this report but not clear findings" in page.text
    assert "只读" in client.get("/?lang=zh_CN", headers=auth(VIEWER)).text
    # a viewer holding a valid CSRF token of its own session is still refused, and nothing changes
    own_csrf = csrf_token(Principal("vic", "Vic Viewer", token=VIEWER))
    before = wh.query("SELECT finding_id, status, cleared_by FROM discrepancies ORDER BY finding_id")
    r = _post_clear(client, VIEWER, own_csrf)
    assert r.status_code == 403 and "edit access to the crosscheck_report DAG" in r.text
    assert wh.query("SELECT finding_id, status, cleared_by FROM discrepancies ORDER BY finding_id") == before
    assert wh.query("SELECT COUNT(*) AS n FROM finding_clearances WHERE finding_id = 'f-ana-reg'")[0]["n"] == 0
    assert not (cfg.data_path() / "reports").exists()  # no re-render either


def test_no_run_yet(cfg):
    empty = warehouse()
    client = TestClient(create_app(warehouse_factory=lambda: empty, verify_token=fake_verify, config=cfg))
    r = client.get("/", headers=auth())
    assert r.status_code == 200 and "No pipeline run has been sealed yet" in r.text


def test_plugin_registration():
    assert CrosscheckUIPlugin.name == "crosscheck_ui"
    (fastapi_app,) = CrosscheckUIPlugin.fastapi_apps
    assert fastapi_app["url_prefix"] == "/crosscheck" and fastapi_app["app"].routes
    (view,) = CrosscheckUIPlugin.external_views
    assert view["href"] == "crosscheck/desk" and view["destination"] == "nav" and "url_route" not in view
    assert view["name"] == "Crosscheck" and "category" not in view  # a top-level entry, not under Browse


def test_the_default_verifier_fails_closed_without_an_auth_manager(wh, cfg, monkeypatch):
    from airflow.api_fastapi import app as airflow_app

    monkeypatch.setattr(airflow_app._AuthManagerState, "instance", None)
    client = TestClient(create_app(warehouse_factory=lambda: wh, config=cfg))
    assert client.get("/", headers=auth("anything")).status_code == 401


# --- against Airflow's real JWT validation (SimpleAuthManager, the default auth manager) -------------------


@pytest.fixture
def airflow_auth(monkeypatch):
    """Airflow's auth manager as the API server has it, with a signing secret and the revoked-token table."""
    monkeypatch.setenv("AIRFLOW__API_AUTH__JWT_SECRET", "crosscheck-test-secret-" + "x" * 64)
    from airflow import settings
    from airflow.api_fastapi import app as airflow_app
    from airflow.models.revoked_token import RevokedToken

    previous = airflow_app._AuthManagerState.instance
    manager = airflow_app.create_auth_manager()
    RevokedToken.__table__.create(bind=settings.engine, checkfirst=True)  # initdb's create_all also skips it
    yield manager
    airflow_app._AuthManagerState.instance = previous


def test_real_airflow_jwt(airflow_auth, wh, cfg):
    from airflow.api_fastapi.auth.managers.simple.user import SimpleAuthManagerUser

    client = TestClient(create_app(warehouse_factory=lambda: wh, config=cfg))  # the default verifier
    token = airflow_auth.generate_jwt(SimpleAuthManagerUser(username="hana", role="viewer"))
    r = client.get("/", headers=auth(token))
    assert r.status_code == 200 and "Senior Robotics Engineer" in r.text

    client.cookies.set("_token", token)  # as the Airflow UI sends it
    assert client.get("/").status_code == 200
    client.cookies.clear()

    header, payload, signature = token.split(".")
    forged = f"{header}.{payload}.{signature[:-4]}AAAA"
    assert client.get("/", headers=auth(forged)).status_code == 401
    # a browser without a session is sent to the auth manager's own login page, which brings it back
    r = client.get("/?lang=en", headers={"Accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == airflow_auth.get_url_login(next_url="/?lang=en")
    assert r.headers["location"].startswith("/auth/")
    expired = airflow_auth.generate_jwt(
        SimpleAuthManagerUser(username="hana", role="viewer"), expiration_time_in_seconds=-3600
    )
    assert client.get("/", headers=auth(expired)).status_code == 401
    no_role = airflow_auth.generate_jwt(SimpleAuthManagerUser(username="guest", role=None))
    assert client.get("/", headers=auth(no_role)).status_code == 403

    airflow_auth.revoke_token(token)  # logged out: the same token no longer works
    assert asyncio.run(_is_revoked(airflow_auth, token))
    assert client.get("/", headers=auth(token)).status_code == 401


@pytest.mark.parametrize("role,may_clear", [("viewer", False), ("user", True), ("op", True), ("admin", True)])
def test_clearing_needs_edit_access_under_simple_auth_manager(airflow_auth, wh, cfg, role, may_clear):
    """Airflow's own SimpleAuthManager decides: a viewer reads the page but is refused the clearance
    (403, the finding stays open); user, op and admin may edit the report DAG, so they clear it."""
    from airflow.api_fastapi.auth.managers.simple.user import SimpleAuthManagerUser

    client = TestClient(create_app(warehouse_factory=lambda: wh, config=cfg), base_url="http://airflow.test")
    token = airflow_auth.generate_jwt(SimpleAuthManagerUser(username="hana", role=role))
    page = client.get("/", headers=auth(token))
    assert page.status_code == 200 and page.text.count('<form class="clear"') == (3 if may_clear else 0)
    csrf = csrf_token(Principal("hana", "hana", token=token))
    r = _post_clear(client, token, csrf)
    if may_clear:
        assert r.status_code == 303 and r.headers["location"] == "./?lang=en&cleared=f-ana-reg#f-f-ana-reg"
        assert _status(wh, "f-ana-reg") == "cleared"
        assert "Explained on the phone" in (cfg.data_path() / "reports" / "report-2026-11-21-en.html").read_text(
            encoding="utf-8"
        )
    else:
        assert r.status_code == 403 and _status(wh, "f-ana-reg") == "open"


def test_the_edit_check_fails_closed(airflow_auth, wh, cfg, monkeypatch):
    """An auth manager that errors while asked about the edit permission does not grant it."""
    from airflow.api_fastapi.auth.managers.simple.user import SimpleAuthManagerUser

    def broken(**_: Any) -> bool:
        raise RuntimeError("policy store down")

    monkeypatch.setattr(airflow_auth, "is_authorized_dag", broken)
    client = TestClient(create_app(warehouse_factory=lambda: wh, config=cfg), base_url="http://airflow.test")
    token = airflow_auth.generate_jwt(SimpleAuthManagerUser(username="root", role="admin"))
    assert "<form" not in client.get("/", headers=auth(token)).text
    r = _post_clear(client, token, csrf_token(Principal("root", "root", token=token)))
    assert r.status_code == 403 and _status(wh, "f-ana-reg") == "open"


async def _is_revoked(manager: Any, token: str) -> bool:
    from jwt import InvalidTokenError

    try:
        await manager.get_user_from_token(token)
    except InvalidTokenError:
        return True
    return False


def test_mounted_in_airflows_own_api_server(airflow_auth, tmp_path, monkeypatch):
    """The real API server app loads the plugin from plugins/, mounts it at /crosscheck, and the page there
    answers 401 without a session and 200 with the JWT the same server's auth manager issued."""
    from airflow.api_fastapi.app import create_app as create_api_app
    from airflow.api_fastapi.auth.managers.simple.user import SimpleAuthManagerUser

    db = tmp_path / "warehouse.duckdb"
    seeded = warehouse(str(db))
    seed(seeded)
    seeded.close()
    cfg_file = tmp_path / "crosscheck.yaml"
    cfg_file.write_text(f"hiring_company: {{name: Example Robotics Ltd}}\ndata_dir: {tmp_path / 'data'}\n")
    monkeypatch.setenv(
        "AIRFLOW_CONN_CROSSCHECK_WAREHOUSE", json.dumps({"conn_type": "duckdb", "host": str(db)})
    )
    monkeypatch.setenv("CROSSCHECK_CONFIG", str(cfg_file))
    api = create_api_app()
    mounted = [r for r in api.routes if getattr(r, "path", "") == "/crosscheck"]
    assert len(mounted) == 1
    mounted[
        0
    ].app.state.settings.config = None  # read CROSSCHECK_CONFIG above, whatever loaded the plugin first
    client = TestClient(api)
    assert client.get("/crosscheck/").status_code == 401
    manager = api.state.auth_manager
    client.cookies.set("_token", manager.generate_jwt(SimpleAuthManagerUser(username="vic", role="viewer")))
    r = client.get("/crosscheck/")
    assert r.status_code == 200 and "Senior Robotics Engineer" in r.text and r.text.count("<form") == 0
    client.cookies.set("_token", manager.generate_jwt(SimpleAuthManagerUser(username="hana", role="user")))
    r = client.get("/crosscheck/")
    assert r.status_code == 200 and r.text.count('<form class="clear"') == 3


def test_each_candidate_links_to_its_dispute_file(client, wh):
    day = client.get("/?lang=en", headers=auth()).text
    page = "".join(client.get(f"/requisition?key={key}&lang=en", headers=auth()).text
                   for key in re.findall(r'href="requisition\?key=([^&"]+)&amp;page=1', day))
    links = re.findall(r'href="dossier\?candidate=([^&"]+)&amp;lang=en"', page)
    shown = set(re.findall(r'<article class="candidate" data-candidate="([^"]+)"', page))
    assert links and {link.replace("%3A", ":") for link in links} == shown
    r = client.get(f"/dossier?candidate={links[0]}&lang=zh_CN", headers=auth())
    assert r.status_code == 200 and "争议档案" in r.text and r.headers["cache-control"] == "no-store"
    digest = re.search(r'crosscheck-dossier-digest" content="([0-9a-f]{64})"', r.text)
    assert digest is not None
    assert client.get("/dossier?candidate=greenhouse:nobody", headers=auth()).status_code == 404
    assert client.get(f"/dossier?candidate={links[0]}").status_code == 401


def test_levels_come_first_on_the_hr_page_and_follow_a_clearing(client, wh):
    page = client.get("/", headers=auth()).text
    assert page.index('id="today"') < page.index('id="levels"') < page.index('id="at-a-glance"')
    assert 'data-level-candidate="greenhouse:1001"' in page  # red: its registry finding is open
    r = client.post(
        "/clear?lang=en",
        data={"finding_id": "f-ana-reg", "reason": "Certificate seen", "by": "Hana Reviewer",
              "csrf_token": csrf_of(page)},
        headers={**auth(), "Origin": "http://airflow.test", "Sec-Fetch-Site": "same-origin"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    after = client.get("/", headers=auth()).text
    levels = after[after.index('id="levels"'):after.index('id="at-a-glance"')]
    assert 'data-level-candidate="greenhouse:1001"' not in levels  # blue now: counted, not listed
    assert 'data-level="red"><span class="num">0<' in levels


def test_the_candidates_awaiting_consent_by_name_with_when_each_was_asked(client, wh):
    page = client.get("/", headers=auth()).text
    assert 'href="consent?lang=en"' in page  # linked from the HR page
    r = client.get("/consent?lang=en", headers=auth())
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    rows = re.findall(r'<tr data-candidate="([^"]+)">(.*?)</tr>', r.text, re.DOTALL)
    expected = wh.query("SELECT c.candidate_id FROM candidates c JOIN applications a ON a.candidate_id = c.candidate_id "
                        "WHERE NOT c.consent_given")
    assert [cid for cid, _ in rows] == [e["candidate_id"] for e in expected] == ["greenhouse:1004"]
    row = rows[0][1]
    assert "Nora Noconsent" in row and "Senior Robotics Engineer" in row and "October 5, 2026" in row
    assert "1 applications whose candidate has not consented" in r.text
    assert "Ana Silva" not in r.text  # consenting candidates are not listed
    zh = client.get("/consent?lang=zh_CN", headers=auth(VIEWER))  # a reader may see it too
    assert zh.status_code == 200 and "等待授权" in zh.text and "2026年10月5日" in zh.text
    assert client.get("/consent").status_code == 401


def test_the_awaiting_consent_list_when_everyone_consented(cfg):
    w = warehouse()
    seed(w)
    w.execute("UPDATE candidates SET consent_given = TRUE")
    client = TestClient(create_app(warehouse_factory=lambda: w, verify_token=fake_verify, config=cfg))
    r = client.get("/consent", headers=auth())
    assert r.status_code == 200 and "Every candidate with an application has consented." in r.text
    w.close()
