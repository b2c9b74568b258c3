"""Lever API v1: opportunities, parsed resumes, files, postings.

Auth is HTTP Basic with the API key as the username and an empty password. Lists answer
``{"data": [...], "hasNext": bool, "next": "<offset token>"}``; the next page repeats the request
with ``offset=<token>``. ``updated_at_start`` / ``updated_at_end`` filter opportunities by their
``updatedAt`` (epoch milliseconds). The documented limit is 10 requests per second per key
(token bucket, bursts to 20); a 429 is retried with backoff.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import requests

from connectors.http import MalformedResponse, RestClient

LEVER_HOST = "https://api.lever.co/v1"
RATE_LIMIT = (10, 1.0)
PAGE_SIZE = 100  # Lever accepts limit 1-100


class ApiKeyBasicAuth:
    """Basic auth, key as username. A 401 means a wrong or revoked key: nothing to refresh."""

    def __init__(self, api_key: str):
        self._header = "Basic " + base64.b64encode(f"{api_key}:".encode()).decode()

    def apply(self, headers: dict[str, str]) -> None:
        headers["Authorization"] = self._header

    def refresh(self) -> bool:
        return False


class OffsetTokenPaginator:
    """``hasNext`` / ``next``: the same request again with ``offset`` set to the opaque token."""

    def next(self, resp: requests.Response, page: Any,
             params: dict[str, Any] | None) -> tuple[str, dict[str, Any] | None] | None:
        if not isinstance(page, dict) or not page.get("hasNext") or not page.get("next"):
            return None
        parts = urlsplit(resp.url)
        return urlunsplit((parts.scheme, parts.netloc, parts.path, "", "")), {**(params or {}), "offset": page["next"]}


class LeverClient(RestClient):
    source = "lever"

    def __init__(self, host: str | None, api_key: str, *, page_size: int = PAGE_SIZE, **rest_kwargs: Any):
        rest_kwargs.setdefault("rate_limit", RATE_LIMIT)
        super().__init__(host or LEVER_HOST, auth=ApiKeyBasicAuth(api_key), **rest_kwargs)
        self.page_size = page_size

    def list(self, path: str, **params: Any) -> Iterator[dict[str, Any]]:
        query = {k: v for k, v in params.items() if v not in (None, "", [], ())}
        query.setdefault("limit", self.page_size)
        for page in self.paginate(OffsetTokenPaginator(), path, query):
            if not isinstance(page, dict) or not isinstance(page.get("data"), list):
                raise MalformedResponse(self.source, "/" + path.lstrip("/"), "expected an object with a data list")
            yield from page["data"]

    def opportunities(self, updated_since_ms: int | None = None, updated_until_ms: int | None = None,
                      expand: Iterable[str] = ("applications",)) -> Iterator[dict[str, Any]]:
        return self.list("opportunities", updated_at_start=updated_since_ms, updated_at_end=updated_until_ms,
                         expand=list(expand))

    def postings(self) -> Iterator[dict[str, Any]]:
        return self.list("postings")

    def resumes(self, opportunity_id: str) -> Iterator[dict[str, Any]]:
        return self.list(f"opportunities/{quote(opportunity_id, safe='')}/resumes")

    def files(self, opportunity_id: str) -> Iterator[dict[str, Any]]:
        return self.list(f"opportunities/{quote(opportunity_id, safe='')}/files")

    # the recruiting timeline (include/ingest/timeline.py): stage changes and the archive reason come
    # with the opportunity; offers and interviews are per opportunity; stages and archive reasons are lists
    def offers(self, opportunity_id: str) -> Iterator[dict[str, Any]]:
        return self.list(f"opportunities/{quote(opportunity_id, safe='')}/offers")

    def interviews(self, opportunity_id: str) -> Iterator[dict[str, Any]]:
        return self.list(f"opportunities/{quote(opportunity_id, safe='')}/interviews")

    def stages(self) -> Iterator[dict[str, Any]]:
        return self.list("stages")

    def archive_reasons(self) -> Iterator[dict[str, Any]]:
        return self.list("archive_reasons")

    def download(self, opportunity_id: str, file_id: str) -> bytes:
        """A file's bytes through the API's download endpoint (authenticated), landed."""
        path = f"opportunities/{quote(opportunity_id, safe='')}/files/{quote(file_id, safe='')}/download"
        return self.request("GET", path, headers={"Accept": "*/*"}, land=True).content
