"""Pagination strategies for ``RestClient.paginate`` / ``RestClient.records``.

Each one looks at an answer and returns the next request as ``(url, params)`` or ``None`` when the
list is complete. The core, not the strategy, refuses a next page that was already read
(``PaginationLoop``), so a source that repeats a cursor, token or page number cannot loop a run.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import requests

from connectors.http import MalformedResponse, SourceError, dig, endpoint_of


def _without_query(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


class LinkHeader:
    """RFC 8288 ``Link: <...>; rel="next"``; the next URL replaces the whole request (its cursor is
    then the only parameter, as Greenhouse Harvest v3 requires)."""

    def next(self, resp: requests.Response, page: Any,
             params: dict[str, Any] | None) -> tuple[str, dict[str, Any] | None] | None:
        nxt = resp.links.get("next", {}).get("url")
        return (urljoin(resp.url, nxt), None) if nxt else None


class BodyNextUrl:
    """The body's ``field`` holds the next URL (absolute or relative to the page) until it is null.
    A next URL on another origin is refused: the credentials would go with it."""

    def __init__(self, source: str, base_url: str, field: str = "next"):
        self.source, self.origin, self.field = source, _origin(base_url), field

    def next(self, resp: requests.Response, page: Any,
             params: dict[str, Any] | None) -> tuple[str, dict[str, Any] | None] | None:
        nxt = page.get(self.field) if isinstance(page, dict) else None
        if nxt is None:
            return None
        endpoint = endpoint_of(resp.url or "")
        if not isinstance(nxt, str) or not nxt.strip():
            raise MalformedResponse(self.source, endpoint, f"'{self.field}' is neither a URL nor null")
        url = urljoin(resp.url, nxt)
        if _origin(url) != self.origin:
            raise SourceError(self.source, endpoint, f"'{self.field}' points at another host; refusing to send "
                              "the credentials there")
        return url, None


class NextToken:
    """``{"hasNext": true, "next": "<token>"}``: the same request again with ``param=<token>`` (Lever)."""

    def __init__(self, param: str = "offset", token: str = "next", has_more: str = "hasNext"):
        self.param, self.token, self.has_more = param, token, has_more

    def next(self, resp: requests.Response, page: Any,
             params: dict[str, Any] | None) -> tuple[str, dict[str, Any] | None] | None:
        if not isinstance(page, dict) or not page.get(self.has_more) or not page.get(self.token):
            return None
        return _without_query(resp.url), {**(params or {}), self.param: page[self.token]}


class Offset:
    """``param`` = index of the first item (0-based); next while ``offset + len(items) < total``
    and the page was not empty (Companies House ``start_index`` / ``total_results``)."""

    def __init__(self, param: str, items: Sequence[str], total: Sequence[str]):
        self.param, self.items, self.total = param, tuple(items), tuple(total)

    def next(self, resp: requests.Response, page: Any,
             params: dict[str, Any] | None) -> tuple[str, dict[str, Any] | None] | None:
        items = dig(page, self.items)
        total = dig(page, self.total)
        count = len(items) if isinstance(items, list) else 0
        start = int((params or {}).get(self.param, 0))
        if not count or (isinstance(total, int) and start + count >= total):
            return None
        return _without_query(resp.url), {**(params or {}), self.param: start + count}


class PageNumber:
    """``param`` = page number; next while the page's current number is below its last one and the
    page had items (GLEIF ``page[number]`` / ``meta.pagination``, OpenCorporates ``page`` / ``total_pages``).
    The next number comes from what the source says it sent, so a source stuck on one page is a loop."""

    def __init__(self, param: str, items: Sequence[str], current: Sequence[str], last: Sequence[str]):
        self.param, self.items, self.current, self.last = param, tuple(items), tuple(current), tuple(last)

    def next(self, resp: requests.Response, page: Any,
             params: dict[str, Any] | None) -> tuple[str, dict[str, Any] | None] | None:
        current, last = dig(page, self.current), dig(page, self.last)
        if not dig(page, self.items) or not isinstance(current, int) or not isinstance(last, int) or current >= last:
            return None
        return _without_query(resp.url), {**(params or {}), self.param: current + 1}
