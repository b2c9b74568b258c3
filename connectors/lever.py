"""Lever API v1: opportunities, parsed resumes, files, postings.

Auth is HTTP Basic with the API key as the username and an empty password. Lists answer
``{"data": [...], "hasNext": bool, "next": "<offset token>"}``; the next page repeats the request
with ``offset=<token>``. ``updated_at_start`` / ``updated_at_end`` filter opportunities by their
``updatedAt`` (epoch milliseconds). The documented limit is 10 requests per second per key
(token bucket, bursts to 20); a 429 is retried with backoff.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import quote

from connectors.auth import BasicAuth
from connectors.http import RestClient
from connectors.paging import NextToken

LEVER_HOST = "https://api.lever.co/v1"
RATE_LIMIT = (10, 1.0)
PAGE_SIZE = 100  # Lever accepts limit 1-100


class LeverClient(RestClient):
    """Each list endpoint is one method over ``list(path, **params)``; see docs/guide/adding-a-source.md."""

    source = "lever"

    def __init__(self, host: str | None, api_key: str, *, page_size: int = PAGE_SIZE, **rest_kwargs: Any):
        rest_kwargs.setdefault("rate_limit", RATE_LIMIT)
        super().__init__(host or LEVER_HOST, auth=BasicAuth(api_key), **rest_kwargs)
        self.page_size = page_size

    def list(self, path: str, **params: Any) -> Iterator[dict[str, Any]]:
        """Every record of a list endpoint (``{"data": [...]}`` per page), page after page."""
        query = {k: v for k, v in params.items() if v not in (None, "", [], ())}
        query.setdefault("limit", self.page_size)
        return self.records(NextToken("offset"), path, query, items=("data",))
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
