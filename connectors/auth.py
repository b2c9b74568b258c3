"""Auth strategies for ``connectors.http.RestClient``: pass one as ``auth=`` (or none for open APIs).

Each strategy sets what it needs on every attempt (``apply``) and says after a 401 whether new
credentials are worth one more try (``refresh``); the core refreshes at most once per request.
No strategy puts a secret in its ``repr``.
"""

from __future__ import annotations

import base64
import logging
import re
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from connectors.http import AuthError, MalformedResponse, endpoint_of, parse_json

if TYPE_CHECKING:
    from connectors.http import RestClient

DEFAULT_TOKEN_LIFETIME = 3600
TOKEN_MARGIN_SECONDS = 60


class BasicAuth:
    """HTTP Basic. API-key schemes that send the key as the user name pass ``password=""``.
    A 401 means wrong or revoked credentials: nothing to refresh."""

    def __init__(self, username: str, password: str = ""):
        self._header = "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()

    def apply(self, headers: dict[str, str], params: dict[str, Any]) -> None:
        headers["Authorization"] = self._header

    def refresh(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "BasicAuth(***)"


class BearerToken:
    """``Authorization: Bearer <token>`` with a long-lived token (API key, personal access token)."""

    def __init__(self, token: str):
        self._token = token

    def apply(self, headers: dict[str, str], params: dict[str, Any]) -> None:
        headers["Authorization"] = f"Bearer {self._token}"

    def refresh(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "BearerToken(***)"


class QueryParamKey:
    """The key as a query parameter, for APIs that take it no other way. The core redacts the
    parameter from landed and logged URLs (``SECRET_PARAMS``); this also rewrites it in urllib3's
    DEBUG connection log, the one place a raw request line is still logged."""

    def __init__(self, param: str, key: str):
        self.param, self._key = param, key
        _install_urllib3_redaction(param)

    def apply(self, headers: dict[str, str], params: dict[str, Any]) -> None:
        params[self.param] = self._key

    def refresh(self) -> bool:
        return False

    def __repr__(self) -> str:
        return f"QueryParamKey({self.param}=***)"


class _RedactParamFilter(logging.Filter):
    def __init__(self, param: str):
        super().__init__()
        self.param = param
        self.pattern = re.compile(rf"({re.escape(param)}=)[^&\s\"']+", re.IGNORECASE)

    def _clean(self, value: Any) -> Any:
        return self.pattern.sub(r"\1***", value) if isinstance(value, str) else value

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self._clean(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(self._clean(a) for a in record.args)
        return True


def _install_urllib3_redaction(param: str) -> None:
    logger = logging.getLogger("urllib3.connectionpool")
    if not any(isinstance(f, _RedactParamFilter) and f.param == param for f in logger.filters):
        logger.addFilter(_RedactParamFilter(param))


class OAuth2ClientCredentials:
    """OAuth 2.0 client credentials: ``POST token_url`` with HTTP Basic ``client_id:client_secret`` and
    ``grant_type=client_credentials`` gives a bearer token. Fetched on first use through the owning
    client (so its retries apply), renewed ``margin`` seconds before it expires, and once on a 401
    (tokens can be revoked early)."""

    def __init__(self, token_url: str, client_id: str, client_secret: str, *,
                 clock: Callable[[], float] = time.time, margin: float = TOKEN_MARGIN_SECONDS):
        self.token_url, self.clock, self.margin = token_url, clock, margin
        self._basic = BasicAuth(client_id, client_secret)
        self._token: str | None = None
        self._expires_at = 0.0
        self._client: RestClient | None = None
        self._lock = threading.RLock()
        self.tokens_fetched = 0

    def bind(self, client: RestClient) -> None:
        self._client = client

    def apply(self, headers: dict[str, str], params: dict[str, Any]) -> None:
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
        if self._client is None:
            raise RuntimeError("OAuth2ClientCredentials is used by no client (RestClient binds it)")
        client = self._client
        headers: dict[str, str] = {"Accept": "application/json"}
        self._basic.apply(headers, {})
        try:
            resp = client.request("POST", self.token_url, data={"grant_type": "client_credentials"}, land=False,
                                  authenticate=False, headers=headers)
        except AuthError as exc:
            raise AuthError(client.source, endpoint_of(self.token_url),
                            f"the OAuth token endpoint rejected the client credentials (HTTP {exc.status}): check "
                            "the connection's login (client id) and password (client secret)", exc.status) from None
        body = parse_json(resp, client.source)
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise MalformedResponse(client.source, endpoint_of(self.token_url), "token response has no access_token")
        self._token = token
        self._expires_at = token_expiry(body, self.clock())
        self.tokens_fetched += 1

    def __repr__(self) -> str:
        return f"OAuth2ClientCredentials({self.token_url!r}, ***)"


def token_expiry(body: dict[str, Any], now: float) -> float:
    """OAuth servers answer ``expires_in`` (seconds); Greenhouse answers ``expires_at`` (ISO 8601)."""
    if isinstance(body.get("expires_at"), str):
        try:
            return datetime.fromisoformat(body["expires_at"]).timestamp()
        except ValueError:
            pass
    if isinstance(body.get("expires_in"), (int, float)):
        return now + float(body["expires_in"])
    return now + DEFAULT_TOKEN_LIFETIME
