"""The one HTTP core every connector stands on.

Retries (429, 5xx, connection errors, timeouts) with exponential backoff and full jitter,
``Retry-After`` honoured when present, a client-side rate limiter at the documented limit, a
bounded total retry time, raw-payload hand-off for landing, and URL redaction before anything is
logged. Errors name the source and endpoint, never a response body: bodies can hold personal data.
"""

from __future__ import annotations

import email.utils
import json
import logging
import random
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import requests

log = logging.getLogger("crosscheck.http")

SECRET_PARAMS = {"api_token", "api_key", "key", "token", "access_token", "client_secret", "password"}
RETRY_STATUSES = {429, 500, 502, 503, 504}


class SourceError(RuntimeError):
    """A source failed in a way retries did not fix. The message is safe to log."""

    def __init__(self, source: str, endpoint: str, message: str, status: int | None = None):
        self.source, self.endpoint, self.status = source, endpoint, status
        super().__init__(f"{source}: {message} ({endpoint})")


class AuthError(SourceError):
    """401/403: credentials missing, wrong or without the needed scope."""


class NotFound(SourceError):
    """404 on a record lookup; callers decide whether that is normal (e.g. GLEIF: no parent)."""


class MalformedResponse(SourceError):
    """The body did not parse as the format the API documents (truncated, HTML error page, ...)."""


def redact(url: str) -> str:
    """Drop secret query values so a URL can be logged or stored in a manifest."""
    parts = urlsplit(url)
    query = [(k, "***" if k.lower() in SECRET_PARAMS else v) for k, v in parse_qsl(parts.query, True)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query, safe="*"), ""))


_IDENTIFIERS = [
    (re.compile(r"\b\d{4}-\d{4}-\d{4}-\d{3}[\dX]\b"), "{orcid}"),
    (re.compile(r"(/users/)[^/]+"), r"\1{login}"),
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.IGNORECASE), "{id}"),
    (re.compile(r"/\d{4,}(?=/|$)"), "/{id}"),
]


def endpoint_of(url: str) -> str:
    """The path of a URL with record identifiers masked, for logs and errors: no query, no ORCID iD,
    login or record id (they point at a person)."""
    path = urlsplit(url).path or "/"
    for pattern, repl in _IDENTIFIERS:
        path = pattern.sub(repl, path)
    return path


@dataclass(frozen=True)
class Payload:
    """One raw response as it came, handed to the landing zone."""

    source: str
    url: str  # redacted
    status: int
    body: bytes
    fetched_at: float


class Authenticator(Protocol):
    def apply(self, headers: dict[str, str]) -> None: ...

    def refresh(self) -> bool:
        """Called after a 401; return True when new credentials are worth one more try."""
        ...


class RateLimiter:
    """Sliding-window limiter: at most ``calls`` requests in any ``period`` seconds."""

    def __init__(self, calls: int, period: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.calls, self.period, self.clock, self.sleep = calls, period, clock, sleep
        self._stamps: deque[float] = deque()
        self._lock = threading.Lock()

    def acquire(self) -> None:
        with self._lock:
            while True:
                now = self.clock()
                while self._stamps and now - self._stamps[0] >= self.period:
                    self._stamps.popleft()
                if len(self._stamps) < self.calls:
                    self._stamps.append(now)
                    return
                self.sleep(self.period - (now - self._stamps[0]))


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Parse ``Retry-After``: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return None
    return max(0.0, when - (now if now is not None else time.time()))


@dataclass
class RetryPolicy:
    base: float = 0.5
    cap: float = 30.0
    max_total: float = 120.0  # seconds of waiting, all retries together
    max_attempts: int = 8

    def backoff(self, attempt: int, rng: random.Random) -> float:
        return rng.uniform(0, min(self.cap, self.base * 2**attempt))


class RestClient:
    """A session bound to one source. Connectors describe their API on top of it."""

    source = "http"

    def __init__(
        self,
        base_url: str,
        *,
        auth: Authenticator | None = None,
        rate_limit: tuple[int, float] | None = None,
        retry: RetryPolicy | None = None,
        timeout: float = 30.0,
        on_payload: Callable[[Payload], None] | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        headers: dict[str, str] | None = None,
        seed: int | None = None,
    ):
        self.base_url = base_url.rstrip("/") + "/"
        self.auth = auth
        self.retry = retry or RetryPolicy()
        self.timeout = timeout
        self.on_payload = on_payload
        self.session = session or requests.Session()
        self.session.headers.update({"User-Agent": "crosscheck/0.1", **(headers or {})})
        self.sleep = sleep
        self.limiter = RateLimiter(*rate_limit, sleep=sleep) if rate_limit else None
        self._rng = random.Random(seed)
        self.requests_made = 0

    def url(self, path_or_url: str) -> str:
        if path_or_url.startswith(("http://", "https://")):
            return path_or_url
        return urljoin(self.base_url, path_or_url.lstrip("/"))

    def request(self, method: str, path_or_url: str, *, params: dict[str, Any] | None = None,
                headers: dict[str, str] | None = None, data: Any = None, land: bool = True,
                authenticate: bool = True) -> requests.Response:
        url = self.url(path_or_url)
        endpoint = endpoint_of(url)
        waited, attempt, refreshed = 0.0, 0, False
        while True:
            hdrs = dict(headers or {})
            if self.auth and authenticate:
                self.auth.apply(hdrs)
            if self.limiter:
                self.limiter.acquire()
            self.requests_made += 1
            try:
                resp = self.session.request(method, url, params=params, headers=hdrs, data=data,
                                            timeout=self.timeout)
            except (requests.ConnectionError, requests.Timeout) as exc:
                reason, delay = type(exc).__name__, None
            else:
                if resp.status_code == 401 and self.auth and authenticate and not refreshed:
                    refreshed = True
                    if self.auth.refresh():
                        continue
                if resp.status_code in (401, 403):
                    raise AuthError(self.source, endpoint, f"HTTP {resp.status_code}: check the connection's "
                                    "credentials and their scopes", resp.status_code)
                if resp.status_code == 404:
                    raise NotFound(self.source, endpoint, "HTTP 404: not found", 404)
                if resp.status_code not in RETRY_STATUSES:
                    if resp.status_code >= 400:
                        raise SourceError(self.source, endpoint, f"HTTP {resp.status_code}", resp.status_code)
                    if land and self.on_payload:
                        self.on_payload(Payload(self.source, redact(resp.url or url), resp.status_code,
                                                resp.content, time.time()))
                    return resp
                reason = f"HTTP {resp.status_code}"
                delay = retry_after_seconds(resp.headers.get("Retry-After"))
            if delay is None:
                delay = self.retry.backoff(attempt, self._rng)
            attempt += 1
            if attempt >= self.retry.max_attempts or waited + delay > self.retry.max_total:
                raise SourceError(self.source, endpoint,
                                  f"gave up after {attempt} attempts and {waited:.0f}s of backoff; last: {reason}")
            log.warning("%s %s: %s, retrying in %.1fs (attempt %d)", self.source, endpoint, reason, delay, attempt)
            self.sleep(delay)
            waited += delay

    def get_json(self, path_or_url: str, *, params: dict[str, Any] | None = None,
                 headers: dict[str, str] | None = None) -> Any:
        hdrs = {"Accept": "application/json", **(headers or {})}
        resp = self.request("GET", path_or_url, params=params, headers=hdrs)
        return parse_json(resp, self.source)

    def paginate(self, paginator: Paginator, path_or_url: str, params: dict[str, Any] | None = None,
                 headers: dict[str, str] | None = None) -> Iterator[Any]:
        """Yield parsed pages, following ``paginator`` until it says stop; refuse to loop."""
        seen: set[str] = set()
        url: str | None = self.url(path_or_url)
        while url is not None:
            key = redact(url) + "?" + json.dumps(params, sort_keys=True, default=str)
            if key in seen:
                raise SourceError(self.source, endpoint_of(url), "pagination loop: the same page was asked twice")
            seen.add(key)
            resp = self.request("GET", url, params=params, headers={"Accept": "application/json", **(headers or {})})
            page = parse_json(resp, self.source)
            yield page
            nxt = paginator.next(resp, page, params)
            if nxt is None:
                return
            url, params = nxt


def parse_json(resp: requests.Response, source: str) -> Any:
    ctype = resp.headers.get("Content-Type", "")
    endpoint = endpoint_of(resp.url or "")
    if "json" not in ctype.lower():
        raise MalformedResponse(source, endpoint, f"expected JSON, got Content-Type {ctype.split(';')[0] or 'none'!r}")
    try:
        return resp.json()
    except ValueError:
        raise MalformedResponse(source, endpoint, f"body is not valid JSON ({len(resp.content)} bytes, "
                                "truncated or corrupt)") from None


class Paginator(Protocol):
    def next(self, resp: requests.Response, page: Any,
             params: dict[str, Any] | None) -> tuple[str, dict[str, Any] | None] | None:
        """The next request as (url, params), or None when done."""
        ...


class LinkHeaderPaginator:
    """RFC 8288 ``Link: <...>; rel="next"``; the next URL replaces the whole request (Greenhouse v3)."""

    def next(self, resp, page, params):
        nxt = resp.links.get("next", {}).get("url")
        return (nxt, None) if nxt else None
