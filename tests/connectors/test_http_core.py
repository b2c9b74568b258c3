"""The HTTP core's failure table, against a real HTTP server on 127.0.0.1 (a thread, port 0).

Each row scripts the server's answers, runs one request (or one paginated read) through
``RestClient`` and checks the outcome, the number of requests the server saw and the waits the
client asked for. Waits go to a recording ``sleep`` (nothing sleeps for them); time on the wire is
real, with timeouts of a few hundred milliseconds, so the budget rows measure real timeouts.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest

from connectors.auth import OAuth2ClientCredentials
from connectors.http import (
    AuthError,
    NotFound,
    PaginationLoop,
    Paginator,
    RestClient,
    RetryPolicy,
    SourceError,
)
from connectors.paging import BodyNextUrl, LinkHeader, NextToken, Offset, PageNumber

FAST = {"base": 0.01, "cap": 5.0, "max_total": 1.2, "max_attempts": 4, "attempt_deadline": 0.6}


@dataclass
class Reply:
    status: int = 200
    body: Any = b"{}"
    headers: dict[str, str] = field(default_factory=dict)
    hang: float = 0.0  # seconds to wait before answering (longer than the client's read timeout)
    drip: float = 0.0  # seconds between body bytes, after the headers went out

    def encoded(self) -> bytes:
        return self.body if isinstance(self.body, bytes) else json.dumps(self.body).encode()


class Script:
    """Answers per path, in order; the last one repeats. Records (method, path, query, authorization)."""

    def __init__(self) -> None:
        self.replies: dict[str, list[Reply]] = {}
        self.seen: list[tuple[str, str, str, str]] = []
        self.lock = threading.Lock()

    def next(self, method: str, target: str, authorization: str) -> Reply:
        parts = urlsplit(target)
        with self.lock:
            self.seen.append((method, parts.path, parts.query, authorization))
            queue = self.replies.get(parts.path) or [Reply(404, {"error": "not scripted"})]
            return queue.pop(0) if len(queue) > 1 else queue[0]

    def count(self, path: str) -> int:
        return sum(1 for _, p, _, _ in self.seen if p == path)


def _handler(script: Script) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            reply = script.next(self.command, self.path, self.headers.get("Authorization", ""))
            if reply.hang:
                time.sleep(reply.hang)
            body = reply.encoded()
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if not reply.drip:
                    self.wfile.write(body)
                    return
                for i in range(len(body)):
                    self.wfile.write(body[i : i + 1])
                    self.wfile.flush()
                    time.sleep(reply.drip)
            except OSError:  # the client gave up on us: that is the point of the row
                self.close_connection = True

        do_GET = do_POST = _answer

    return Handler


@pytest.fixture()
def server() -> Iterator[tuple[str, Script]]:
    script = Script()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(script))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", script
    finally:
        httpd.shutdown()
        httpd.server_close()


def client(url: str, sleeps: list[float], *, timeout: float = 0.3, auth: Any = None, **policy: Any) -> RestClient:
    c = RestClient(url, retry=RetryPolicy(**{**FAST, **policy}), timeout=timeout, sleep=sleeps.append, seed=7,
                   auth=auth)
    c.source = "testsource"
    return c


# --- one request: retries, budget, deadline, fatal answers ------------------------------------------

OK = Reply(200, {"ok": True})

Row = tuple[str, list[Reply], dict[str, Any], type[Exception] | None, str, int | range, Callable[[list[float]], bool]]
ROWS: list[Row] = [
    # name, answers, policy, error (None: success), error text, requests, waits
    ("429 with Retry-After, then ok", [Reply(429, headers={"Retry-After": "1"}), OK], {}, None, "", 2,
     lambda s: s == [1.0]),
    ("429 without Retry-After backs off, then ok", [Reply(429), OK], {}, None, "", 2,
     lambda s: len(s) == 1 and 0 <= s[0] <= 0.01),
    ("429 with a Retry-After beyond the cap gives up at once", [Reply(429, headers={"Retry-After": "3600"})], {},
     SourceError, "HTTP 429 asking to wait 3600s", 1, lambda s: s == []),
    ("429 with a Retry-After beyond the budget gives up at once", [Reply(429, headers={"Retry-After": "3"})],
     {"max_total": 2.0}, SourceError, "more than the retry budget", 1, lambda s: s == []),
    ("5xx, then ok", [Reply(503), Reply(502), Reply(500), OK], {}, None, "", 4, lambda s: len(s) == 3),
    ("5xx exhausts the attempts", [Reply(503)], {"max_attempts": 3}, SourceError,
     "gave up after 3 attempts .*last: HTTP 503", 3, lambda s: len(s) == 2),
    ("5xx exhausts the seconds", [Reply(503, headers={"Retry-After": "1"})], {"max_total": 2.5, "max_attempts": 50},
     SourceError, "HTTP 503 asking to wait 1s, more than the retry budget", 3, lambda s: s == [1.0, 1.0]),
    ("400 is fatal at once", [Reply(400), OK], {}, SourceError, r"testsource: HTTP 400 .*not retried \(/r\)", 1,
     lambda s: s == []),
    ("422 is fatal at once", [Reply(422), OK], {}, SourceError, "testsource: HTTP 422", 1, lambda s: s == []),
    ("404 is NotFound at once", [Reply(404), OK], {}, NotFound, "HTTP 404", 1, lambda s: s == []),
    ("403 is an AuthError at once", [Reply(403), OK], {}, AuthError, "HTTP 403", 1, lambda s: s == []),
    ("read timeouts count in the budget", [Reply(hang=2.0)], {"max_total": 1.0, "max_attempts": 50}, SourceError,
     "last: read timeout", range(3, 6), lambda s: len(s) >= 2),  # 0.3 s each against 1 s, not 50
]


@pytest.mark.parametrize(("answers", "policy", "error", "text", "requests_seen", "waits"),
                         [r[1:] for r in ROWS], ids=[r[0] for r in ROWS])
def test_request_failure_table(server, answers, policy, error, text, requests_seen, waits):
    url, script = server
    script.replies["/r"] = list(answers)
    sleeps: list[float] = []
    c = client(url, sleeps, **policy)
    started = time.monotonic()
    if error is None:
        assert c.get_json("r") == {"ok": True}
    else:
        with pytest.raises(error, match=text) as exc:
            c.get_json("r")
        assert exc.value.source == "testsource" and exc.value.endpoint == "/r"
    elapsed = time.monotonic() - started
    expected = requests_seen if isinstance(requests_seen, range) else range(requests_seen, requests_seen + 1)
    assert c.requests_made in expected and script.count("/r") == c.requests_made, script.seen
    assert waits(sleeps), sleeps
    # the whole budget: seconds on the wire plus the waits asked for, plus one attempt's deadline
    assert elapsed + sum(sleeps) <= c.retry.max_total + c.retry.attempt_deadline + 0.5


def test_connect_timeouts_count_in_the_budget():
    """A host that accepts no connection (a full listen backlog): every attempt ends in a connect
    timeout, and the budget, not the attempt count, ends the request."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(3):
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", port))
        fillers.append(s)
    try:
        sleeps: list[float] = []
        c = client(f"http://127.0.0.1:{port}", sleeps, timeout=0.25, max_total=1.0, max_attempts=50)
        started = time.monotonic()
        with pytest.raises(SourceError, match="last: connect timeout"):
            c.get_json("r")
        assert time.monotonic() - started < 2.0
        assert 2 <= c.requests_made <= 5  # 0.25 s each against a 1 s budget, not 50
    finally:
        for s in [*fillers, listener]:
            s.close()


def test_a_dripping_server_is_abandoned_at_the_attempt_deadline(server, caplog):
    """One byte every 0.1 s never trips the read timeout (0.3 s); the attempt deadline (0.5 s) ends
    each attempt, the budget ends the request, and the log says so without the person's id."""
    url, script = server
    slow = {"profile": "x" * 200}
    script.replies["/users/jane-doe-1984"] = [Reply(200, slow, drip=0.1)]
    sleeps: list[float] = []
    c = client(url, sleeps, attempt_deadline=0.5, max_total=1.0, max_attempts=50)
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="crosscheck.http"), pytest.raises(
            SourceError, match="no complete answer within"):
        c.get_json("users/jane-doe-1984")
    assert time.monotonic() - started < 2.5  # unbounded before: 200 bytes x 0.1 s = 20 s per attempt
    assert 2 <= c.requests_made <= 3
    lines = [r.getMessage() for r in caplog.records]
    assert any("abandoning the attempt" in line for line in lines)
    assert any("giving up" in line for line in lines)
    assert all("jane-doe" not in line and "/users/{login}" in line for line in lines)


def test_a_dripping_answer_within_the_deadline_is_read_whole(server):
    url, script = server
    script.replies["/r"] = [Reply(200, {"ok": True}, drip=0.01)]
    assert client(url, [], attempt_deadline=1.0).get_json("r") == {"ok": True}


# --- 401: one refresh ---------------------------------------------------------------------------------

def _oauth(url: str, script: Script, tokens: list[str]) -> OAuth2ClientCredentials:
    script.replies["/token"] = [Reply(200, {"access_token": t, "expires_in": 3600}) for t in tokens]
    return OAuth2ClientCredentials(f"{url}/token", "client-id", "client-secret")


def test_401_refreshes_the_token_once_then_succeeds(server):
    url, script = server
    auth = _oauth(url, script, ["t1", "t2"])
    script.replies["/r"] = [Reply(401), OK]
    c = client(url, [], auth=auth)
    assert c.get_json("r") == {"ok": True}
    assert [(m, p) for m, p, _, _ in script.seen] == [("POST", "/token"), ("GET", "/r"), ("POST", "/token"),
                                                      ("GET", "/r")]
    assert [a for m, _, _, a in script.seen if m == "GET"] == ["Bearer t1", "Bearer t2"]
    assert auth.tokens_fetched == 2


def test_a_second_401_is_fatal(server):
    url, script = server
    auth = _oauth(url, script, ["t1", "t2", "t3"])
    script.replies["/r"] = [Reply(401)]
    sleeps: list[float] = []
    with pytest.raises(AuthError, match="testsource: HTTP 401"):
        client(url, sleeps, auth=auth).get_json("r")
    assert script.count("/r") == 2 and auth.tokens_fetched == 2 and sleeps == []


def test_a_token_endpoint_refusing_the_client_is_fatal(server):
    url, script = server
    script.replies["/token"] = [Reply(401)]
    script.replies["/r"] = [OK]
    c = client(url, [], auth=OAuth2ClientCredentials(f"{url}/token", "client-id", "wrong"))
    with pytest.raises(AuthError, match="rejected the client credentials"):
        c.get_json("r")
    assert script.count("/token") == 1 and script.count("/r") == 0


# --- pagination loops ---------------------------------------------------------------------------------

LINK = {"Link": '</p?cursor=abc>; rel="next"'}
REPEATED = "the source sent a next page that was already read"
SAME_BODY = "answered a next page with a page already read"
LOOPS: list[tuple[str, Paginator, list[Reply], str]] = [
    ("Link header repeats a cursor", LinkHeader(), [Reply(200, [1], LINK), Reply(200, [2], LINK)], REPEATED),
    ("body next URL repeats", BodyNextUrl("testsource", "http://127.0.0.1"),
     [Reply(200, {"items": [1], "next": "/p?page=x"}), Reply(200, {"items": [2], "next": "/p?page=x"})], REPEATED),
    ("next token repeats", NextToken("offset"), [Reply(200, {"data": [1], "hasNext": True, "next": "t1"}),
                                                 Reply(200, {"data": [2], "hasNext": True, "next": "t1"})], REPEATED),
    ("page number stuck", PageNumber("page", ("data",), ("meta", "page"), ("meta", "last")),
     [Reply(200, {"data": [1], "meta": {"page": 1, "last": 5}}), Reply(200, {"data": [2], "meta": {"page": 1, "last": 5}})],
     REPEATED),
    ("offset ignored by the source", Offset("start_index", ("items",), ("total_results",)),
     [Reply(200, {"items": [1, 2], "total_results": 100})], SAME_BODY),
    ("page number ignored by the source", PageNumber("page", ("data",), ("meta", "page"), ("meta", "last")),
     [Reply(200, {"data": [1], "meta": {"page": 1, "last": 5}})], SAME_BODY),
]


@pytest.mark.parametrize(("paginator", "replies", "text"), [r[1:] for r in LOOPS], ids=[r[0] for r in LOOPS])
def test_pagination_loops_are_refused(server, paginator, replies, text):
    url, script = server
    if isinstance(paginator, BodyNextUrl):
        paginator = BodyNextUrl("testsource", url)  # the next URL must stay on the server's origin
    script.replies["/p"] = list(replies)
    with pytest.raises(PaginationLoop, match=text):
        list(client(url, []).paginate(paginator, "p", {"page": 1}))
    assert script.count("/p") == 2  # two pages read, the third refused before it was asked


def test_pagination_that_ends_is_followed_to_the_end(server):
    url, script = server
    script.replies["/p"] = [Reply(200, {"data": [1, 2], "hasNext": True, "next": "a"}),
                            Reply(200, {"data": [3], "hasNext": True, "next": "b"}),
                            Reply(200, {"data": [4], "hasNext": False})]
    c = client(url, [])
    assert list(c.records(NextToken("offset"), "p", {"limit": 2}, items=("data",))) == [1, 2, 3, 4]
    assert [q for _, _, q, _ in script.seen] == ["limit=2", "limit=2&offset=a", "limit=2&offset=b"]


# --- the house rule: connectors declare, the core runs ----------------------------------------------

CONNECTORS = ("companies_house", "github", "gleif", "greenhouse", "lever", "opencorporates", "orcid", "reviews")


@pytest.mark.parametrize("name", CONNECTORS)
def test_connectors_bring_no_request_loop_auth_or_paginator_of_their_own(name):
    import importlib
    import inspect

    module = importlib.import_module(f"connectors.{name}")
    own = [c for _, c in inspect.getmembers(module, inspect.isclass) if c.__module__ == module.__name__]
    clients = [c for c in own if issubclass(c, RestClient)]
    assert len(clients) == 1, "one client per source"
    assert "request" not in vars(clients[0]) and "paginate" not in vars(clients[0])
    for cls in own:
        assert not {"apply", "refresh", "next"} & set(vars(cls)), f"{cls.__name__}: use connectors.auth / paging"
