"""Recorded HTTP answers served through a requests transport adapter (no network, no server).

The connector, the HTTP core and requests' own response handling all run for real; only the
socket is replaced by a script of (status, headers, body) answers, in order, as the API sent them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

HERE = Path(__file__).resolve().parent


def recorded(source: str, name: str) -> bytes:
    return (HERE / source / name).read_bytes()


@dataclass
class Answer:
    status: int
    body: bytes | str | dict | list = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = "application/json; charset=utf-8"

    def encoded(self) -> bytes:
        if isinstance(self.body, (dict, list)):
            return json.dumps(self.body).encode()
        return self.body.encode() if isinstance(self.body, str) else self.body


class Replay(BaseAdapter):
    """Answers requests from a script, in order; keeps every request it saw."""

    def __init__(self, *answers: Answer):
        super().__init__()
        self.answers = list(answers)
        self.requests: list[requests.PreparedRequest] = []

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        self.requests.append(request)
        if not self.answers:
            raise AssertionError(f"unexpected request: {request.method} {request.url}")
        a = self.answers.pop(0)
        resp = requests.Response()
        resp.status_code = a.status
        headers = dict(a.headers)
        if a.content_type:
            headers.setdefault("Content-Type", a.content_type)
        resp.headers = CaseInsensitiveDict(headers)
        resp._content = a.encoded()
        resp.url = request.url or ""
        resp.request = request
        resp.reason = "recorded"
        return resp

    def close(self) -> None:
        pass


def session_with(*answers: Answer) -> tuple[requests.Session, Replay]:
    session = requests.Session()
    adapter = Replay(*answers)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session, adapter
