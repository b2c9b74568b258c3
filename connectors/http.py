"""The one HTTP core every connector stands on.

A connector declares its API (base URL, an auth strategy from ``connectors.auth``, a paginator from
``connectors.paging``, a rate limit and its endpoints); this module runs every request the same way:

- one retry budget per request (``RetryPolicy``): attempts *and* seconds, where the seconds count
  the time spent on the wire (connect and read timeouts included) as well as the backoff sleeps;
- a deadline per attempt: the body is read in pieces and the attempt is abandoned once it has taken
  longer than ``RetryPolicy.attempt_deadline``, so a source that drips one byte every few seconds
  cannot hold a request without limit;
- 429 and 5xx are retried with exponential backoff and full jitter; ``Retry-After`` is honoured
  when the wait fits the budget and the cap, and the request gives up at once when it does not;
- 401 makes the auth strategy refresh its credentials exactly once, then the request is retried;
  a second 401 (or any 403) is an ``AuthError``; 404 is ``NotFound``; every other 4xx is fatal at
  once, with no retry;
- pagination follows a paginator and refuses to ask for the same page twice (a loop);
- a 304 (the answer to a conditional request) is returned as it is and not landed: nothing new came;
- each client counts what it cost its source (``RestClient.stats``: requests, 304s, quota waits,
  retries), for the run manifest.

Errors and log lines name the source, the endpoint (record identifiers masked) and the status,
never a response body or a secret: bodies can hold personal data.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import logging
import random
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import requests
import urllib3
from urllib3.exceptions import ProtocolError, ReadTimeoutError

log = logging.getLogger("crosscheck.http")

SECRET_PARAMS = {"api_token", "api_key", "key", "token", "access_token", "client_secret", "password"}
RETRY_STATUSES = {429, 500, 502, 503, 504}
READ_CHUNK = 64 * 1024


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


class PaginationLoop(SourceError):
    """The source sent a next page (cursor, token, page number or URL) that was already read."""


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


class Auth(Protocol):
    """An auth strategy (see ``connectors.auth``): sets headers or query parameters on each attempt."""

    def apply(self, headers: dict[str, str], params: dict[str, Any]) -> None: ...

    def refresh(self) -> bool:
        """Called after a 401; return True when new credentials are worth one more try."""
        ...


class Paginator(Protocol):
    """A pagination strategy (see ``connectors.paging``)."""

    def next(self, resp: requests.Response, page: Any,
             params: dict[str, Any] | None) -> tuple[str, dict[str, Any] | None] | None:
        """The next request as (url, params), or None when done."""
        ...


class Limiter(Protocol):
    def acquire(self) -> None:
        """Block until one more request may go out."""
        ...

    def observe(self, resp: requests.Response) -> bool:
        """Read an answer's rate-limit headers. True: the answer is a quota refusal and ``acquire``
        will wait for the quota to come back, so the core asks again without a backoff of its own."""
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

    def observe(self, resp: requests.Response) -> bool:
        return False


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
    """The budget of one request, all attempts together.

    ``max_total`` counts seconds on the wire (every attempt, timeouts included) plus backoff sleeps;
    a request that would go past it gives up, and each attempt gets at most what is left of it.
    ``attempt_deadline`` bounds one attempt from sending to the last body byte. The body is read as
    it arrives and the deadline is checked between reads, so one read can overrun it by at most the
    client's read timeout: one request holds a task for at most about ``max_total`` plus one read
    timeout (waits of the client-side rate limiter aside, which are not failures)."""

    base: float = 0.5
    cap: float = 30.0  # longest single backoff, and longest Retry-After honoured
    max_total: float = 120.0
    max_attempts: int = 8
    attempt_deadline: float = 60.0
    max_quota_waits: int = 3  # answers a Limiter called quota refusals (it waited for the reset)

    def backoff(self, attempt: int, rng: random.Random) -> float:
        return rng.uniform(0, min(self.cap, self.base * 2**attempt))


class _Overdue(Exception):
    """An attempt went past its deadline while reading the body."""


class RestClient:
    """A session bound to one source. Connectors declare their API on top of it."""

    source = "http"

    def __init__(
        self,
        base_url: str,
        *,
        auth: Auth | None = None,
        rate_limit: tuple[int, float] | None = None,
        limiter: Limiter | None = None,
        retry: RetryPolicy | None = None,
        timeout: float = 30.0,
        on_payload: Callable[[Payload], None] | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        timer: Callable[[], float] = time.monotonic,
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
        self.timer = timer  # measures the budget; tests pass a fake one with a fake sleep
        self.limiter: Limiter | None = limiter or (RateLimiter(*rate_limit, sleep=sleep) if rate_limit else None)
        self._rng = random.Random(seed)
        self.requests_made = 0
        # what this client cost its source, for the run manifest: every attempt sent, answers 304 Not
        # Modified (a conditional request: GitHub charges no quota for them), answers the limiter called
        # quota refusals (each one waited for the quota), and retries after a 429, 5xx or timeout
        self.stats = {"requests": 0, "not_modified": 0, "quota_waits": 0, "retries": 0}
        bind = getattr(auth, "bind", None)
        if callable(bind):
            bind(self)  # e.g. OAuth2: the token request goes through this client, with its retries

    def url(self, path_or_url: str) -> str:
        if path_or_url.startswith(("http://", "https://")):
            return path_or_url
        return urljoin(self.base_url, path_or_url.lstrip("/"))

    def request(self, method: str, path_or_url: str, *, params: dict[str, Any] | None = None,
                headers: dict[str, str] | None = None, data: Any = None, land: bool = True,
                authenticate: bool = True, rate_limited: bool = True) -> requests.Response:
        """One request under the retry budget; the response's body is already read.

        ``authenticate=False`` sends no credentials (e.g. pre-signed file links, the token request
        itself); ``rate_limited=False`` skips the client-side limiter (hosts outside the API)."""
        url = self.url(path_or_url)
        endpoint = endpoint_of(url)
        policy = self.retry
        used, attempt, refreshed, quota_waits = 0.0, 0, False, 0
        while True:
            hdrs, prm = dict(headers or {}), dict(params or {})
            if self.auth and authenticate:
                self.auth.apply(hdrs, prm)
            if self.limiter and rate_limited:
                self.limiter.acquire()
            self.requests_made += 1
            self.stats["requests"] += 1
            remaining = policy.max_total - used
            window = max(0.001, min(policy.attempt_deadline, remaining))
            started = self.timer()
            try:
                resp = self._attempt(method, url, prm or None, hdrs, data, min(self.timeout, window),
                                     started + window)
            except (requests.ConnectionError, requests.Timeout) as exc:
                used += self.timer() - started
                reason, delay = _failure_name(exc), None
            except _Overdue:
                used += self.timer() - started
                log.warning("%s %s: no complete answer within %.0fs, abandoning the attempt",
                            self.source, endpoint, window)
                reason, delay = f"no complete answer within {window:.0f}s", None
            else:
                used += self.timer() - started
                status = resp.status_code
                if self.limiter and rate_limited and self.limiter.observe(resp):
                    quota_waits += 1
                    self.stats["quota_waits"] += 1
                    if quota_waits > policy.max_quota_waits:
                        raise SourceError(self.source, endpoint, f"still rate limited after {policy.max_quota_waits} "
                                          "waits for the quota to come back", status)
                    continue
                if status == 401 and self.auth and authenticate and not refreshed:
                    refreshed = True
                    if self.auth.refresh():
                        log.info("%s %s: HTTP 401, credentials refreshed, asking once more", self.source, endpoint)
                        continue
                if status in (401, 403):
                    raise AuthError(self.source, endpoint, f"HTTP {status}: check the connection's "
                                    "credentials and their scopes", status)
                if status == 404:
                    raise NotFound(self.source, endpoint, "HTTP 404: not found", 404)
                if status == 304:  # a conditional request: nothing new, nothing to land
                    self.stats["not_modified"] += 1
                    return resp
                if status not in RETRY_STATUSES:
                    if status >= 400:
                        raise SourceError(self.source, endpoint, f"HTTP {status} {resp.reason or ''}".rstrip()
                                          + ": refused, not retried", status)
                    if land and self.on_payload:
                        self.on_payload(Payload(self.source, redact(resp.url or url), status, resp.content,
                                                time.time()))
                    return resp
                reason = f"HTTP {status}"
                delay = retry_after_seconds(resp.headers.get("Retry-After"))
                if delay is not None and (delay > policy.cap or used + delay > policy.max_total):
                    log.warning("%s %s: %s asking to wait %.0fs, beyond the retry budget; giving up",
                                self.source, endpoint, reason, delay)
                    raise SourceError(self.source, endpoint, f"{reason} asking to wait {delay:.0f}s, more than "
                                      "the retry budget allows; giving up", status)
            if delay is None:
                delay = policy.backoff(attempt, self._rng)
            attempt += 1
            if attempt >= policy.max_attempts or used + delay > policy.max_total:
                log.warning("%s %s: giving up after %d attempts and %.0fs; last: %s",
                            self.source, endpoint, attempt, used, reason)
                raise SourceError(self.source, endpoint,
                                  f"gave up after {attempt} attempts and {used:.0f}s; last: {reason}")
            log.warning("%s %s: %s, retrying in %.1fs (attempt %d)", self.source, endpoint, reason, delay, attempt)
            self.stats["retries"] += 1
            self.sleep(delay)
            used += delay

    def _attempt(self, method: str, url: str, params: dict[str, Any] | None, headers: dict[str, str],
                 data: Any, timeout: float, deadline: float) -> requests.Response:
        """Send once and read the body in pieces, abandoning the attempt past ``deadline``."""
        resp = self.session.request(method, url, params=params, headers=headers, data=data, timeout=timeout,
                                    stream=True)
        raw = resp.raw
        if raw is None or not hasattr(raw, "read1"):  # a transport that already holds the body
            return resp
        chunks: list[bytes] = []
        try:
            while True:
                if self.timer() > deadline:
                    raise _Overdue
                chunk = raw.read1(READ_CHUNK, decode_content=True)
                if not chunk:
                    break
                chunks.append(chunk)
        except (ReadTimeoutError, TimeoutError) as exc:
            resp.close()
            raise requests.ReadTimeout(str(exc)) from None
        except (ProtocolError, OSError, urllib3.exceptions.HTTPError) as exc:
            resp.close()
            raise requests.ConnectionError(str(exc)) from None
        except BaseException:
            resp.close()
            raise
        resp._content = b"".join(chunks)  # what requests' own .content would have read, now bounded
        resp._content_consumed = True  # type: ignore[attr-defined]  # set in Response.__init__, untyped
        raw.release_conn()  # the body is complete: the connection goes back to the pool
        return resp

    def get_json(self, path_or_url: str, *, params: dict[str, Any] | None = None,
                 headers: dict[str, str] | None = None) -> Any:
        hdrs = {"Accept": "application/json", **(headers or {})}
        resp = self.request("GET", path_or_url, params=params, headers=hdrs)
        return parse_json(resp, self.source)

    def paginate(self, paginator: Paginator, path_or_url: str, params: dict[str, Any] | None = None,
                 headers: dict[str, str] | None = None) -> Iterator[Any]:
        """Yield parsed pages, following ``paginator`` until it says stop.

        A loop is refused: a next request that was already made (the source repeated a cursor, token,
        page number or URL), or a page whose body repeats an earlier page byte for byte (the source
        ignored the page parameter)."""
        asked: set[str] = set()
        bodies: set[bytes] = set()
        url: str | None = self.url(path_or_url)
        while url is not None:
            key = redact(url) + "?" + json.dumps(params, sort_keys=True, default=str)
            if key in asked:
                raise PaginationLoop(self.source, endpoint_of(url),
                                     "pagination loop: the source sent a next page that was already read")
            asked.add(key)
            resp = self.request("GET", url, params=params, headers={"Accept": "application/json", **(headers or {})})
            digest = hashlib.sha256(resp.content).digest()
            if digest in bodies:
                raise PaginationLoop(self.source, endpoint_of(url),
                                     "pagination loop: the source answered a next page with a page already read")
            bodies.add(digest)
            page = parse_json(resp, self.source)
            yield page
            nxt = paginator.next(resp, page, params)
            if nxt is None:
                return
            url, params = nxt

    def records(self, paginator: Paginator, path: str, params: dict[str, Any] | None = None, *,
                items: Sequence[str] = (), headers: dict[str, str] | None = None,
                missing_is_empty: bool = False) -> Iterator[Any]:
        """The records of every page: the list at ``items`` (keys into the page; empty: the page itself).
        ``missing_is_empty``: an object page without the key counts as no records (APIs that omit it)."""
        for page in self.paginate(paginator, path, params, headers=headers):
            found = dig(page, items)
            if found is None and missing_is_empty and isinstance(page, dict):
                found = []
            if not isinstance(found, list):
                where = ".".join(items) or "the page"
                raise MalformedResponse(self.source, endpoint_of(self.url(path)), f"expected a list at {where}")
            yield from found


def dig(page: Any, keys: Sequence[str]) -> Any:
    """``page[k1][k2]...``, or None when a level is missing or not an object."""
    for key in keys:
        if not isinstance(page, dict):
            return None
        page = page.get(key)
    return page


def _failure_name(exc: Exception) -> str:
    if isinstance(exc, requests.ConnectTimeout):
        return "connect timeout"
    if isinstance(exc, requests.Timeout):
        return "read timeout"
    return "connection failed"


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
