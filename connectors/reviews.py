"""The employee-review feed defined in SPEC.md (no public standard exists, so Crosscheck defines one).

``GET {host}/reviews?employer=<name>&since=<YYYY-MM-DD>`` answers ``{"reviews": [...], "next": <url or
null>}``; ``next`` replaces the whole request. The API key travels as ``Authorization: Bearer <key>``
(never as a query parameter, so it cannot reach a logged or landed URL), and a ``next`` link that
points at another origin is refused rather than followed with the key attached.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from connectors.github import BearerToken
from connectors.http import MalformedResponse, RestClient, SourceError, endpoint_of

RATE_LIMIT = (10, 1.0)
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


class NextLinkPaginator:
    """Follow the body's ``next`` URL (absolute, or relative to the page) until it is null."""

    def __init__(self, source: str, base_url: str):
        self.source, self.origin = source, _origin(base_url)

    def next(self, resp: requests.Response, page: Any,
             params: dict[str, Any] | None) -> tuple[str, dict[str, Any] | None] | None:
        nxt = page.get("next") if isinstance(page, dict) else None
        if nxt is None:
            return None
        endpoint = endpoint_of(resp.url or "")
        if not isinstance(nxt, str) or not nxt.strip():
            raise MalformedResponse(self.source, endpoint, "'next' is neither a URL nor null")
        url = urljoin(resp.url, nxt)
        if _origin(url) != self.origin:
            raise SourceError(self.source, endpoint, "'next' points at another host; refusing to send the API key there")
        return url, None


class ReviewsClient(RestClient):
    source = "reviews"

    def __init__(self, host: str, api_key: str, **kw: Any):
        if not host:
            raise ValueError("reviews: the connection needs a host (the feed has no public default)")
        if not api_key:
            raise ValueError("reviews: the connection needs an API key (password)")
        kw.setdefault("rate_limit", RATE_LIMIT)
        super().__init__(host, auth=BearerToken(api_key), **kw)

    def reviews(self, employer: str, since: str) -> Iterator[dict[str, Any]]:
        """Every review of ``employer`` dated ``since`` or later, page after page, as the feed sent it."""
        if not _DAY.match(since or ""):
            raise ValueError("reviews: since must be YYYY-MM-DD")
        date.fromisoformat(since)
        paginator = NextLinkPaginator(self.source, self.base_url)
        for page in self.paginate(paginator, "reviews", params={"employer": employer, "since": since}):
            if not isinstance(page, dict) or not isinstance(page.get("reviews"), list):
                raise MalformedResponse(self.source, endpoint_of(self.url("reviews")), "page has no 'reviews' list")
            yield from page["reviews"]
