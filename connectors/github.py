"""GitHub REST API: a user's public profile (``GET /users/{login}``), for the ``company`` field.

GitHub's primary rate limit is per hour (60 unauthenticated, 5000 with a token), and when it is
spent GitHub answers 403 or 429 with ``x-ratelimit-remaining: 0``: the documented behaviour is to
wait until ``x-ratelimit-reset`` (epoch seconds), not to back off for a few seconds and give up.
The client's limiter (``GithubRateLimit``) reads those headers on every answer the core hands it and
waits for the reset before the next request; a 403 that is a rate limit is asked again after the
wait, any other 403 stays an ``AuthError``.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import requests

from connectors.auth import BearerToken
from connectors.http import (
    MalformedResponse,
    NotFound,
    RateLimiter,
    RestClient,
    RetryPolicy,
    SourceError,
    endpoint_of,
    parse_json,
)

log = logging.getLogger("crosscheck.http")

GITHUB_API = "https://api.github.com"
API_VERSION = "2022-11-28"
UNAUTHENTICATED_LIMIT = (60, 3600.0)
TOKEN_LIMIT = (5000, 3600.0)
SECONDARY_LIMIT_WAIT = 60.0  # GitHub: "otherwise, wait for at least one minute"
MAX_RATE_LIMIT_RETRIES = 3

_LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")
_URL_PREFIX = re.compile(r"^(?:https?://)?(?:www\.)?github\.com/", re.IGNORECASE)


class InvalidLogin(ValueError):
    """Not a GitHub login (GitHub allows letters, digits and single inner hyphens, 39 at most)."""


def normalise_login(value: str) -> str:
    """``asilva`` from ``@asilva`` or ``https://github.com/asilva``; raises ``InvalidLogin``."""
    text = _URL_PREFIX.sub("", (value or "").strip()).strip("/").lstrip("@")
    if not _LOGIN.match(text):
        raise InvalidLogin("not a GitHub login")
    return text


class GithubRateLimit:
    """The client-side window plus GitHub's own word: wait for the reset once it says the quota is spent."""

    def __init__(self, calls: int, period: float, sleep: Callable[[float], None],
                 clock: Callable[[], float] = time.time, max_wait: float = 3600.0):
        self.window = RateLimiter(calls, period, sleep=sleep)
        self.sleep, self.clock, self.max_wait = sleep, clock, max_wait
        self.blocked_until: float | None = None  # epoch seconds
        self.last_limited = False  # the last answer was a rate-limit refusal

    def observe(self, resp: requests.Response) -> bool:
        """Read the rate-limit headers of every answer; True when it is a quota refusal (the next
        ``acquire`` waits for the reset, and the core asks again)."""
        h = resp.headers
        remaining, reset = h.get("x-ratelimit-remaining"), h.get("x-ratelimit-reset")
        retry_after = h.get("retry-after")
        limited = resp.status_code in (403, 429) and (
            remaining == "0" or retry_after is not None or b"rate limit" in resp.content[:500].lower())
        self.last_limited = limited
        if remaining == "0" and reset and reset.strip().isdigit():
            self.blocked_until = float(reset)
        elif limited and retry_after and retry_after.strip().isdigit():
            self.blocked_until = self.clock() + float(retry_after)
        elif limited and resp.status_code == 403:
            self.blocked_until = self.clock() + SECONDARY_LIMIT_WAIT
        elif remaining is not None and remaining != "0":
            self.blocked_until = None
        return limited

    def acquire(self) -> None:
        until = self.blocked_until
        if until is not None:
            wait = until - self.clock()
            if wait > self.max_wait:
                raise SourceError("github", "/", f"rate limit spent; it resets in {wait:.0f}s, more than "
                                  f"the {self.max_wait:.0f}s this client may wait")
            if wait > 0:
                log.warning("github: rate limit spent, waiting %.0fs for its reset", wait + 1)
                self.sleep(wait + 1.0)  # the reset second itself may still be refused
            self.blocked_until = None
        self.window.acquire()


class GithubClient(RestClient):
    """Public user profiles; a token is optional but raises the hourly quota from 60 to 5000."""

    source = "github"

    def __init__(self, host: str | None = None, token: str | None = None, *,
                 clock: Callable[[], float] = time.time, max_reset_wait: float = 3600.0, **kw: Any):
        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": API_VERSION,
                   **kw.pop("headers", {})}
        kw.pop("rate_limit", None)  # the limit follows the auth mode
        calls, period = TOKEN_LIMIT if token else UNAUTHENTICATED_LIMIT
        self.rate = GithubRateLimit(calls, period, kw.get("sleep", time.sleep), clock, max_reset_wait)
        kw.setdefault("retry", RetryPolicy(max_quota_waits=MAX_RATE_LIMIT_RETRIES))
        super().__init__(host or GITHUB_API, auth=BearerToken(token) if token else None, headers=headers,
                         limiter=self.rate, **kw)

    def user(self, login: str) -> dict[str, Any] | None:
        """The public profile, or None when GitHub knows no such user (404)."""
        return self.fetch_user(login).body

    def fetch_user(self, login: str, etag: str | None = None) -> UserAnswer:
        """The public profile with its ``ETag``. With ``etag`` (from an earlier answer) the request is
        conditional (``If-None-Match``): when the profile is unchanged GitHub answers 304 with no body, and
        such an answer costs no quota; ``not_modified`` is then True and ``body`` None."""
        path = f"users/{quote(normalise_login(login), safe='')}"
        headers = {"Accept": "application/vnd.github+json"}
        if etag:
            headers["If-None-Match"] = etag
        try:
            resp = self.request("GET", path, headers=headers)
        except NotFound:
            return UserAnswer(None, None, False)
        if resp.status_code == 304:
            return UserAnswer(None, resp.headers.get("ETag") or etag, True)
        body = parse_json(resp, self.source)
        if not isinstance(body, dict) or not isinstance(body.get("login"), str):
            raise MalformedResponse(self.source, endpoint_of(self.url(path)), "user answer has no 'login'")
        return UserAnswer(body, resp.headers.get("ETag"), False)


@dataclass(frozen=True)
class UserAnswer:
    """``fetch_user``'s answer: the profile (None for an unknown login or a 304), its ETag, and whether it
    was a 304 (the profile is as it was when ``etag`` was served)."""

    body: dict[str, Any] | None
    etag: str | None
    not_modified: bool
