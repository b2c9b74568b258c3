"""The Crosscheck pages in the Airflow 3 UI, live from the warehouse: HR's desk (``/desk``: who needs action
first, search, filters, paging; ``include.report.desk``), a candidate's page (``/candidate``), the latest
HR report (``/``) with its requisition pages (``/requisition``, each page's CSV ``/requisition.csv``), the
CSV of every finding streamed from the warehouse (``/report.csv``) and the candidates awaiting consent
(``/consent``). A form per open finding clears it
with a reason, in the logged-in user's name; a cleared finding can be reopened; both come back to the
finding. A browser without a session is sent to Airflow's login, which brings it back.

A plugin's FastAPI app gets no authentication from Airflow, so every route depends on ``authenticate``,
which fails closed: no credential is 401 (a browser asking for a page is sent to the login instead), a
credential Airflow's auth manager does not accept is 401 (likewise),
a user the auth manager does not allow on this view is 403, and any error while checking is 401.
The credential is the Airflow JWT, from an ``Authorization: Bearer`` header or the ``_token`` cookie
the Airflow UI sets. POSTs also need a same-origin request and a CSRF token derived from that JWT, so
another site cannot make a logged-in browser clear findings.

Reading the page needs the auth manager's access to this custom view. Clearing a finding needs more:
edit access to the ``crosscheck_report`` DAG, the DAG that writes the report (``is_authorized_dag`` with
``PUT``). Under SimpleAuthManager that is the ``user``, ``op`` and ``admin`` roles, not ``viewer``
(whose ``is_authorized_custom_view`` ignores the method, so it cannot be the test); under another auth
manager, its DAG edit permission. A viewer sees the report without the forms; a POST from a viewer,
or any error while asking the auth manager, is 403 and changes nothing.

The menu entry is an external link rather than an iframe: Airflow sandboxes plugin iframes into an
opaque origin, where the ``SameSite=Lax`` session cookie is not sent with a form POST.
"""

from __future__ import annotations

import hashlib
import hmac
import inspect
import json
import logging
import re
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlencode, urlsplit

from fastapi import Depends, FastAPI, Form, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response, StreamingResponse

from include.warehouse import Warehouse, WarehouseUnavailable

try:  # the Airflow plugin manager imports this module; tests import create_app without it mattering
    from airflow.plugins_manager import AirflowPlugin
except ImportError:  # pragma: no cover
    AirflowPlugin = object  # type: ignore[assignment,misc]

log = logging.getLogger("crosscheck.ui")

URL_PREFIX = "/crosscheck"
RESOURCE_NAME = "Crosscheck Report"  # the custom view name the auth manager is asked about
REPORT_DAG = "crosscheck_report"  # who may edit this DAG may clear the findings of its report
TOKEN_COOKIE = "_token"  # airflow.api_fastapi.auth.managers.base_auth_manager.COOKIE_NAME_JWT_TOKEN
MAX_REASON, MAX_NAME = 1000, 200
MAX_STATEMENT = 10000  # a candidate's dispute, as HR types or pastes it
# the template's clearing form; removed for a reader who may not clear (its user text is HTML-escaped,
# so no "</form>" of a finding's content can end the match early)
CLEAR_FORM = re.compile(r'\s*<form class="(?:clear|reopen|dispute|outcome)" method="post".*?</form>', re.DOTALL)
READ_ONLY = {
    "en": "Read only: your Airflow role may read this report but not clear findings "
    f"(that needs edit access to the {REPORT_DAG} DAG).",
    "zh_CN": f"只读：您的 Airflow 角色可以查看此报告，但不能解除发现项（需要对 {REPORT_DAG} DAG 的编辑权限）。",
}
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "form-action 'self'; frame-ancestors 'self'; base-uri 'none'",
    "Referrer-Policy": "same-origin",  # "no-referrer" would make browsers send "Origin: null" on our POST
    "X-Content-Type-Options": "nosniff",
}


@dataclass(frozen=True)
class Principal:
    """Who is asking, as the auth manager says; ``token`` is kept only to derive the CSRF token.
    ``can_clear`` is False unless the auth manager said yes (fails closed)."""

    user_id: str
    name: str
    token: str = ""
    can_clear: bool = False


# (token, HTTP method) -> Principal, or None when the token is not valid. Raise PermissionError for
# a valid user without access. May be async.
VerifyToken = Callable[[str, str], "Principal | None | Awaitable[Principal | None]"]


async def airflow_verify_token(token: str, method: str) -> Principal | None:
    """Validate an Airflow JWT with the running auth manager (signature, expiry, audience, revocation)
    and ask it whether the user may use this view."""
    from airflow.api_fastapi.app import get_auth_manager
    from jwt import InvalidTokenError

    manager = get_auth_manager()  # RuntimeError when not initialised: fails closed below
    try:
        user = await manager.get_user_from_token(token)
    except InvalidTokenError:
        return None
    verb: Literal["GET", "POST"] = "POST" if method == "POST" else "GET"
    allowed = manager.is_authorized_custom_view(method=verb, resource_name=RESOURCE_NAME, user=user)
    if not allowed:
        raise PermissionError("not allowed on the Crosscheck report")
    return Principal(
        user_id=str(user.get_id()), name=str(user.get_name()), token=token, can_clear=may_clear(manager, user)
    )


def may_clear(manager: Any, user: Any) -> bool:
    """Edit access to the report's DAG, as the auth manager says; no on any error."""
    try:
        from airflow.api_fastapi.auth.managers.models.resource_details import DagDetails

        return manager.is_authorized_dag(method="PUT", details=DagDetails(id=REPORT_DAG), user=user) is True
    except Exception as exc:  # noqa: BLE001 - an auth manager that cannot answer does not grant
        log.warning("edit permission check failed: %s", type(exc).__name__)
        return False


def credential(request: Request) -> str | None:
    """The bearer token when an Authorization header is sent (it wins, as in Airflow), else the cookie."""
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, value = header.partition(" ")
        return (value.strip() or None) if scheme.lower() == "bearer" else None
    return request.cookies.get(TOKEN_COOKIE) or None


def csrf_token(principal: Principal) -> str:
    """Bound to the session's JWT, which another origin cannot read; stateless across API workers."""
    return hmac.new(principal.token.encode(), b"crosscheck-clear-finding", hashlib.sha256).hexdigest()


def same_origin(request: Request) -> bool:
    """Reject what a browser marks as coming from another site; non-browser clients send neither header."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True
    host = request.headers.get("x-forwarded-host") or request.headers.get("host") or ""
    return origin != "null" and urlsplit(origin).netloc.lower() == host.split(",")[0].strip().lower()


def airflow_login_url(next_url: str) -> str:
    """Airflow's login page, which sends the user back to ``next_url`` (relative to the host) after."""
    try:
        from airflow.api_fastapi.app import get_auth_manager

        return str(get_auth_manager().get_url_login(next_url=next_url))
    except Exception as exc:  # noqa: BLE001 - no auth manager here: Airflow's default login route
        log.warning("login URL from the auth manager unavailable: %s", type(exc).__name__)
        return f"/auth/login?{urlencode({'next': next_url})}"


def wants_page(request: Request) -> bool:
    """A browser asking for a page (not an API client, not a form POST): it is sent to log in instead
    of being shown a 401."""
    return request.method in ("GET", "HEAD") and "text/html" in request.headers.get("accept", "")


@dataclass
class Settings:
    warehouse_factory: Callable[[], Warehouse] | None
    verify_token: VerifyToken
    config: Any = None
    login_url: Callable[[str], str] = airflow_login_url


async def authenticate(request: Request) -> Principal:
    """The dependency of every route: a Principal, or 401/403. Never lets a request through on an error."""
    token = credential(request)
    if not token and wants_page(request):
        raise _to_login(request)
    if not token:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "Not authenticated", headers={"WWW-Authenticate": "Bearer"}
        )
    verify = request.app.state.settings.verify_token
    method = "GET" if request.method in ("GET", "HEAD") else request.method
    try:
        result = verify(token, method)
        principal = await result if inspect.isawaitable(result) else result
    except PermissionError:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Forbidden") from None
    except Exception as exc:  # noqa: BLE001 - anything unexpected while checking denies (fails closed)
        log.warning("authentication check failed: %s", type(exc).__name__)
        principal = None
    if not isinstance(principal, Principal) and wants_page(request):
        raise _to_login(request)  # an expired session: log in again and come back
    if not isinstance(principal, Principal):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "Invalid or expired token", headers={"WWW-Authenticate": "Bearer"}
        )
    if not principal.token:
        principal = Principal(principal.user_id, principal.name, token, principal.can_clear is True)
    return principal


def _to_login(request: Request) -> HTTPException:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    location = request.app.state.settings.login_url(here)
    return HTTPException(status.HTTP_303_SEE_OTHER, "Log in first", headers={"Location": location, **SECURITY_HEADERS})


User = Annotated[Principal, Depends(authenticate)]


# the error keys a clearing or reopening redirect may carry back to a page (messages in i18n.UI_MESSAGES)
PAGE_ERRORS = ("not_open", "missing", "bad_text", "no_reason", "not_cleared", "not_disputable", "no_statement",
               "no_dispute", "no_outcome")


def create_app(
    warehouse_factory: Callable[[], Warehouse] | None = None,
    verify_token: VerifyToken | None = None,
    config: Any = None,
    login_url: Callable[[str], str] | None = None,
) -> FastAPI:
    """The plugin's app. ``warehouse_factory`` (tests) returns a warehouse the caller owns and closes;
    without it each request opens the ``crosscheck_warehouse`` connection and closes it. ``verify_token``
    defaults to Airflow's auth manager; ``config`` to ``include.config.load_config()``."""
    app = FastAPI(title="Crosscheck report", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = Settings(warehouse_factory, verify_token or airflow_verify_token, config,
                                  login_url or airflow_login_url)

    @app.get("/", response_class=HTMLResponse)
    def page(
        request: Request,
        principal: User,
        lang: str | None = None,
        cleared: str | None = None,
        reopened: str | None = None,
        error: str | None = None,
        disputed: str | None = None,
        decided: str | None = None,
    ) -> Response:
        from include.report import i18n
        from include.report.render import Interactive, html_chunks, ui_href

        settings: Settings = request.app.state.settings
        locale = _locale(lang, settings)
        g = i18n.translations(locale).gettext
        problem = g(i18n.UI_MESSAGES[error]) if error in PAGE_ERRORS else None
        with _warehouse(settings) as wh:
            data = _latest_day(wh, settings)
            decided = decided if _dispute_decided(wh, decided) else None
            # the finding acted on, read itself: the day report may not list it (a finding of an earlier day)
            acted = _acted_findings(wh, [cleared, reopened, disputed, decided])
        if data is None:
            note = g(i18n.UI_MESSAGES["no_run"])
            return _html(f"<!doctype html><meta charset=utf-8><title>Crosscheck</title><p>{note}</p>")
        # only a finding that really is cleared is announced, so a crafted link cannot show a false message
        message = _done_message(g, acted, cleared, reopened, disputed, decided)
        href = ui_href(locale)
        if not principal.can_clear:  # the same page without the forms, and why
            interactive = Interactive(csrf_token="", action="", message=READ_ONLY[locale])
            return _html(CLEAR_FORM.sub("", "".join(html_chunks(data, locale, interactive, href))))
        interactive = Interactive(
            csrf_token=csrf_token(principal), action=f"clear?lang={locale}", message=message, error=problem,
            user=principal.name, reopen_action=f"reopen?lang={locale}",
            dispute_action=f"dispute?lang={locale}", outcome_action=f"dispute-outcome?lang={locale}",
        )
        return _html("".join(html_chunks(data, locale, interactive, href)))

    @app.get("/requisition", response_class=HTMLResponse)
    def requisition(request: Request, principal: User, key: str, page: str | None = None,
                    lang: str | None = None, candidate: str | None = None) -> Response:
        """One page of one requisition of the latest run (what ``requisitions/<key>.html`` shows), with the
        clearing forms; a clearance comes back to the candidate's page. ``candidate``: the page listing them."""
        from include.report.render import Interactive, requisition_chunks, ui_href
        from include.report.site import candidate_levels_of, day_data, requisition_page

        settings: Settings = request.app.state.settings
        locale = _locale(lang, settings)
        with _warehouse(settings) as wh:
            latest, index, req, number = _latest_requisition(wh, key, page, candidate)
            data = day_data(wh, latest.report_day, latest.run_id, _config(settings), index, cap=1)
            view = requisition_page(wh, latest.report_day, latest.run_id, _config(settings), req, number)
            levels = candidate_levels_of(wh, latest.run_id, [c.candidate_id for c in view.candidates])
        interactive = (Interactive(csrf_token=csrf_token(principal), action=f"clear?lang={locale}&back=candidate",
                                   user=principal.name, reopen_action=f"reopen?lang={locale}&back=candidate")
                       if principal.can_clear else Interactive(csrf_token="", action="", message=READ_ONLY[locale]))
        text = "".join(requisition_chunks(
            data, req.link, number, view, levels, locale, interactive, ui_href(locale), home=f"./?lang={locale}",
            csv_href="requisition.csv?" + urlencode({"key": req.link.key, "page": number, "lang": locale})))
        return _html(text if principal.can_clear else CLEAR_FORM.sub("", text))

    @app.get("/findings", response_class=HTMLResponse)
    def findings_page(
        request: Request,
        principal: User,
        lang: str | None = None,
        q: str | None = None,
        severity: str | None = None,
        kind: str | None = None,
        state: Annotated[str | None, Query(alias="status")] = None,
        requisition: str | None = None,
        page: str | None = None,
    ) -> Response:
        """Every finding of the latest run, searched and paged in the warehouse (50 a page)."""
        from include.report import i18n
        from include.report.data import _finding, display_name
        from include.report.render import environment
        from include.report.site import requisition_key
        from include.warehouse.report_search import Search, run_kinds, run_requisitions, search_findings
        from include.warehouse.runs import latest_run

        settings: Settings = request.app.state.settings
        locale = _locale(lang, settings)
        search = Search.of(q, severity, kind, state, requisition, page or 1)
        with _warehouse(settings) as wh:
            latest = latest_run(wh)
            if latest is None:
                g = i18n.translations(locale).gettext
                return _html(f"<!doctype html><meta charset=utf-8><title>Crosscheck</title><p>{g(i18n.UI_MESSAGES['no_run'])}</p>")
            rows, total = search_findings(wh, latest.run_id, search)
            kinds, reqs = run_kinds(wh, latest.run_id), run_requisitions(wh, latest.run_id)
        shown = [{"finding": _finding(r, latest.run_id), "candidate_id": r["candidate_id"], "name": display_name(r),
                  "requisition": r["job_name"] or r["req_job"], "req_key": requisition_key(r["req_job"])}
                 for r in rows]
        pages = max(1, -(-total // search.per_page))

        def link(**change: Any) -> str:
            params = {"lang": locale, "q": search.q, "severity": search.severity, "kind": search.kind,
                      "status": search.status, "requisition": search.requisition, "page": search.page, **change}
            return "findings?" + urlencode({k: v for k, v in params.items() if v not in (None, "")})

        html = environment(locale).get_template("findings.html.j2").render(
            lang=i18n.html_lang(locale), locale=locale, search=search, rows=shown, total=total, pages=pages,
            kinds=kinds, requisitions=reqs, link=link, report_day=latest.report_day)
        return _html(html)

    @app.get("/dossier", response_class=HTMLResponse)
    def dossier(request: Request, principal: User, candidate: str, lang: str | None = None) -> Response:
        """A candidate's dispute file (``crosscheck candidate dossier``), rendered from the warehouse now."""
        from include.report import dossier as d
        from include.warehouse.base import now_iso

        settings: Settings = request.app.state.settings
        locale = _locale(lang, settings)
        with _warehouse(settings) as wh:
            try:
                data = d.dossier_data(wh, candidate)
            except KeyError:
                raise HTTPException(status.HTTP_404_NOT_FOUND, "no such candidate") from None
        return _html(d.render_html(data, d.digest(data), now_iso(), locale))

    @app.get("/desk", response_class=HTMLResponse)
    def desk_page(
        request: Request,
        principal: User,
        lang: str | None = None,
        q: str | None = None,
        requisition: str | None = None,
        kind: str | None = None,
        severity: str | None = None,
        state: Annotated[str | None, Query(alias="status")] = None,
        page: str | None = None,
        per_page: str | None = None,
    ) -> Response:
        """HR's desk: who needs action first, searchable and filtered, a page at a time."""
        from include.report import i18n
        from include.report.desk import Filters, desk_data, render_desk
        from include.warehouse.runs import latest_run

        settings: Settings = request.app.state.settings
        locale = _locale(lang, settings)
        filters = Filters.of(q, requisition, kind, severity, state, page or 1, per_page or 25)
        with _warehouse(settings) as wh:
            latest = latest_run(wh)
            if latest is not None:  # what the filters select, not the whole state
                data, seen, choices = desk_data(wh, latest.run_id, latest.report_day, filters)
                from include.report.data import notice_views, open_dispute_views

                today = _today()
                data.notices, data.notices_day = notice_views(wh, today, _config(settings)), today
                data.disputes = open_dispute_views(wh, today)
        if latest is None:
            g = i18n.translations(locale).gettext
            return _html(f"<!doctype html><meta charset=utf-8><title>Crosscheck</title><p>{g(i18n.UI_MESSAGES['no_run'])}</p>")
        return _html(render_desk(data, seen, filters, locale, choices))

    @app.get("/candidate", response_class=HTMLResponse)
    def candidate_page(
        request: Request,
        principal: User,
        id: str,
        lang: str | None = None,
        cleared: str | None = None,
        reopened: str | None = None,
        error: str | None = None,
        disputed: str | None = None,
        decided: str | None = None,
        done: str | None = None,
        ref: str | None = None,
    ) -> Response:
        """Everything the latest report says about one candidate, with the clearing form per open finding
        and HR's decisions and notices (with their forms for who may edit)."""
        from include.report import i18n

        settings: Settings = request.app.state.settings
        locale = _locale(lang, settings)
        g = i18n.translations(locale).gettext
        problem = g(i18n.UI_MESSAGES[error]) if error in PAGE_ERRORS else None
        return _candidate_response(settings, principal, id, locale, problem=problem, cleared=cleared,
                                   reopened=reopened, done=done, ref=ref, disputed=disputed,
                                   decided=decided)

    @app.get("/notice", response_class=HTMLResponse)
    def notice_letter(request: Request, principal: User, id: str) -> Response:
        """A notice letter as it was written (to print and hand over), only while its file is unchanged."""
        from include.notices import letter_by_id
        from include.warehouse.base import sha256_text

        settings: Settings = request.app.state.settings
        with _warehouse(settings) as wh:
            try:
                letter = letter_by_id(wh, id)
            except KeyError:
                raise HTTPException(status.HTTP_404_NOT_FOUND, "no such notice") from None
        try:
            text = Path(letter.path).read_text(encoding="utf-8")
        except OSError:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "the letter file is missing: write the notice again"
                                ) from None
        if sha256_text(text) != letter.sha256:
            raise HTTPException(status.HTTP_409_CONFLICT, "the letter file changed since it was written: write the "
                                "notice again")
        return _html(text)

    @app.post("/decision")
    def decision(
        request: Request,
        principal: User,
        application_id: Annotated[str, Form()],
        decision: Annotated[str, Form()],
        reason: Annotated[str, Form()] = "",
        csrf: Annotated[str, Form(alias="csrf_token")] = "",
        lang: str | None = None,
    ) -> Response:
        """Record HR's decision on an application, in the logged-in user's name; back on the candidate's page."""
        refused = _refused(request, principal, csrf, NOTICE_ACTIONS)
        if refused is not None:
            return refused
        from include.notices import DecisionRefused, record_decision

        settings: Settings = request.app.state.settings
        locale = _locale(lang, settings)
        with _warehouse(settings) as wh:
            rows = wh.query("SELECT candidate_id FROM applications WHERE application_id = ?", [application_id])
            if not rows:
                raise HTTPException(status.HTTP_404_NOT_FOUND, "no such application")
            candidate_id = str(rows[0]["candidate_id"])
            try:
                made = record_decision(wh, application_id, decision, reason[:MAX_REASON * 2], _by(principal),
                                       _config(settings))
            except (KeyError, DecisionRefused) as exc:
                return _candidate_response(settings, principal, candidate_id, locale, problem=_why(exc),
                                           status_code=status.HTTP_409_CONFLICT)
        log.info("decision %s recorded through the UI by Airflow user %s", made.decision_id, principal.user_id)
        return _to_candidate(candidate_id, locale, "decision", made.decision_id)

    @app.post("/notice/write")
    def notice_write(
        request: Request,
        principal: User,
        decision_id: Annotated[str, Form()],
        letter_locale: Annotated[str, Form()] = "",
        csrf: Annotated[str, Form(alias="csrf_token")] = "",
        lang: str | None = None,
    ) -> Response:
        """Write the letter of a decision (in the candidate's language unless chosen)."""
        refused = _refused(request, principal, csrf, NOTICE_ACTIONS)
        if refused is not None:
            return refused
        from include.notices import DecisionRefused, decision_by_id, write_notice

        settings: Settings = request.app.state.settings
        locale = _locale(lang, settings)
        with _warehouse(settings) as wh:
            try:
                d = decision_by_id(wh, decision_id)
            except KeyError:
                raise HTTPException(status.HTTP_404_NOT_FOUND, "no such decision") from None
            try:
                letter = write_notice(wh, d.decision_id, _config(settings), _by(principal),
                                      locale=letter_locale or None)
            except (KeyError, ValueError, DecisionRefused) as exc:
                return _candidate_response(settings, principal, d.candidate_id, locale, problem=_why(exc),
                                           status_code=status.HTTP_409_CONFLICT)
        log.info("notice %s written through the UI by Airflow user %s", letter.notice_id, principal.user_id)
        return _to_candidate(d.candidate_id, locale, "notice", letter.notice_id)

    @app.post("/notice/deliver")
    def notice_deliver(
        request: Request,
        principal: User,
        notice_id: Annotated[str, Form()],
        method: Annotated[str, Form()],
        note: Annotated[str, Form()] = "",
        csrf: Annotated[str, Form(alias="csrf_token")] = "",
        lang: str | None = None,
    ) -> Response:
        """E-mail a letter to the candidate's addresses through the SMTP connection, or mark it handed over."""
        refused = _refused(request, principal, csrf, NOTICE_ACTIONS)
        if refused is not None:
            return refused
        from include.notices import DecisionRefused, DeliveryFailed, deliver_notice, letter_by_id

        settings: Settings = request.app.state.settings
        locale = _locale(lang, settings)
        with _warehouse(settings) as wh:
            try:
                letter = letter_by_id(wh, notice_id)
            except KeyError:
                raise HTTPException(status.HTTP_404_NOT_FOUND, "no such notice") from None
            try:
                done = deliver_notice(wh, letter.notice_id, _config(settings), method, _by(principal),
                                      note=note[:MAX_REASON])
            except (KeyError, DecisionRefused, DeliveryFailed) as exc:
                return _candidate_response(settings, principal, letter.candidate_id, locale, problem=_why(exc),
                                           status_code=status.HTTP_409_CONFLICT)
        log.info("notice %s delivered (%s) through the UI by Airflow user %s", letter.notice_id, done.method,
                 principal.user_id)
        return _to_candidate(letter.candidate_id, locale, "delivery", done.delivery_id)

    @app.get("/consent", response_class=HTMLResponse)
    def consent(request: Request, principal: User, lang: str | None = None) -> Response:
        """The candidates awaiting consent, by name, with when each was asked, so that HR can chase them."""
        from include.report import i18n
        from include.report.data import display_name
        from include.report.render import environment
        from include.warehouse.candidates import awaiting_consent

        settings: Settings = request.app.state.settings
        locale = _locale(lang, settings)
        with _warehouse(settings) as wh:
            rows = awaiting_consent(wh)
        shown = []
        for r in rows:
            consent = r.get("consent")
            if isinstance(consent, str):
                consent = json.loads(consent)
            read_at = consent.get("read_at") if isinstance(consent, dict) else None
            shown.append({"candidate_id": r["candidate_id"], "name": display_name(r), "record_url": r["record_url"],
                          "requisition": r["requisition"], "applied_at": r["applied_at"], "read_at": read_at})
        page = environment(locale).get_template("consent.html.j2")
        return _html(page.render(lang=i18n.html_lang(locale), locale=locale, rows=shown))

    @app.get("/report.csv")
    def report_csv(request: Request, principal: User, lang: str | None = None) -> Response:
        """The full state export for whoever needs all of it: every finding of the latest run, streamed
        from the warehouse requisition by requisition (``include.report.site.state_csv_chunks``), never one
        string in memory. The files' ``report-<day>-<locale>.csv`` is only the day's export."""
        from include.warehouse.runs import latest_run

        settings: Settings = request.app.state.settings
        locale = _locale(lang, settings)
        with _warehouse(settings) as wh:
            latest = latest_run(wh)
        if latest is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no report yet")
        name = f"report-{latest.report_day.isoformat()}-{locale}-all.csv"
        return StreamingResponse(
            _state_csv(settings, latest.report_day, latest.run_id, locale),
            media_type="text/csv; charset=utf-8",
            headers={**SECURITY_HEADERS, "Content-Disposition": f"attachment; filename={name}"},
        )

    @app.get("/requisition.csv")
    def requisition_csv(request: Request, principal: User, key: str, page: str | None = None,
                        lang: str | None = None) -> Response:
        """The findings of one requisition page of the latest run (what ``requisitions/<key>.csv`` holds)."""
        from include.report.render import findings_csv_chunks, page_csv_name
        from include.report.site import requisition_page

        settings: Settings = request.app.state.settings
        locale = _locale(lang, settings)
        with _warehouse(settings) as wh:
            latest, _index, req, number = _latest_requisition(wh, key, page)
            view = requisition_page(wh, latest.report_day, latest.run_id, _config(settings), req, number,
                                    review_rows=[])
        rows = [(view, c, f) for c in view.candidates for f in c.findings]
        name = f"report-{latest.report_day.isoformat()}-{locale}-{page_csv_name(req.link.key, number)}"
        return Response(
            # a page: at most PAGE_SIZE candidates, so one string is fine
            ("\ufeff" + "".join(findings_csv_chunks(None, rows, locale))).encode("utf-8"),
            media_type="text/csv; charset=utf-8",
            headers={**SECURITY_HEADERS, "Content-Disposition": f"attachment; filename={name}"},
        )

    @app.post("/clear")
    def clear(
        request: Request,
        principal: User,
        finding_id: Annotated[str, Form()],
        reason: Annotated[str, Form()] = "",
        csrf: Annotated[str, Form(alias="csrf_token")] = "",
        lang: str | None = None,
        back: str | None = None,
    ) -> Response:
        refused = _refused(request, principal, csrf)
        if refused is not None:
            return refused
        settings: Settings = request.app.state.settings
        locale = _locale(lang, settings)
        reason = reason.strip()[:MAX_REASON]
        page = _candidate_page(settings, finding_id) if back == "candidate" else ""  # back on their page
        if not reason:
            return _back(locale, error="no_reason", anchor=finding_id, page=page)
        # the clearance names who is logged in, never a name typed into the form
        by = (principal.name.strip() or f"Airflow user {principal.user_id}")[:MAX_NAME]
        from include.findings import UnstorableText, clear_and_rerender

        with _warehouse(settings) as wh:
            try:
                done = clear_and_rerender(wh, finding_id, reason, by, _config(settings))
            except UnstorableText:
                return _back(locale, error="bad_text", anchor=finding_id, page=page)
            except (KeyError, ValueError):  # unknown or already cleared (reason and name are checked above)
                return _back(locale, error="not_open", anchor=finding_id, page=page)
        log.info("finding %s cleared through the UI by Airflow user %s", finding_id, principal.user_id)
        if done.render_error:  # the clearance is saved and this page is live; only the files lag
            log.warning("report files not re-rendered after a clearance: %s", done.render_error.split(":")[0])
        return _back(locale, cleared=finding_id, anchor=finding_id, page=page)

    @app.post("/reopen")
    def reopen(
        request: Request,
        principal: User,
        finding_id: Annotated[str, Form()],
        csrf: Annotated[str, Form(alias="csrf_token")] = "",
        lang: str | None = None,
        back: str | None = None,
    ) -> Response:
        """Take a clearance back, in the logged-in user's name; back where HR was."""
        refused = _refused(request, principal, csrf)
        if refused is not None:
            return refused
        settings: Settings = request.app.state.settings
        locale = _locale(lang, settings)
        page = _candidate_page(settings, finding_id) if back == "candidate" else ""
        by = (principal.name.strip() or f"Airflow user {principal.user_id}")[:MAX_NAME]
        from include.findings import reopen_and_rerender

        with _warehouse(settings) as wh:
            try:
                done = reopen_and_rerender(wh, finding_id, by, _config(settings))
            except (KeyError, ValueError):  # unknown, or open already
                return _back(locale, error="not_cleared", anchor=finding_id, page=page)
        log.info("finding %s reopened through the UI by Airflow user %s", finding_id, principal.user_id)
        if done.render_error:
            log.warning("report files not re-rendered after a reopening: %s", done.render_error.split(":")[0])
        return _back(locale, reopened=finding_id, anchor=finding_id, page=page)

    _dispute_routes(app)
    return app


def _dispute_routes(app: FastAPI) -> None:
    """POST ``/dispute`` (an open finding's dispute, as the candidate sent it) and ``/dispute-outcome``
    (HR's outcome of a disputed finding): both as ``/clear``, in the logged-in user's name, refused
    without edit access, from another site or with a stale form (``_refused``), back where HR was."""

    @app.post("/dispute")
    def dispute(
        request: Request,
        principal: User,
        finding_id: Annotated[str, Form()],
        statement: Annotated[str, Form()] = "",
        received: Annotated[str, Form()] = "",
        csrf: Annotated[str, Form(alias="csrf_token")] = "",
        lang: str | None = None,
        back: str | None = None,
    ) -> Response:
        from datetime import date

        from include.disputes import DisputeError, dispute_and_rerender
        from include.findings import UnstorableText

        refused = _refused(request, principal, csrf, DISPUTE_ACTIONS)
        if refused is not None:
            return refused
        settings: Settings = request.app.state.settings
        locale = _locale(lang, settings)
        page = _candidate_page(settings, finding_id) if back == "candidate" else ""
        try:
            day = date.fromisoformat(received.strip())
        except ValueError:
            day = None
        statement = statement.strip()[:MAX_STATEMENT]
        if not statement or day is None or day > _today():
            return _back(locale, error="no_statement", anchor=finding_id, page=page)
        by = _by(principal)
        with _warehouse(settings) as wh:
            try:
                done = dispute_and_rerender(wh, finding_id, statement, day, by, _config(settings))
            except UnstorableText:
                return _back(locale, error="bad_text", anchor=finding_id, page=page)
            except (KeyError, DisputeError):
                return _back(locale, error="not_disputable", anchor=finding_id, page=page)
        log.info("finding %s disputed, recorded through the UI by Airflow user %s", finding_id, principal.user_id)
        if done.render_error:
            log.warning("report files not re-rendered after a dispute: %s", done.render_error.split(":")[0])
        return _back(locale, disputed=finding_id, anchor=finding_id, page=page)

    @app.post("/dispute-outcome")
    def dispute_outcome(
        request: Request,
        principal: User,
        finding_id: Annotated[str, Form()],
        outcome: Annotated[str, Form()] = "",
        reason: Annotated[str, Form()] = "",
        csrf: Annotated[str, Form(alias="csrf_token")] = "",
        lang: str | None = None,
        back: str | None = None,
    ) -> Response:
        from include.disputes import OUTCOMES, DisputeError, outcome_and_rerender
        from include.findings import UnstorableText

        refused = _refused(request, principal, csrf, DISPUTE_ACTIONS)
        if refused is not None:
            return refused
        settings: Settings = request.app.state.settings
        locale = _locale(lang, settings)
        page = _candidate_page(settings, finding_id) if back == "candidate" else ""
        reason = reason.strip()[:MAX_REASON]
        if outcome not in OUTCOMES or not reason:
            return _back(locale, error="no_outcome", anchor=finding_id, page=page)
        by = _by(principal)
        with _warehouse(settings) as wh:
            try:
                done = outcome_and_rerender(wh, finding_id, outcome, reason, by, _config(settings))
            except UnstorableText:
                return _back(locale, error="bad_text", anchor=finding_id, page=page)
            except (KeyError, DisputeError):
                return _back(locale, error="no_dispute", anchor=finding_id, page=page)
        log.info("dispute of finding %s decided through the UI by Airflow user %s", finding_id, principal.user_id)
        if done.render_error:
            log.warning("report files not re-rendered after a dispute outcome: %s", done.render_error.split(":")[0])
        return _back(locale, decided=finding_id, anchor=finding_id, page=page)


def _refused(request: Request, principal: Principal, csrf: str, what: str = "clearing or reopening a finding"
             ) -> Response | None:
    """Why a POST that changes a finding (or records a decision or a notice: ``what``) is refused (no edit
    access; another site or a stale form), or None."""
    if not principal.can_clear:
        log.info("change refused: Airflow user %s may not edit %s", principal.user_id, REPORT_DAG)
        return PlainTextResponse(
            f"Forbidden: {what} needs edit access to the {REPORT_DAG} DAG "
            "(SimpleAuthManager: role user, op or admin; a viewer reads only).",
            status_code=status.HTTP_403_FORBIDDEN,
            headers=SECURITY_HEADERS,
        )
    if not same_origin(request) or not hmac.compare_digest(csrf.encode(), csrf_token(principal).encode()):
        return PlainTextResponse(
            "Forbidden: cross-site request or expired form; reload the page.",
            status_code=status.HTTP_403_FORBIDDEN,
            headers=SECURITY_HEADERS,
        )
    return None


NOTICE_ACTIONS = "recording a decision, writing or delivering a notice"
DISPUTE_ACTIONS = "recording a candidate's dispute or its outcome"
DONE_MESSAGES = ("decision", "notice", "delivery")  # ?done= on the candidate's page, with ref= the new row's id


def _by(principal: Principal) -> str:
    """Who acts: the logged-in user, never a name typed into a form."""
    return (principal.name.strip() or f"Airflow user {principal.user_id}")[:MAX_NAME]


def _why(exc: BaseException) -> str:
    return str(exc.args[0] if exc.args else exc)[:500]


def _to_candidate(candidate_id: str, locale: str, done: str, ref: str) -> RedirectResponse:
    """303 to the candidate's page, relative: from /decision it is a sibling, from /notice/... one level up."""
    query = urlencode({"id": candidate_id, "lang": locale, "done": done, "ref": ref})
    up = "" if done == "decision" else "../"
    return RedirectResponse(f"{up}candidate?{query}#decisions", status_code=status.HTTP_303_SEE_OTHER,
                            headers=SECURITY_HEADERS)


def _candidate_response(settings: Settings, principal: Principal, candidate_id: str, locale: str,
                        problem: str | None = None, cleared: str | None = None, reopened: str | None = None,
                        done: str | None = None, ref: str | None = None, status_code: int = 200,
                        disputed: str | None = None, decided: str | None = None) -> Response:
    """The candidate's page: the latest report's findings about them, their decisions and notices."""
    from include.notices import DECISIONS, history
    from include.report import i18n
    from include.report.desk import candidate_views
    from include.report.render import Interactive, environment

    g = i18n.translations(locale).gettext
    with _warehouse(settings) as wh:
        data = _latest_candidate(wh, settings, candidate_id)
        decided = decided if _dispute_decided(wh, decided) else None
        views = candidate_views(data, candidate_id) if data is not None else []
        if not views:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such candidate in the latest report")
        story = history(wh, candidate_id) if "notice_decisions" in wh.tables() else []
        apps = [(r["application_id"], r["name"]) for r in wh.query(
            "SELECT a.application_id, j.name FROM applications a LEFT JOIN jobs j ON j.job_id = a.job_id "
            "WHERE a.candidate_id = ? ORDER BY a.application_id", [candidate_id])]
    cand = views[0][1]
    findings = list({f.finding_id: f for _, c in views for f in c.findings}.values())
    message = _done_message(g, [(cand.name, f) for f in findings], cleared, reopened, disputed, decided)
    if done in DONE_MESSAGES and ref:  # only for a row that really is the candidate's: no false message
        ids = {"decision": {x["decision_id"] for x in story},
               "notice": {x["notice_id"] for d in story for x in d["letters"]},
               "delivery": {x["delivery_id"] for d in story for x in d["deliveries"]}}[done]
        if ref in ids:
            message = g(i18n.UI_MESSAGES[f"{done}_done"])
    interactive = (Interactive(csrf_token=csrf_token(principal), action=f"clear?lang={locale}&back=candidate",
                               message=message, error=problem, user=principal.name,
                               reopen_action=f"reopen?lang={locale}&back=candidate",
                               dispute_action=f"dispute?lang={locale}&back=candidate",
                               outcome_action=f"dispute-outcome?lang={locale}&back=candidate")
                   if principal.can_clear else None)
    page_html = environment(locale).get_template("candidate.html.j2").render(
        lang=i18n.html_lang(locale), locale=locale, candidate_id=candidate_id, name=cand.name,
        record_url=cand.record_url, requisitions=[r for r, _ in views if r], findings=findings,
        interactive=interactive, candidate_query=lambda cid, lg=locale: urlencode({"id": cid, "lang": lg}),
        notices={"history": story, "applications": apps, "decisions": DECISIONS},
        notice_query=lambda nid: urlencode({"id": nid}), finding_href=_finding_hrefs(data, candidate_id, locale).get)
    return HTMLResponse(page_html, status_code=status_code, headers=SECURITY_HEADERS)


def _candidate_page(settings: Settings, finding_id: str) -> str:
    """The candidate's page a finding belongs to, as ``_back``'s ``page`` (empty when unknown)."""
    with _warehouse(settings) as wh:
        rows = wh.query("SELECT candidate_id FROM discrepancies WHERE finding_id = ?", [finding_id])
    return f"candidate?{urlencode({'id': rows[0]['candidate_id']})}&" if rows else ""


def _dispute_decided(wh: Warehouse, finding_id: str | None) -> bool:
    """Whether a dispute of the finding has an outcome: only then is ``?decided=`` announced."""
    from include.warehouse.disputes import disputes

    return bool(finding_id) and any(d["outcome"] for d in disputes(wh, finding_ids=[str(finding_id)]))


def _today() -> Any:
    """The HR page's today (UTC): its overdue notices, waiting periods and disputes are as of now, not as of
    the latest run's report day (the report files speak as of theirs)."""
    from include.cli_checks import today_utc

    return today_utc()


def _acted_findings(wh: Warehouse, finding_ids: list[str | None]) -> list[tuple[str, Any]]:
    """(candidate name, finding) of the findings a confirmation may name, with their current status."""
    from types import SimpleNamespace

    from include.report.data import display_name
    from include.warehouse import candidates

    ids = sorted({i for i in finding_ids if i})
    if not ids:
        return []
    rows = wh.query_in("SELECT finding_id, candidate_id, kind, COALESCE(status, 'open') AS status FROM discrepancies "
                       "WHERE finding_id IN ({ids})", ids)
    people = candidates.report_people(wh, sorted({r["candidate_id"] for r in rows}))
    return [(display_name(people[r["candidate_id"]]) if r["candidate_id"] in people else r["candidate_id"],
             SimpleNamespace(finding_id=r["finding_id"], kind=r["kind"], status=r["status"])) for r in rows]


def _done_message(gettext: Any, findings: list[tuple[str, Any]], cleared: str | None, reopened: str | None,
                  disputed: str | None = None, decided: str | None = None) -> str | None:
    """The confirmation of a clearance or a reopening, naming the candidate and the kind; only for a
    finding that really is in that state, so that a crafted link cannot show a false message."""
    from include.report import i18n

    for name, f in findings:
        what = f"{name} · {gettext(i18n.KIND_LABELS.get(f.kind, f.kind))}"
        if cleared and f.finding_id == cleared and f.status == "cleared":
            return str(gettext(i18n.UI_MESSAGES["cleared"]) % {"id": what})
        if reopened and f.finding_id == reopened and f.status == "open":
            return str(gettext(i18n.UI_MESSAGES["reopened"]) % {"id": what})
        if disputed and f.finding_id == disputed and f.status == "disputed":
            return str(gettext(i18n.UI_MESSAGES["disputed"]) % {"id": what})
        if decided and f.finding_id == decided and f.status in ("open", "cleared"):
            return str(gettext(i18n.UI_MESSAGES["decided"]) % {"id": what})
    return None


def _html(text: str) -> HTMLResponse:
    return HTMLResponse(text, headers=SECURITY_HEADERS)


def _back(locale: str, anchor: str = "", page: str = "", **params: str) -> RedirectResponse:
    """303 to the report (or ``page``, e.g. ``candidate?id=...&``), relative so that it works under any
    mount point or proxy prefix; with ``anchor`` back at that finding, where HR was, not at the top."""
    query = "&".join(f"{k}={quote(v, safe='')}" for k, v in {"lang": locale, **params}.items())
    fragment = f"#f-{quote(anchor, safe='')}" if anchor else ""
    return RedirectResponse(f"{page or './?'}{query}{fragment}", status_code=status.HTTP_303_SEE_OTHER,
                            headers=SECURITY_HEADERS)


def _config(settings: Settings) -> Any:
    if settings.config is None:
        from include.config import load_config

        settings.config = load_config()
    return settings.config


def _locale(lang: str | None, settings: Settings) -> str:
    from include.report.i18n import LOCALES

    if lang in LOCALES:
        return str(lang)
    configured = getattr(getattr(_config(settings), "report", None), "locale", "en")
    return configured if configured in LOCALES else "en"


@contextmanager
def _warehouse(settings: Settings) -> Iterator[Warehouse]:
    if settings.warehouse_factory is not None:
        yield settings.warehouse_factory()
        return
    from plugins.hooks.warehouse import WarehouseHook

    try:
        wh = WarehouseHook().get_warehouse()  # never migrates: a run does that
    except WarehouseUnavailable as exc:  # missing or out of date: one line, not a traceback
        log.error("crosscheck report page: %s", exc)
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, str(exc)) from None
    try:
        yield wh
    finally:
        wh.close()


def _latest_day(wh: Warehouse, settings: Settings) -> Any:
    """The day report's data of the latest run (``include.report.site``), or None before any run."""
    from include.report.site import day_data
    from include.warehouse.runs import latest_run

    latest = latest_run(wh)
    if latest is None:
        return None
    return day_data(wh, latest.report_day, latest.run_id, _config(settings), today=_today())


def _finding_hrefs(data: Any, candidate_id: str, locale: str) -> dict[str, str]:
    """Finding id -> its place on its requisition's live page (the page that lists the candidate)."""
    from include.report.site import requisition_key

    out: dict[str, str] = {}
    for req, cand in [(r, c) for r in data.requisitions for c in r.candidates if c.candidate_id == candidate_id]:
        key = requisition_key(req.job_id)
        query = urlencode({"key": key, "candidate": candidate_id, "lang": locale})
        for f in cand.findings:
            out.setdefault(f.finding_id, f"requisition?{query}#f-{quote(f.finding_id, safe='')}")
    return out


def _latest_requisition(wh: Warehouse, key: str, page: str | None, candidate: str | None = None) -> tuple[Any, ...]:
    """The latest run, its site index, the requisition ``key`` and the page asked for (the one listing
    ``candidate`` when given); 404 when there is no run or no such requisition in it."""
    from include.report.site import site_index
    from include.warehouse.runs import latest_run

    latest = latest_run(wh)
    index = site_index(wh, latest.run_id) if latest else None
    req = index.by_key.get(key) if index else None
    if latest is None or index is None or req is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such requisition in the latest report")
    number = _page_number(page, req.link.pages)
    if candidate is not None:  # the page that lists this candidate
        number = index.page_of.get((req.link.job_id, candidate), number)
    return latest, index, req, number


def _page_number(page: str | None, pages: int) -> int:
    """A page number from a link, clamped to the pages there are (a stale link shows the last page)."""
    try:
        return max(1, min(pages, int(page or 1)))
    except ValueError:
        return 1


def _latest_candidate(wh: Warehouse, settings: Settings, candidate_id: str) -> Any:
    """The latest run's report data of one candidate only (``include.report.site.candidate_data``)."""
    from include.report.site import candidate_data
    from include.warehouse.runs import latest_run

    latest = latest_run(wh)
    if latest is None:
        return None
    return candidate_data(wh, latest.report_day, latest.run_id, _config(settings), candidate_id)


def _state_csv(settings: Settings, report_day: Any, run_id: str, locale: str) -> Iterator[bytes]:
    """``/report.csv``'s body: the BOM, then the whole state's CSV a few requisition pages at a time, read
    with a warehouse connection held only while the response streams."""
    from include.report.site import state_csv_chunks

    with _warehouse(settings) as wh:
        yield "\ufeff".encode()
        for chunk in state_csv_chunks(wh, report_day, run_id, _config(settings), locale):
            yield chunk.encode("utf-8")


def _latest_data(wh: Warehouse, settings: Settings) -> Any:
    from include.report.data import load_report_data
    from include.warehouse.runs import latest_run

    latest = latest_run(wh)
    if latest is None:
        return None
    run_id, day = latest
    return load_report_data(wh, day, run_id, _config(settings), today=_today())


app = create_app()


class CrosscheckUIPlugin(AirflowPlugin):
    name = "crosscheck_ui"
    fastapi_apps = [  # noqa: RUF012 - Airflow reads these class attributes
        {"app": app, "url_prefix": URL_PREFIX, "name": "Crosscheck report"}
    ]
    # No url_route: rendered as a link that opens the page at top level (see the module docstring).
    external_views = [  # noqa: RUF012 - a top-level entry of Airflow's navigation, not under Browse
        {
            "name": "Crosscheck",
            "href": URL_PREFIX.lstrip("/") + "/desk",  # HR's desk first: who needs action
            "destination": "nav",
        }
    ]
