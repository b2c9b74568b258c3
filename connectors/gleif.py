"""GLEIF LEI API v1 (JSON:API): LEI records, fuzzy completions and direct / ultimate parents.

No key. The documented limit is 60 requests per minute. Collections page with ``page[number]`` /
``page[size]`` and report ``meta.pagination.lastPage``. A parent endpoint answers 404 when the
entity reported no parent (a "reporting exception"): that is normal and comes back as ``None``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from connectors.http import MalformedResponse, NotFound, RestClient
from connectors.paging import PageNumber

PUBLIC_URL = "https://api.gleif.org/api/v1"
RATE_LIMIT = (60, 60.0)
MAX_PAGE = 200
JSONAPI = {"Accept": "application/vnd.api+json"}
PAGES = PageNumber("page[number]", items=("data",), current=("meta", "pagination", "currentPage"),
                   last=("meta", "pagination", "lastPage"))


class GleifClient(RestClient):
    source = "gleif"

    def __init__(self, host: str | None = None, **rest_kwargs: Any):
        rest_kwargs.setdefault("rate_limit", RATE_LIMIT)
        super().__init__(host or PUBLIC_URL, **rest_kwargs)

    def search_fulltext(self, q: str, limit: int = 10, *, page_size: int | None = None) -> list[dict[str, Any]]:
        """LEI records matching any name (legal, other, transliterated), best first."""
        return self._records({"filter[fulltext]": q}, limit, page_size)

    def search_legal_name(self, q: str, limit: int = 10, *, page_size: int | None = None) -> list[dict[str, Any]]:
        return self._records({"filter[entity.legalName]": q}, limit, page_size)

    def fuzzy_completions(self, q: str, field: str = "entity.legalName") -> list[dict[str, Any]]:
        """``[{"value": name, "lei": LEI or None}]``: approximate matches that tolerate typos."""
        page = self.get_json("fuzzycompletions", params={"field": field, "q": q}, headers=JSONAPI)
        out = []
        for item in _data_list(page, "/fuzzycompletions"):
            rel = ((item.get("relationships") or {}).get("lei-records") or {}).get("data") or {}
            out.append({"value": (item.get("attributes") or {}).get("value"), "lei": rel.get("id")})
        return out

    def record(self, lei: str) -> dict[str, Any]:
        """One LEI record (the JSON:API resource object); raises ``NotFound`` for an unknown LEI."""
        return self._single(f"lei-records/{quote(lei, safe='')}")

    def direct_parent(self, lei: str) -> dict[str, Any] | None:
        return self._parent(lei, "direct-parent")

    def ultimate_parent(self, lei: str) -> dict[str, Any] | None:
        return self._parent(lei, "ultimate-parent")

    def _parent(self, lei: str, which: str) -> dict[str, Any] | None:
        try:
            return self._single(f"lei-records/{quote(lei, safe='')}/{which}")
        except NotFound:
            return None

    def _single(self, path: str) -> dict[str, Any]:
        page = self.get_json(path, headers=JSONAPI)
        data = page.get("data") if isinstance(page, dict) else None
        if not isinstance(data, dict) or not data.get("id"):
            raise MalformedResponse(self.source, "/" + path.split("/", 1)[0], "expected a JSON:API resource")
        return data

    def _records(self, filters: dict[str, Any], limit: int, page_size: int | None) -> list[dict[str, Any]]:
        size = max(1, min(page_size or limit, MAX_PAGE))
        params = {**filters, "page[number]": 1, "page[size]": size}
        out: list[dict[str, Any]] = []
        for record in self.records(PAGES, "lei-records", params, items=("data",), headers=JSONAPI):
            out.append(record)
            if len(out) >= limit:
                break
        return out


def _data_list(page: Any, endpoint: str) -> list[dict[str, Any]]:
    data = page.get("data") if isinstance(page, dict) else None
    if not isinstance(data, list):
        raise MalformedResponse("gleif", endpoint, "expected a JSON:API collection")
    return data


def parent_reported(record: dict[str, Any], which: str) -> bool | None:
    """Whether a record's relationships link to a ``which`` parent record: True, False (a reporting
    exception instead), or None when the record does not say (then the endpoint must be asked)."""
    links = ((record.get("relationships") or {}).get(which) or {}).get("links")
    if not isinstance(links, dict):
        return None
    if "lei-record" in links or "relationship-record" in links:
        return True
    return False if "reporting-exception" in links else None

