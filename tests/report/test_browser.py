"""The report and the plugin page in a real browser (Debian's headless Chromium, driven over CDP):
key elements are visible on a laptop screen, long names wrap instead of overflowing, print rules apply,
and a finding is cleared through the page's own form. Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import base64
import contextlib
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Self

import pytest

from include.config import PROJECT_ROOT
from include.report.render import build_report
from tests.report import chromium_cdp
from tests.report.report_seed import DAY, LONG_LAST, RUN, config, report_data, seed, warehouse


@pytest.fixture(autouse=True, scope="module")
def _chromium_installed():
    """`make test` installs Chromium and the CJK font; without them this test fails, it does not skip."""
    if not chromium_cdp.available():
        pytest.fail("needs Debian's chromium and fonts-noto-cjk: run `make system-deps` (make test does)")

SHOTS = PROJECT_ROOT / "artifacts" / "screenshots"
LAPTOP = (1366, 900)
PHONE = (390, 844)
# whether an element's top is on the screen (the page scrolled to it)
IN_VIEW = "(() => { const r = document.querySelector('SEL').getBoundingClientRect(); return r.top >= -1 && r.top < innerHeight; })()"

# Evaluated in the browser by the test (the report itself has no JavaScript).
OVERFLOWS = """(() => {
  const doc = document.documentElement, bad = [];
  if (doc.scrollWidth > doc.clientWidth) bad.push('page ' + doc.scrollWidth + '>' + doc.clientWidth);
  const boxes = '.cand-name, .summary, .side, .side dd, .req-title, .review, .tile';
  for (const el of document.querySelectorAll(boxes)) {
    const [inner, outer] = [el.scrollWidth, el.clientWidth];
    if (inner > outer + 1) bad.push(el.className + ': ' + inner + '>' + outer);
    const box = el.getBoundingClientRect(), parent = el.closest('.candidate, .panel, .tiles, .requisition');
    const limit = parent && parent !== el ? parent.getBoundingClientRect().right + 1 : Infinity;
    if (box.right > limit) bad.push(el.className + ' sticks out');
  }
  return bad;
})()"""
VISIBLE = """((sel) => [...document.querySelectorAll(sel)].filter(el => {
  const r = el.getBoundingClientRect(), s = getComputedStyle(el);
  return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
}).length)"""


def visible(browser: chromium_cdp.Browser, selector: str) -> int:
    return browser.eval(f"{VISIBLE}({selector!r})")


@pytest.fixture(scope="module")
def browser() -> Any:
    with chromium_cdp.Browser(*LAPTOP) as b:
        yield b


@pytest.fixture(scope="module")
def report_files(tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("browser-report")
    data = report_data(tmp).model_copy(update={"generated_at": "2026-11-21T06:00:00+00:00"})
    return {loc: build_report(data, tmp / "reports", loc).html for loc in ("en", "zh_CN")}


@pytest.fixture(scope="module")
def site_files(tmp_path_factory) -> dict[str, Path]:
    """The report as the pipeline writes it (``build_site``): the day report of each locale, beside its
    folder of requisition pages."""
    from include.report.site import build_site

    tmp = tmp_path_factory.mktemp("browser-site")
    wh = warehouse()
    seed(wh)
    site = build_site(wh, DAY, RUN, config(tmp), tmp / "reports")
    wh.close()
    return {loc: paths.html for loc, paths in site.items()}


def test_report_on_a_laptop_screen(browser, report_files):
    browser.resize(*LAPTOP)
    browser.open(report_files["en"].as_uri())
    assert browser.eval("document.querySelector('h1').textContent") == "Pre-hire verification report"
    # "At a glance" (need action, reviews, average, lowest in the window) above the five run counts
    assert visible(browser, "[data-glance]") == 4 and visible(browser, "[data-count]") == 5
    assert (
        visible(browser, "h1") == 1
        and browser.eval("document.querySelector('.tiles').getBoundingClientRect().bottom") < 900
    )
    assert visible(browser, ".finding") == 6 and visible(browser, ".badge-red") >= 2
    assert visible(browser, "#brand .trend rect.bar") == 8 and visible(browser, "#brand .review") == 2
    # evidence sides sit side by side
    tops = browser.eval(
        "[...document.querySelector('[data-finding=\"f-wang-date\"]').querySelectorAll('.side')]"
        ".map(e => [Math.round(e.getBoundingClientRect().top), Math.round(e.getBoundingClientRect().left)])"
    )
    assert len(tops) == 2 and tops[0][0] == tops[1][0] and tops[0][1] < tops[1][1]
    assert browser.eval(OVERFLOWS) == []
    # the long name wraps onto a second line instead of overflowing
    name = browser.eval(
        "(() => { const h = [...document.querySelectorAll('.cand-name')].find(e => e.textContent"
        f".includes({LONG_LAST[:20]!r})); const r = h.getBoundingClientRect();"
        " return [r.height, parseFloat(getComputedStyle(h).lineHeight)]; })()"
    )
    assert name[0] > 1.5 * name[1]
    # the name with HTML in it is text, and no script ran
    assert browser.eval("document.querySelectorAll('script').length") == 0
    assert any(
        '<script>alert("x")</script>' in t
        for t in browser.eval("[...document.querySelectorAll('.cand-name')].map(e => e.textContent)")
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    full = browser.screenshot(SHOTS / "report-en.png")
    top = browser.screenshot(
        SHOTS / "report-en-top.png", clip={"x": 0, "y": 0, "width": LAPTOP[0], "height": 1500}
    )
    assert full.stat().st_size > 50_000 and top.stat().st_size > 20_000


def test_report_narrow_window_still_does_not_overflow(browser, report_files):
    browser.resize(800, 900)
    browser.open(report_files["en"].as_uri())
    assert browser.eval(OVERFLOWS) == []
    browser.resize(*LAPTOP)


def test_report_in_chinese(browser, report_files):
    browser.open(report_files["zh_CN"].as_uri())
    assert browser.eval("document.documentElement.lang") == "zh-CN"
    assert browser.eval("document.querySelector('h1').textContent") == "入职前背景核查报告"
    # a CJK font is installed: nine ideographs are about nine em wide, not tofu boxes of zero width
    width = browser.eval(
        "(() => { const s = document.createElement('span'); s.textContent = '入职前背景核查报告';"
        " s.style.fontSize = '20px'; document.body.appendChild(s);"
        " const w = s.getBoundingClientRect().width; s.remove(); return w; })()"
    )
    assert 150 < width < 200
    assert browser.eval(OVERFLOWS) == []
    browser.screenshot(SHOTS / "report-zh_CN.png")


def test_print_layout(browser, report_files):
    browser.open(report_files["en"].as_uri())
    browser.call("Emulation.setEmulatedMedia", {"media": "print"}, session=True)
    try:
        styles = browser.eval(
            "[...document.querySelectorAll('.requisition')].map(e => getComputedStyle(e).breakBefore)"
        )
        assert styles == ["auto", "page"]
        assert browser.eval("getComputedStyle(document.querySelector('.finding')).breakInside") == "avoid"
        pdf = browser.call(
            "Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True}, session=True
        )
        pages = len(re.findall(rb"/Type\s*/Page[^s]", base64.b64decode(pdf["data"])))
        assert pages >= 3  # a page per requisition, and the employer-brand section on its own
    finally:
        browser.call("Emulation.setEmulatedMedia", {"media": ""}, session=True)


class Server:
    """The plugin app mounted at its url_prefix, as Airflow's API server mounts it, served by uvicorn."""

    def __init__(self, app: Any, login_token: str | None = None) -> None:
        import uvicorn
        from fastapi import FastAPI
        from fastapi.responses import RedirectResponse

        from plugins.crosscheck_ui import URL_PREFIX

        root = FastAPI()
        if login_token:  # Airflow's login, as far as the page sees it: it sets the session cookie, goes back

            @root.get("/auth/login")
            def login(next: str = "/") -> Any:
                back = RedirectResponse(next if next.startswith("/") else "/", status_code=303)
                back.set_cookie("_token", login_token, httponly=True, samesite="lax")
                return back

        root.mount(URL_PREFIX, app)
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(root, log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> Self:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert self.server.started
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


def test_plugin_page_clears_a_finding(browser, tmp_path):
    from plugins.crosscheck_ui import Principal, create_app

    wh = warehouse()
    seed(wh)
    cfg = config(tmp_path)
    app = create_app(
        warehouse_factory=lambda: wh,
        config=cfg,
        verify_token=lambda t, m: Principal("hana", "Hana Reviewer", can_clear=True) if t == "browser-jwt" else None,
    )
    with Server(app, login_token="browser-jwt") as server:
        base = f"http://127.0.0.1:{server.port}/crosscheck/"
        browser.resize(*LAPTOP)
        browser.call("Network.clearBrowserCookies", session=True)
        # no session: to Airflow's login, which sends the browser back to the page it asked for
        browser.open(base + "?lang=en")
        assert browser.eval("location.pathname + location.search") == "/crosscheck/?lang=en"
        # the day report: the day's new open findings, each clearable (the wang-nc one is cleared: reopen)
        assert visible(browser, "form.clear") == 3 and browser.eval(OVERFLOWS) == []
        assert browser.eval("document.querySelector('form.clear .as').textContent") == "as Hana Reviewer"
        browser.screenshot(SHOTS / "plugin-en.png", clip={"x": 0, "y": 0, "width": LAPTOP[0], "height": 1500})
        browser.submit_and_wait(
            "(() => { const f = document.querySelector('[data-finding=\"f-ana-reg\"] form.clear');"
            " f.reason.value = 'Registered under its former name'; f.requestSubmit(); })()"
        )
        assert browser.eval("location.pathname") == "/crosscheck/", browser.eval("document.body.textContent")
        # back where HR was: at the finding, in view, not at the top of the page
        assert browser.eval("location.hash") == "#f-f-ana-reg" and browser.eval("scrollY") > 0
        assert browser.eval(IN_VIEW.replace("SEL", '[data-finding="f-ana-reg"]'))
        assert "Ana Silva" in browser.eval("document.querySelector('.flash.ok').textContent")
        assert visible(browser, "form.clear") == 2
        assert browser.eval(
            "document.querySelector('[data-finding=\"f-ana-reg\"] .cleared-note').textContent"
        ).startswith("Cleared by Hana Reviewer")
        row = wh.query("SELECT status, cleared_by FROM discrepancies WHERE finding_id = 'f-ana-reg'")[0]
        assert row == {"status": "cleared", "cleared_by": "Hana Reviewer"}
        # the report's files are rendered again: the clearance's reason is on its requisition's page
        pages = sorted((cfg.data_path() / "reports" / "report-2026-11-21-en" / "requisitions").glob("*.html"))
        assert pages and any("Registered under its former name" in p.read_text(encoding="utf-8") for p in pages)
        browser.open(base + "?lang=zh_CN")
        assert browser.eval("document.querySelector('h1').textContent") == "入职前背景核查报告"
        browser.screenshot(
            SHOTS / "plugin-zh_CN.png", clip={"x": 0, "y": 0, "width": LAPTOP[0], "height": 1500}
        )
        # on a phone: the page fits the screen's width and a finding is cleared the same way, in place
        browser.resize(*PHONE)
        browser.open(base + "?lang=en")
        assert browser.eval("document.documentElement.scrollWidth <= innerWidth"), browser.eval(OVERFLOWS)
        assert visible(browser, "form.clear") == 2
        browser.submit_and_wait(
            "(() => { const f = document.querySelector('[data-finding=\"f-long-gap\"] form.clear');"
            " f.reason.value = 'A sabbatical, documented'; f.requestSubmit(); })()"
        )
        assert browser.eval("location.hash") == "#f-f-long-gap"
        assert browser.eval(IN_VIEW.replace("SEL", '[data-finding="f-long-gap"]'))
        assert browser.eval("document.documentElement.scrollWidth <= innerWidth"), browser.eval(OVERFLOWS)
        assert wh.query("SELECT cleared_by FROM discrepancies WHERE finding_id = 'f-long-gap'")[0]["cleared_by"] == (
            "Hana Reviewer")
        browser.screenshot(SHOTS / "plugin-phone.png", clip={"x": 0, "y": 0, "width": PHONE[0], "height": PHONE[1]})
        browser.resize(*LAPTOP)
    wh.close()


def test_hr_desk_search_filter_and_clear_in_place_at_laptop_and_phone_sizes(browser, tmp_path):
    """The desk in a browser: the search form and a filter narrow the list, the candidate's page clears a
    finding and comes back to it; at a phone's width nothing is wider than the screen."""
    from plugins.crosscheck_ui import Principal, create_app

    wh = warehouse()
    seed(wh)
    app = create_app(warehouse_factory=lambda: wh, config=config(tmp_path),
                     verify_token=lambda t, m: Principal("hana", "Hana Reviewer", can_clear=True) if t == "desk-jwt" else None)
    rows = "[...document.querySelectorAll('table.desk tbody tr')].map(r => r.dataset.candidate)"
    with Server(app, login_token="desk-jwt") as server:
        base = f"http://127.0.0.1:{server.port}/crosscheck/"
        browser.call("Network.clearBrowserCookies", session=True)
        for size, name in ((LAPTOP, "desk-laptop"), (PHONE, "desk-phone")):
            browser.resize(*size)
            browser.open(base + "desk?lang=en")  # through the login the first time
            assert browser.eval("location.pathname") == "/crosscheck/desk"
            everyone = browser.eval(rows)
            assert len(everyone) >= 3 and browser.eval("document.documentElement.scrollWidth <= innerWidth")
            browser.screenshot(SHOTS / f"{name}.png", clip={"x": 0, "y": 0, "width": size[0], "height": size[1]})
            browser.submit_and_wait("(() => { const f = document.querySelector('form.filters');"
                                    " f.q.value = 'silva'; f.requestSubmit(); })()")
            assert browser.eval(rows) == ["greenhouse:1001"]
            browser.submit_and_wait("(() => { const f = document.querySelector('form.filters');"
                                    " f.q.value = ''; f.severity.value = 'red'; f.requestSubmit(); })()")
            red = browser.eval(rows)
            assert red and set(red) < set(everyone)
            assert browser.eval("location.search").count("severity=red") == 1
        browser.resize(*PHONE)
        browser.open(base + "candidate?id=greenhouse%3A1001&lang=en")
        assert browser.eval("document.documentElement.scrollWidth <= innerWidth")
        browser.submit_and_wait("(() => { const f = document.querySelector('[data-finding=\"f-ana-gap\"] form.clear');"
                                " f.reason.value = 'A sabbatical'; f.requestSubmit(); })()")
        assert browser.eval("location.pathname") == "/crosscheck/candidate" and browser.eval("location.hash") == "#f-f-ana-gap"
        assert browser.eval(IN_VIEW.replace("SEL", '[data-finding="f-ana-gap"]'))
        assert browser.eval("document.querySelector('[data-finding=\"f-ana-gap\"] .cleared-note').textContent").startswith(
            "Cleared by Hana Reviewer")
        browser.resize(*LAPTOP)
    wh.close()


def test_a_cleared_finding_is_reopened_in_place(browser, tmp_path):
    from plugins.crosscheck_ui import Principal, create_app

    wh = warehouse()
    seed(wh)
    app = create_app(warehouse_factory=lambda: wh, config=config(tmp_path),
                     verify_token=lambda t, m: Principal("hana", "Hana Reviewer", can_clear=True) if t == "re-jwt" else None)
    with Server(app, login_token="re-jwt") as server:
        base = f"http://127.0.0.1:{server.port}/crosscheck/"
        browser.call("Network.clearBrowserCookies", session=True)
        for size in (LAPTOP, PHONE):
            browser.resize(*size)
            browser.open(base + "?lang=en")
            assert visible(browser, '[data-finding="f-wang-nc"] form.reopen') == 1
            browser.submit_and_wait("document.querySelector('[data-finding=\"f-wang-nc\"] form.reopen').requestSubmit()")
            assert browser.eval("location.hash") == "#f-f-wang-nc"
            assert browser.eval(IN_VIEW.replace("SEL", '[data-finding="f-wang-nc"]'))
            assert visible(browser, '[data-finding="f-wang-nc"] form.clear') == 1  # open again, clearable
            browser.submit_and_wait("(() => { const f = document.querySelector('[data-finding=\"f-wang-nc\"] form.clear');"
                                    " f.reason.value = 'Waiver signed'; f.requestSubmit(); })()")
            assert visible(browser, '[data-finding="f-wang-nc"] form.reopen') == 1
        browser.resize(*LAPTOP)
    assert wh.query("SELECT reopened_by FROM finding_clearances WHERE finding_id = 'f-wang-nc' ORDER BY cleared_at") == [
        {"reopened_by": "Hana Reviewer"}, {"reopened_by": None}]  # reopened once by hand; the last clearance holds
    wh.close()


# every element of the day report's top blocks ends inside the screen (a long id or a date does not push out)
TOP_BLOCKS_OUT = """[...document.querySelectorAll('#notices *, #disputes *')].filter(e => e.getClientRects().length
  && e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map(e => e.tagName + '.' + e.className)"""


def _hr_app(wh: Any, cfg: Any, token: str) -> Any:
    from plugins.crosscheck_ui import Principal, create_app

    return create_app(warehouse_factory=lambda: wh, config=cfg,
                      verify_token=lambda t, m: Principal("hana", "Hana Reviewer", can_clear=True) if t == token else None)


@contextlib.contextmanager
def _hr_page(browser: Any, tmp_path: Path, token: str) -> Iterator[tuple[Any, str]]:
    """The HR page on the seeded warehouse, signed in as HR with ``token``, opened at laptop size in
    English: yields the warehouse and the page's base address."""
    wh = warehouse()
    seed(wh)
    try:
        with Server(_hr_app(wh, config(tmp_path), token), login_token=token) as server:
            base = f"http://127.0.0.1:{server.port}/crosscheck/"
            browser.call("Network.clearBrowserCookies", session=True)
            browser.resize(*LAPTOP)
            browser.open(base + "?lang=en")
            yield wh, base
    finally:
        wh.close()


def test_the_day_reports_notices_and_disputes_lead_and_fit_a_phone(browser, tmp_path):
    """An overdue notice, a waiting period and a dispute lead the HR page's day report, above the day's
    findings, in both locales; at a phone's width nothing in those blocks is wider than the screen."""
    from datetime import UTC, date, datetime

    from include.disputes import record_dispute
    from include.notices import deliver_notice, record_decision, write_notice

    wh = warehouse()
    seed(wh)
    cfg = config(tmp_path)
    # a decision of three weeks ago whose letter was never written: its notice is overdue today
    record_decision(wh, "greenhouse:7001", "pre_adverse", "Employer not confirmed", "Hana HR", cfg,
                    at=datetime(2026, 11, 2, 9, tzinfo=UTC))
    made = record_decision(wh, "lever:c-3", "pre_adverse", "Dates differ", "Hana HR", cfg)
    letter = write_notice(wh, made.decision_id, cfg, "Hana HR")
    deliver_notice(wh, letter.notice_id, cfg, "handed_over", "Hana HR", note="at the interview")  # waiting
    record_dispute(wh, "f-long-gap", "I was caring for a parent; documents attached.", date(2026, 11, 20), "Hana HR")
    with Server(_hr_app(wh, cfg, "top-jwt"), login_token="top-jwt") as server:
        base = f"http://127.0.0.1:{server.port}/crosscheck/"
        browser.call("Network.clearBrowserCookies", session=True)
        for locale in ("en", "zh_CN"):
            browser.resize(*PHONE)
            browser.open(base + f"?lang={locale}")
            assert browser.eval("document.documentElement.lang") == ("en" if locale == "en" else "zh-CN")
            assert visible(browser, "#notices") == 1 and visible(browser, "#disputes") == 1
            states = browser.eval("[...document.querySelectorAll('#notices [data-notice-state]')]"
                                  ".map(e => e.dataset.noticeState)")
            assert "overdue" in states and "waiting" in states, states
            # both blocks come before the day's findings
            order = browser.eval("[...document.querySelectorAll('section.block')].map(s => s.id)")
            assert order.index("notices") < order.index("today") and order.index("disputes") < order.index("today")
            assert browser.eval("document.querySelector('#disputes').textContent").count("2026") >= 1
            assert browser.eval("document.documentElement.scrollWidth <= innerWidth"), browser.eval(OVERFLOWS)
            assert browser.eval(TOP_BLOCKS_OUT) == [] and browser.eval(OVERFLOWS) == []
            browser.screenshot(SHOTS / f"top-blocks-phone-{locale}.png",
                               clip={"x": 0, "y": 0, "width": PHONE[0], "height": 1600})
        # the untranslated method of a delivery is not shown to HR: the candidate's page names it in Chinese
        browser.open(base + "candidate?id=lever%3Ac-3&lang=zh_CN")
        assert "当面交付" in browser.eval("document.body.textContent")
        assert "handed_over" not in browser.eval("document.body.innerText")
        assert browser.eval("document.documentElement.scrollWidth <= innerWidth"), browser.eval(OVERFLOWS)
        browser.resize(*LAPTOP)
    wh.close()


def test_a_dispute_and_its_outcome_are_recorded_on_the_hr_page(browser, tmp_path):
    """HR records the candidate's dispute with the finding's form (laptop), then its outcome (phone): each
    comes back to the finding, in view, and the warehouse holds what was typed."""
    with _hr_page(browser, tmp_path, "dis-jwt") as (wh, base):
        assert visible(browser, "#disputes") == 0  # none yet
        browser.submit_and_wait(
            "(() => { const f = document.querySelector('[data-finding=\"f-long-gap\"] form.dispute');"
            " f.statement.value = 'I was caring for a parent'; f.received.value = '2026-11-20'; f.requestSubmit(); })()")
        assert browser.eval("location.pathname") == "/crosscheck/", browser.eval("document.body.textContent")
        assert browser.eval("location.hash") == "#f-f-long-gap"
        assert browser.eval(IN_VIEW.replace("SEL", '[data-finding="f-long-gap"]'))
        assert browser.eval("document.querySelector('.flash.ok') !== null")
        assert visible(browser, "#disputes") == 1
        assert visible(browser, '[data-finding="f-long-gap"] form.outcome') == 1
        assert visible(browser, '[data-finding="f-long-gap"] form.dispute') == 0
        row = wh.query("SELECT statement, received_on AS received, recorded_by FROM finding_disputes "
                       "WHERE finding_id = 'f-long-gap'")
        assert row == [{"statement": "I was caring for a parent", "received": "2026-11-20",
                        "recorded_by": "Hana Reviewer"}]
        assert wh.query("SELECT status FROM discrepancies WHERE finding_id = 'f-long-gap'")[0]["status"] == "disputed"
        browser.resize(*PHONE)
        browser.open(base + "?lang=en")
        assert browser.eval("document.documentElement.scrollWidth <= innerWidth"), browser.eval(OVERFLOWS)
        browser.submit_and_wait(
            "(() => { const f = document.querySelector('[data-finding=\"f-long-gap\"] form.outcome');"
            " f.outcome.value = 'upheld'; f.reason.value = 'No document came'; f.requestSubmit(); })()")
        assert browser.eval("location.hash") == "#f-f-long-gap"
        assert browser.eval(IN_VIEW.replace("SEL", '[data-finding="f-long-gap"]'))
        assert visible(browser, '[data-finding="f-long-gap"] form.outcome') == 0
        assert visible(browser, "#disputes") == 0  # no dispute awaits an outcome any more
        browser.resize(*LAPTOP)
        assert wh.query("SELECT status FROM discrepancies WHERE finding_id = 'f-long-gap'")[0]["status"] == "open"


def test_the_requisition_pages_open_from_the_day_report_and_fit_a_phone(browser, site_files, tmp_path):
    """The day report's files link to each requisition's page, which exists, and which fits a phone's
    width in both locales; on the HR page a requisition page clears a finding and comes back to it."""
    for locale, day in site_files.items():
        browser.resize(*PHONE)
        browser.open(day.as_uri())
        links = browser.eval("[...new Set([...document.querySelectorAll('a[href*=\"requisitions/\"]')]"
                             ".map(a => a.href.split('#')[0]))]")
        assert len(links) >= 2, links
        for link in links:
            browser.open(link)
            assert browser.eval("location.protocol") == "file:" and visible(browser, "h1") == 1, link
            assert visible(browser, ".finding") >= 1
            assert browser.eval("document.documentElement.scrollWidth <= innerWidth"), (link, browser.eval(OVERFLOWS))
            assert browser.eval(OVERFLOWS) == [], link
        browser.screenshot(SHOTS / f"requisition-phone-{locale}.png",
                           clip={"x": 0, "y": 0, "width": PHONE[0], "height": PHONE[1]})
    with _hr_page(browser, tmp_path, "req-jwt") as (wh, _base):
        href = browser.eval("document.querySelector('a[href^=\"requisition?\"]').href")
        browser.open(href.split("#")[0])
        assert browser.eval("location.pathname") == "/crosscheck/requisition"
        assert visible(browser, "h1") == 1 and browser.eval(OVERFLOWS) == []
        fid = browser.eval("document.querySelector('[data-finding] form.clear').closest('[data-finding]')"
                           ".dataset.finding")
        browser.submit_and_wait(
            f"(() => {{ const f = document.querySelector('[data-finding=\"{fid}\"] form.clear');"
            " f.reason.value = 'Explained at the interview'; f.requestSubmit(); })()")
        assert browser.eval("location.hash") == f"#f-{fid}", browser.eval("document.body.textContent")[:300]
        assert browser.eval(IN_VIEW.replace("SEL", f'[data-finding="{fid}"]'))
        browser.resize(*PHONE)
        browser.open(href.split("#")[0])
        assert browser.eval("document.documentElement.scrollWidth <= innerWidth"), browser.eval(OVERFLOWS)
        browser.resize(*LAPTOP)
        assert wh.query("SELECT status, cleared_reason FROM discrepancies WHERE finding_id = ?", [fid]) == [
            {"status": "cleared", "cleared_reason": "Explained at the interview"}]


def test_the_site_prints_to_pdf_in_both_locales(browser, site_files):
    """The day report and a requisition page, printed: a PDF of a page or more, nothing past the A4 width."""
    for locale, day in site_files.items():
        pages = [day, min((day.with_suffix("") / "requisitions").glob("*.html"))]
        for page in pages:
            browser.resize(718, 1000)  # A4 less Chromium's print margins, in CSS pixels
            browser.open(page.as_uri())
            browser.call("Emulation.setEmulatedMedia", {"media": "print"}, session=True)
            try:
                over = browser.eval(
                    "[...document.querySelectorAll('body *')].filter(e => e.getClientRects().length"
                    " && e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)"
                    ".map(e => e.tagName + '.' + e.className).slice(0, 10)")
                assert over == [], (locale, page.name, over)
                pdf = base64.b64decode(browser.call("Page.printToPDF", {"printBackground": True}, session=True)["data"])
                assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 1
            finally:
                browser.call("Emulation.setEmulatedMedia", {"media": ""}, session=True)
    browser.resize(*LAPTOP)
