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

import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from connectors.auth import OAuth2ClientCredentials
from connectors.http import RestClient
from connectors.paging import LinkHeader

HARVEST_HOST = "https://harvest.greenhouse.io"
TOKEN_URL = "https://auth.greenhouse.io/token"
APP_URL = "https://app.greenhouse.io"  # where HR opens a candidate: evidence links point here
RATE_LIMIT = (50, 10.0)  # Harvest: 50 requests per 10 seconds (X-RateLimit-Limit)
PER_PAGE = 500  # v3 accepts 1-500
IDS_PER_REQUEST = 100  # comma-separated id filters stay well under URL length limits


def updated_range(after: str | None, before: str | None) -> str | None:
    """The v3 range filter, e.g. ``gte|2026-01-01T00:00:00Z|lte|2026-02-01T00:00:00Z``."""
    parts = (["gte", after] if after else []) + (["lte", before] if before else [])
    return "|".join(parts) or None


def _chunks(ids: Iterable[Any], size: int) -> Iterator[str]:
    items = [str(i) for i in ids]
    for i in range(0, len(items), size):
        yield ",".join(items[i : i + size])


class GreenhouseClient(RestClient):
    """Each list endpoint is one method over ``list(resource, **filters)``; see docs/guide/adding-a-source.md."""

    source = "greenhouse"

    def __init__(self, host: str | None, client_id: str, client_secret: str, token_url: str | None = None, *,
                 per_page: int = PER_PAGE, clock: Callable[[], float] = time.time, **rest_kwargs: Any):
        host = (host or HARVEST_HOST).rstrip("/").removesuffix("/v3")
        self.oauth = OAuth2ClientCredentials(token_url or TOKEN_URL, client_id, client_secret, clock=clock)
        rest_kwargs.setdefault("rate_limit", RATE_LIMIT)
        super().__init__(host, auth=self.oauth, **rest_kwargs)
        self.per_page = per_page

    def list(self, resource: str, **filters: Any) -> Iterator[dict[str, Any]]:
        """Every record of a v3 list endpoint (a bare JSON array per page), page after page."""
        params = {k: v for k, v in filters.items() if v not in (None, "")}
        params.setdefault("per_page", self.per_page)
        return self.records(LinkHeader(), f"v3/{resource}", params)

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
        """An attachment's bytes, landed like every other payload. The URL is a pre-signed file-store
        link: fetched without the bearer token and outside the API's rate limit."""
        return self.request("GET", url, headers={"Accept": "*/*"}, authenticate=False, rate_limited=False).content
