"""One local HTTP server that answers every source's API in that API's own format.

Each source lives under its own path prefix (``/greenhouse``, ``/lever``, ``/companies_house``,
``/gleif``, ``/opencorporates``, ``/orcid``, ``/github``, ``/reviews``) and is implemented by
``sandbox.apis.<prefix>.handle``. Faults (429 with or without ``Retry-After``, 5xx, slow
answers) can be switched on per source at start or at run time with ``POST /_sandbox/faults``.
"""

from __future__ import annotations

import importlib
import json
import re
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

SOURCES = ("greenhouse", "lever", "companies_house", "gleif", "opencorporates", "orcid", "github", "reviews")


@dataclass
class Faults:
    """Deterministic fault injection: every Nth request of a source misbehaves."""

    rate_limit_every: int = 0  # 0 = off
    retry_after: int | None = None  # seconds to send in Retry-After with a 429; None = no header
    error_every: int = 0  # answer 503 every Nth request
    slow_ms: int = 0  # sleep before every answer
    truncate_every: int = 0  # cut the body in half every Nth request (status 200)


@dataclass
class SandboxRequest:
    method: str
    path: str  # path below the source prefix, starting with "/"
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes
    base_url: str  # e.g. "http://127.0.0.1:8765/greenhouse", for absolute links in answers
    world: Any  # sandbox.world.World

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default


@dataclass
class SandboxResponse:
    status: int = 200
    body: bytes | str | dict | list = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = None

    def encoded(self) -> tuple[bytes, str]:
        if isinstance(self.body, (dict, list)):
            return json.dumps(self.body, ensure_ascii=False).encode(), self.content_type or "application/json"
        if isinstance(self.body, str):
            return self.body.encode(), self.content_type or "text/plain; charset=utf-8"
        return self.body, self.content_type or "application/octet-stream"


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> SandboxResponse:
    return SandboxResponse(status, body, headers or {}, "application/json")


def error(status: int, message: str) -> SandboxResponse:
    return json_response({"error": message}, status)


class RequestLog(list[tuple[str, str, str]]):
    """The requests a sandbox answered, oldest first, for tests: a list (sliced, compared, cleared as
    one), but bounded: past ``2 * keep`` entries the oldest are dropped down to the newest ``keep``,
    so a 100k-candidate run does not hold millions of tuples (dropping in bulk keeps appends O(1))."""

    def __init__(self, keep: int = 200_000):
        super().__init__()
        self.keep = keep

    def append(self, entry: tuple[str, str, str]) -> None:
        super().append(entry)
        if len(self) > 2 * self.keep:
            del self[: len(self) - self.keep]


_VERSION = re.compile(r"^v\d+(\.\d+)?$")
# a path segment after one of these names a record (a login, a company, an opportunity ...)
_ID_AFTER = frozenset({"users", "company", "companies", "lei-records", "opportunities", "files", "candidates",
                       "applications"})


def endpoint(rest: str) -> str:
    """A request path below its source's prefix with the record ids left out, so that requests can be
    counted per endpoint: ``/v1/opportunities/5f1c…/offers`` -> ``v1/opportunities/{id}/offers``,
    ``/users/asilva`` -> ``users/{id}``; the query string is not part of it."""
    out: list[str] = []
    prev = ""
    for seg in rest.split("?", 1)[0].split("/"):
        if not seg:
            continue
        is_id = not _VERSION.match(seg) and (any(ch.isdigit() for ch in seg) or (prev in _ID_AFTER and seg != "search"))
        out.append("{id}" if is_id else seg)
        prev = seg
    return "/".join(out)


class Sandbox:
    """Holds the world, the fault settings and per-source counters; serves until stopped.

    ``counts`` (requests per source) drive the fault schedule and restart when faults are set;
    ``stats()`` (also ``GET /_sandbox/stats``) counts every answered request per source, endpoint and
    status from the sandbox's start, whatever the faults, for benchmarks that measure what a run asked.
    """

    def __init__(self, world: Any, host: str = "127.0.0.1", port: int = 0,
                 faults: dict[str, Faults] | None = None):
        self.world = world
        self.faults: dict[str, Faults] = faults or {}
        self.counts: dict[str, int] = {s: 0 for s in SOURCES}
        self.requests_log = RequestLog()  # (source, method, path?query) for tests
        self.served: Counter[tuple[str, str, int]] = Counter()  # (source, endpoint, status) -> requests
        self._lock = threading.Lock()
        self.httpd = ThreadingHTTPServer((host, port), _handler_for(self))
        self.httpd.daemon_threads = True
        self.host: str = str(self.httpd.server_address[0])
        self.port: int = int(self.httpd.server_address[1])
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host!s}:{self.port}"

    def start(self) -> Sandbox:
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="sandbox", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> Sandbox:  # noqa: PYI034
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def connections(self) -> dict[str, dict[str, Any]]:
        """Airflow connections (JSON form) pointing every source at this sandbox."""
        from sandbox import credentials

        return credentials.connections(self.url)

    def stats(self, reset: bool = False) -> dict[str, Any]:
        """Requests answered since the start (or the last reset): ``requests`` per source (every source
        listed, 0 when none), ``by_status`` per source (``{"200": n, "304": n, ...}``) and
        ``by_endpoint`` per source (``{"users/{id}": n, ...}``, see ``endpoint``)."""
        with self._lock:
            served = Counter(self.served)
            if reset:
                self.served.clear()
        out: dict[str, Any] = {"requests": {s: 0 for s in SOURCES}, "by_status": {}, "by_endpoint": {}}
        for (source, path, status), n in sorted(served.items()):
            out["requests"][source] = out["requests"].get(source, 0) + n
            by_status = out["by_status"].setdefault(source, {})
            by_status[str(status)] = by_status.get(str(status), 0) + n
            by_endpoint = out["by_endpoint"].setdefault(source, {})
            by_endpoint[path] = by_endpoint.get(path, 0) + n
        return out

    def _fault_for(self, source: str) -> SandboxResponse | None:
        with self._lock:
            self.counts[source] = n = self.counts.get(source, 0) + 1
        f = self.faults.get(source) or self.faults.get("*")
        if not f:
            return None
        if f.slow_ms:
            time.sleep(f.slow_ms / 1000)
        if f.rate_limit_every and n % f.rate_limit_every == 0:
            headers = {"Retry-After": str(f.retry_after)} if f.retry_after is not None else {}
            return json_response({"error": "Too Many Requests"}, 429, headers)
        if f.error_every and n % f.error_every == 0:
            return SandboxResponse(503, "<html><body>Service Unavailable</body></html>", {}, "text/html")
        return None


def _handler_for(sandbox: Sandbox) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out as two writes; with Nagle's algorithm on, the body of every keep-alive
        # answer waits for the client's delayed ACK (~40 ms), which made the sandbox, not the pipeline,
        # the bottleneck of every run (a 1k-candidate ingest spent most of its 227 s waiting on it).
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:  # silence the stderr access log
            return

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            segments = parts.path.split("/", 2)
            source = segments[1] if len(segments) > 1 else ""
            rest = "/" + (segments[2] if len(segments) > 2 else "")
            resp: SandboxResponse | None
            if source == "_sandbox":
                resp = self._control(rest, body)
            elif source not in SOURCES:
                resp = error(404, f"no such source {source!r}")
            else:
                with sandbox._lock:
                    sandbox.requests_log.append((source, self.command, rest + ("?" + parts.query if parts.query else "")))
                resp = sandbox._fault_for(source)
                if resp is None:
                    req = SandboxRequest(
                        self.command, rest, parse_qs(parts.query, keep_blank_values=True),
                        {k.lower(): v for k, v in self.headers.items()}, body,
                        f"{sandbox.url}/{source}", sandbox.world,
                    )
                    module = importlib.import_module(f"sandbox.apis.{source}")
                    try:
                        resp = module.handle(req)
                    except Exception as exc:  # noqa: BLE001 - a sandbox bug must show as a 500, not a hung client
                        resp = error(500, f"sandbox error: {type(exc).__name__}: {exc}")
            assert resp is not None
            if source in SOURCES:
                with sandbox._lock:
                    sandbox.served[(source, endpoint(rest), resp.status)] += 1
            data, ctype = resp.encoded()
            f = sandbox.faults.get(source) or sandbox.faults.get("*")
            if f and f.truncate_every and resp.status == 200 and sandbox.counts.get(source, 0) % f.truncate_every == 0:
                data = data[: len(data) // 2]
            self.send_response(resp.status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            for k, v in resp.headers.items():
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (a deadline, a test): fine
                    self.close_connection = True

        def _control(self, rest: str, body: bytes) -> SandboxResponse:
            if rest == "/faults" and self.command == "POST":
                spec = json.loads(body or b"{}")
                sandbox.faults = {src: Faults(**f) for src, f in spec.items()}
                sandbox.counts = {s: 0 for s in SOURCES}
                return json_response({src: asdict(f) for src, f in sandbox.faults.items()})
            if rest == "/health":
                return json_response({"ok": True, "counts": sandbox.counts})
            if rest == "/stats" and self.command == "GET":
                return json_response(sandbox.stats())
            return error(404, "unknown control path")

        do_GET = do_POST = do_HEAD = _serve

    return Handler


def serve(world_dir: Path, host: str = "127.0.0.1", port: int = 8765,
          faults: dict[str, Faults] | None = None) -> Sandbox:
    from sandbox.world import World

    return Sandbox(World.load(world_dir), host, port, faults).start()
