"""Greenhouse Harvest API v3 (v1/v2 were removed on 2026-08-31).

Auth is OAuth 2.0 client credentials: ``POST {token_url}`` with HTTP Basic ``client_id:client_secret``
and ``grant_type=client_credentials`` returns a short-lived bearer token. The token is fetched on
first use, renewed a minute before it expires, and once more on a 401 (tokens can be revoked early).

Lists answer a bare JSON array; the next page is the ``Link: <...>; rel="next"`` URL, whose cursor
must be the *only* query parameter (Greenhouse answers 422 to a cursor mixed with filters), so the
follow-up replaces the whole request. Incremental filters are ``updated_at=gte|<ts>|lte|<ts>``.
Attachment URLs are time-limited, pre-signed file-store links: downloaded without the bearer
token and outside the API's rate limit.
"""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

from connectors.http import (
    AuthError,
    LinkHeaderPaginator,
    MalformedResponse,
    RestClient,
    endpoint_of,
    parse_json,
)

HARVEST_HOST = "https://harvest.greenhouse.io"
TOKEN_URL = "https://auth.greenhouse.io/token"
APP_URL = "https://app.greenhouse.io"  # where HR opens a candidate: evidence links point here
RATE_LIMIT = (50, 10.0)  # Harvest: 50 requests per 10 seconds (X-RateLimit-Limit)
PER_PAGE = 500  # v3 accepts 1-500
IDS_PER_REQUEST = 100  # comma-separated id filters stay well under URL length limits
TOKEN_MARGIN_SECONDS = 60
DEFAULT_TOKEN_LIFETIME = 3600


class CursorPaginator(LinkHeaderPaginator):
    """v3 cursor pagination: follow ``rel="next"``; its URL carries the cursor as the only parameter."""


class ClientCredentialsAuth:
    """OAuth 2.0 client-credentials bearer token, fetched through the owning client (so retries apply)."""

    def __init__(self, token_url: str, client_id: str, client_secret: str, *,
                 clock: Callable[[], float] = time.time, margin: float = TOKEN_MARGIN_SECONDS):
        self.token_url, self.clock, self.margin = token_url, clock, margin
        self._basic = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
        self._token: str | None = None
        self._expires_at = 0.0
        self._client: RestClient | None = None
        self._lock = threading.RLock()
        self.tokens_fetched = 0

    def bind(self, client: RestClient) -> None:
        self._client = client

    def apply(self, headers: dict[str, str]) -> None:
        with self._lock:
            if self._token is None or self.clock() >= self._expires_at - self.margin:
                self._fetch()
            headers["Authorization"] = f"Bearer {self._token}"

    def refresh(self) -> bool:
        with self._lock:
            self._token = None
            self._fetch()
            return True

    def _fetch(self) -> None:
        assert self._client is not None, "ClientCredentialsAuth.bind() was not called"
        client = self._client
        try:
            resp = client.request(
                "POST", self.token_url, data={"grant_type": "client_credentials"}, land=False, authenticate=False,
                headers={"Authorization": f"Basic {self._basic}", "Accept": "application/json"})
        except AuthError as exc:
            raise AuthError(client.source, endpoint_of(self.token_url),
                            f"the OAuth token endpoint rejected the client credentials (HTTP {exc.status}): check "
                            "the connection's login (client id) and password (client secret)", exc.status) from None
        body = parse_json(resp, client.source)
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise MalformedResponse(client.source, endpoint_of(self.token_url), "token response has no access_token")
        self._token = token
        self._expires_at = _expiry(body, self.clock())
        self.tokens_fetched += 1


def _expiry(body: dict[str, Any], now: float) -> float:
    """Greenhouse answers ``expires_at`` (ISO 8601); generic OAuth servers ``expires_in`` (seconds)."""
    if isinstance(body.get("expires_at"), str):
        try:
            return datetime.fromisoformat(body["expires_at"]).timestamp()
        except ValueError:
            pass
    if isinstance(body.get("expires_in"), (int, float)):
        return now + float(body["expires_in"])
    return now + DEFAULT_TOKEN_LIFETIME


def updated_range(after: str | None, before: str | None) -> str | None:
    """The v3 range filter, e.g. ``gte|2026-01-01T00:00:00Z|lte|2026-02-01T00:00:00Z``."""
    parts = (["gte", after] if after else []) + (["lte", before] if before else [])
    return "|".join(parts) or None


def _chunks(ids: Iterable[Any], size: int) -> Iterator[str]:
    items = [str(i) for i in ids]
    for i in range(0, len(items), size):
        yield ",".join(items[i : i + size])


class GreenhouseClient(RestClient):
    source = "greenhouse"

    def __init__(self, host: str | None, client_id: str, client_secret: str, token_url: str | None = None, *,
                 per_page: int = PER_PAGE, clock: Callable[[], float] = time.time, **rest_kwargs: Any):
        host = (host or HARVEST_HOST).rstrip("/")
        host = host.removesuffix("/v3")
        self.oauth = ClientCredentialsAuth(token_url or TOKEN_URL, client_id, client_secret, clock=clock)
        rest_kwargs.setdefault("rate_limit", RATE_LIMIT)
        super().__init__(host, auth=self.oauth, **rest_kwargs)
        self.oauth.bind(self)
        self.per_page = per_page
        # attachment downloads go to the file store: no bearer token, no API rate limit
        self._files = RestClient(host, session=self.session, retry=self.retry, timeout=self.timeout,
                                 on_payload=self.on_payload, sleep=self.sleep)
        self._files.source = self.source

    def list(self, resource: str, **filters: Any) -> Iterator[dict[str, Any]]:
        """Every record of a v3 list endpoint, page after page."""
        params = {k: v for k, v in filters.items() if v not in (None, "")}
        params.setdefault("per_page", self.per_page)
        for page in self.paginate(CursorPaginator(), f"v3/{resource}", params):
            if not isinstance(page, list):
                raise MalformedResponse(self.source, f"/v3/{resource}", "expected a JSON array of records")
            yield from page

    def _by_ids(self, resource: str, key: str, ids: Iterable[Any] | None, **filters: Any) -> Iterator[dict[str, Any]]:
        if ids is None:
            yield from self.list(resource, **filters)
            return
        for chunk in _chunks(ids, IDS_PER_REQUEST):
            yield from self.list(resource, **{key: chunk}, **filters)

    def candidates(self, updated_after: str | None = None, updated_before: str | None = None,
                   ids: Iterable[Any] | None = None) -> Iterator[dict[str, Any]]:
        return self._by_ids("candidates", "ids", ids, updated_at=updated_range(updated_after, updated_before))

    def applications(self, updated_after: str | None = None, updated_before: str | None = None,
                     candidate_ids: Iterable[Any] | None = None) -> Iterator[dict[str, Any]]:
        return self._by_ids("applications", "candidate_ids", candidate_ids,
                            updated_at=updated_range(updated_after, updated_before))

    def jobs(self, updated_after: str | None = None, updated_before: str | None = None) -> Iterator[dict[str, Any]]:
        return self.list("jobs", updated_at=updated_range(updated_after, updated_before))

    def candidate_employments(self, candidate_ids: Iterable[Any] | None = None) -> Iterator[dict[str, Any]]:
        return self._by_ids("candidate_employments", "candidate_ids", candidate_ids)

    def candidate_educations(self, candidate_ids: Iterable[Any] | None = None) -> Iterator[dict[str, Any]]:
        return self._by_ids("candidate_educations", "candidate_ids", candidate_ids)

    def attachments(self, candidate_ids: Iterable[Any] | None = None,
                    type: str | None = None) -> Iterator[dict[str, Any]]:
        return self._by_ids("attachments", "candidate_ids", candidate_ids, type=type)

    def custom_fields(self, field_type: str | None = None) -> Iterator[dict[str, Any]]:
        return self.list("custom_fields", field_type=field_type)

    def custom_field_options(self, ids: Iterable[Any] | None = None,
                             custom_field_ids: Iterable[Any] | None = None) -> Iterator[dict[str, Any]]:
        if custom_field_ids is not None:
            return self._by_ids("custom_field_options", "custom_field_ids", custom_field_ids)
        return self._by_ids("custom_field_options", "ids", ids)

    # the recruiting timeline (include/ingest/timeline.py): offers are versioned records; scheduled
    # interviews carry times only (feedback lives in scorecards, never read); rejection reasons are a list
    def offers(self, updated_after: str | None = None, updated_before: str | None = None,
               application_ids: Iterable[Any] | None = None) -> Iterator[dict[str, Any]]:
        return self._by_ids("offers", "application_ids", application_ids,
                            updated_at=updated_range(updated_after, updated_before))

    def scheduled_interviews(self, updated_after: str | None = None, updated_before: str | None = None,
                             application_ids: Iterable[Any] | None = None) -> Iterator[dict[str, Any]]:
        return self._by_ids("scheduled_interviews", "application_ids", application_ids,
                            updated_at=updated_range(updated_after, updated_before))

    def rejection_reasons(self) -> Iterator[dict[str, Any]]:
        return self.list("rejection_reasons")

    def download(self, url: str) -> bytes:
        """An attachment's bytes, landed like every other payload."""
        self._files.on_payload = self.on_payload
        return self._files.request("GET", url, headers={"Accept": "*/*"}, land=True).content
