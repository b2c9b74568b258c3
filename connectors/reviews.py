"""The employee-review feed Crosscheck defines (no public standard exists; see docs for its contract).

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

from connectors.auth import BearerToken
from connectors.http import RestClient
from connectors.paging import BodyNextUrl

RATE_LIMIT = (10, 1.0)
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


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
        pages = BodyNextUrl(self.source, self.base_url, "next")
        yield from self.records(pages, "reviews", {"employer": employer, "since": since}, items=("reviews",))
