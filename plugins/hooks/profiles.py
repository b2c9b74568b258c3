"""Airflow connections -> ORCID, GitHub and review-feed clients, by the conventions of docs/CONTRACT.md.

``host`` is the API's base URL with scheme and version path (the documented public default when
absent: ``https://pub.orcid.org/v3.0``, ``https://api.github.com``; the review feed has none),
``password`` the token or API key. The clients underneath know nothing of Airflow.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from connectors.github import GITHUB_API, GithubClient
from connectors.orcid import ORCID_PUBLIC_API, OrcidClient
from connectors.reviews import ReviewsClient
from plugins.hooks.base import ConnectionHook


def base_url(spec: dict[str, Any], default: str | None) -> str | None:
    """The API base URL of a connection: JSON-form ``host`` as written, or URI-form host/port/schema."""
    host = (spec.get("host") or "").strip()
    if not host:
        return default
    port = spec.get("port")
    if "://" in host:
        parts = urlsplit(host)
        if port and parts.port is None:
            host = host.replace(parts.netloc, f"{parts.netloc}:{port}", 1)
        return host.rstrip("/")
    scheme = (spec.get("extra") or {}).get("scheme", "https")
    schema = (spec.get("schema") or "").strip("/")
    return f"{scheme}://{host}{f':{port}' if port else ''}{f'/{schema}' if schema else ''}"


class OrcidHook(ConnectionHook):
    default_conn_id = "orcid_default"

    def get_client(self, **kw: Any) -> OrcidClient:
        spec = self.connection()
        return OrcidClient(host=base_url(spec, ORCID_PUBLIC_API), **self.options(spec, kw))


class GithubHook(ConnectionHook):
    """The token (``password``) is optional: without it GitHub allows 60 requests an hour, not 5000."""

    default_conn_id = "github_default"

    def get_client(self, **kw: Any) -> GithubClient:
        spec = self.connection()
        return GithubClient(host=base_url(spec, GITHUB_API), token=spec.get("password") or None, **kw)


class ReviewsHook(ConnectionHook):
    """The feed needs both a host and an API key; it is sent as ``Authorization: Bearer <key>``."""

    default_conn_id = "reviews_default"

    def get_client(self, **kw: Any) -> ReviewsClient:
        spec = self.connection()
        host = base_url(spec, None)
        if not host:
            raise RuntimeError(f"Airflow connection {self.conn_id!r} has no host: the review feed has no "
                               "public default, set the feed's base URL")
        if not spec.get("password"):
            raise RuntimeError(f"Airflow connection {self.conn_id!r} has no password: set the feed's API key")
        return ReviewsClient(host=host, api_key=spec["password"], **self.options(spec, kw))
