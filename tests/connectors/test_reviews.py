"""Review feed connector: the request shape of docs/CONTRACT.md, ``next`` paging with loop and origin checks, the key only
ever in a header, and the HTTP core's behaviour on 401, 429, 5xx, malformed and truncated bodies."""

from __future__ import annotations

import json
import logging

import pytest

from connectors.http import AuthError, MalformedResponse, SourceError
from connectors.reviews import ReviewsClient
from sandbox import credentials
from sandbox.apis import reviews as reviews_api
from sandbox.server import Faults, Sandbox
from sandbox.world import World
from tests.connectors.recorded.replay import Answer, recorded, session_with

KEY = credentials.REVIEWS_API_KEY
VENDOR = "https://reviews.example.com/v1"
N_OURS = 2 * reviews_api.PAGE_SIZE + 5  # three pages


def _review(i: int, employer: str, day: str) -> dict:
    return {"review_id": f"r{i}", "employer": employer, "date": day, "rating": 1 + i % 5, "title": f"t{i}",
            "pros": "p", "cons": "c", "advice_to_management": None, "job_title": "Engineer",
            "location": "Leeds", "employment_status": "former" if i % 3 else "current"}


WORLD = {"reviews": (
    [_review(i, "Example Robotics Ltd", f"2026-{1 + i % 10:02d}-{1 + i % 27:02d}") for i in range(N_OURS)]
    + [_review(100, "EXAMPLE ROBOTICS LIMITED", "2026-05-05"),  # same company, another spelling
       _review(101, "Example Robotics Ltd", "2024-12-31"),  # before since
       _review(102, "Rival Dynamics", "2026-03-03")]
)}


@pytest.fixture(scope="module")
def _server():
    with Sandbox(World(json.loads(json.dumps(WORLD)))) as sb:
        yield sb


@pytest.fixture()
def sandbox(_server):
    _server.faults = {}
    _server.counts = dict.fromkeys(_server.counts, 0)
    _server.requests_log.clear()
    return _server


def sandbox_client(sb: Sandbox, key: str = KEY, sleeps=None, **kw) -> ReviewsClient:
    return ReviewsClient(sb.connections()["reviews_default"]["host"], key,
                         sleep=(sleeps.append if sleeps is not None else lambda s: None), seed=1, **kw)


def recorded_pages() -> list[Answer]:
    return [Answer(200, recorded("reviews", f"page-{n}.json")) for n in (1, 2, 3)]


# --- the sandbox --------------------------------------------------------------------------------

def test_pages_are_followed_to_the_end(sandbox):
    client = sandbox_client(sandbox)
    got = list(client.reviews("Example Robotics Ltd", "2025-01-01"))
    ids = {r["review_id"] for r in got}
    assert len(got) == N_OURS + 1 == len(ids)
    assert "r100" in ids and "r101" not in ids and "r102" not in ids
    assert client.requests_made == 3
    paths = [p for s, _, p in sandbox.requests_log if s == "reviews"]
    assert paths[0].startswith("/reviews?employer=Example+Robotics+Ltd&since=2025-01-01")
    assert "page=2" in paths[1] and "page=3" in paths[2]


def test_employer_matches_by_normalised_name(sandbox):
    got = list(sandbox_client(sandbox).reviews("example robotics", "2026-05-05"))
    assert got and all(r["date"] >= "2026-05-05" for r in got)
    assert {r["employer"] for r in got} == {"Example Robotics Ltd", "EXAMPLE ROBOTICS LIMITED"}
    assert list(sandbox_client(sandbox).reviews("Nobody Ltd", "2020-01-01")) == []


def test_key_only_in_the_header_never_in_urls_logs_or_landing(sandbox, caplog):
    sandbox.faults = {"reviews": Faults(error_every=2)}  # retries log a warning with the endpoint
    landed = []
    caplog.set_level(logging.DEBUG)
    list(sandbox_client(sandbox, on_payload=landed.append).reviews("Example Robotics Ltd", "2025-01-01"))
    assert len(landed) == 3
    assert all(KEY not in p.url and KEY.encode() not in p.body for p in landed)
    assert all(KEY not in path for _, _, path in sandbox.requests_log)
    assert "retrying" in caplog.text and KEY not in caplog.text


def test_missing_or_wrong_key_is_a_clear_401(sandbox):
    with pytest.raises(AuthError, match=r"reviews: HTTP 401: check the connection's credentials") as exc:
        list(sandbox_client(sandbox, key="wrong-key").reviews("Example Robotics Ltd", "2025-01-01"))
    assert "wrong-key" not in str(exc.value)
    with pytest.raises(ValueError, match="API key"):
        ReviewsClient(sandbox.url + "/reviews", "")


def test_429_without_retry_after_backs_off_and_recovers(sandbox):
    sandbox.faults = {"reviews": Faults(rate_limit_every=2)}
    sleeps: list[float] = []
    got = list(sandbox_client(sandbox, sleeps=sleeps).reviews("Example Robotics Ltd", "2025-01-01"))
    assert len(got) == N_OURS + 1
    assert len(sleeps) >= 1 and all(0 <= s <= 0.5 for s in sleeps)  # first-attempt backoff, full jitter


def test_429_with_retry_after(sandbox):
    sandbox.faults = {"reviews": Faults(rate_limit_every=2, retry_after=3)}
    sleeps: list[float] = []
    list(sandbox_client(sandbox, sleeps=sleeps).reviews("Example Robotics Ltd", "2025-01-01"))
    assert sleeps.count(3.0) >= 1


def test_truncated_page_is_malformed(sandbox):
    sandbox.faults = {"reviews": Faults(truncate_every=2)}
    it = sandbox_client(sandbox).reviews("Example Robotics Ltd", "2025-01-01")
    first = [next(it) for _ in range(reviews_api.PAGE_SIZE)]
    assert len(first) == reviews_api.PAGE_SIZE
    with pytest.raises(MalformedResponse, match="truncated or corrupt"):
        next(it)


def test_since_must_be_a_day(sandbox):
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        list(sandbox_client(sandbox).reviews("Example Robotics Ltd", "2025-1-1"))
    with pytest.raises(ValueError):
        list(sandbox_client(sandbox).reviews("Example Robotics Ltd", "2025-02-30"))
    assert sandbox.requests_log == []


# --- recorded answers ---------------------------------------------------------------------------

def test_recorded_pages_request_shape_and_paging():
    session, replay = session_with(*recorded_pages())
    client = ReviewsClient(VENDOR, "vendor-key-123", session=session, sleep=lambda s: None)
    got = list(client.reviews("Example Robotics Ltd", "2025-01-01"))
    assert [r["review_id"] for r in got] == ["rv-0001", "rv-0002", "rv-0003", "rv-0004", "rv-0005"]
    first = replay.requests[0]
    assert first.url == f"{VENDOR}/reviews?employer=Example+Robotics+Ltd&since=2025-01-01"
    assert all(r.headers["Authorization"] == "Bearer vendor-key-123" for r in replay.requests)
    assert replay.requests[2].url.endswith("cursor=eyJwIjozfQ")
    assert all("vendor-key-123" not in r.url for r in replay.requests)


def test_a_next_link_back_to_a_seen_page_is_a_loop():
    page = {"reviews": [], "next": f"{VENDOR}/reviews?employer=X&since=2025-01-01&cursor=a"}
    session, _ = session_with(Answer(200, {"reviews": [], "next": page["next"]}), Answer(200, page))
    client = ReviewsClient(VENDOR, "k", session=session, sleep=lambda s: None)
    with pytest.raises(SourceError, match="pagination loop"):
        list(client.reviews("X", "2025-01-01"))


def test_a_next_link_to_another_host_is_refused():
    session, replay = session_with(Answer(200, {"reviews": [], "next": "https://evil.example.net/reviews?p=2"}))
    client = ReviewsClient(VENDOR, "k", session=session, sleep=lambda s: None)
    with pytest.raises(SourceError, match="another host"):
        list(client.reviews("X", "2025-01-01"))
    assert len(replay.requests) == 1


def test_a_key_echoed_into_next_is_redacted_when_landed():
    nxt = f"{VENDOR}/reviews?employer=X&since=2025-01-01&page=2&api_key=vendor-key-123"
    session, _ = session_with(Answer(200, {"reviews": [], "next": nxt}), Answer(200, {"reviews": [], "next": None}))
    landed = []
    client = ReviewsClient(VENDOR, "vendor-key-123", session=session, sleep=lambda s: None, on_payload=landed.append)
    list(client.reviews("X", "2025-01-01"))
    assert len(landed) == 2 and "api_key=***" in landed[1].url
    assert all("vendor-key-123" not in p.url for p in landed)


def test_recorded_401():
    session, _ = session_with(Answer(401, recorded("reviews", "unauthorized.json")))
    with pytest.raises(AuthError) as exc:
        list(ReviewsClient(VENDOR, "k", session=session, sleep=lambda s: None).reviews("X", "2025-01-01"))
    assert exc.value.status == 401


@pytest.mark.parametrize("answer, match", [
    (Answer(200, b'{"reviews": [{"review_id": "r1", "rating": 4'), "not valid JSON"),
    (Answer(200, b"<html>Bad gateway</html>", content_type="text/html"), "expected JSON"),
    (Answer(200, {"items": []}), "expected a list at reviews"),
    (Answer(200, {"reviews": [], "next": 42}), "neither a URL nor null"),
])
def test_malformed_pages(answer, match):
    session, _ = session_with(answer)
    with pytest.raises(MalformedResponse, match=match):
        list(ReviewsClient(VENDOR, "k", session=session, sleep=lambda s: None).reviews("X", "2025-01-01"))


def test_5xx_then_success_recorded():
    session, replay = session_with(Answer(502, b"<html>bad gateway</html>", content_type="text/html"),
                                   *recorded_pages())
    sleeps: list[float] = []
    client = ReviewsClient(VENDOR, "k", session=session, sleep=sleeps.append, seed=3)
    assert len(list(client.reviews("Example Robotics Ltd", "2025-01-01"))) == 5
    assert len(replay.requests) == 4 and len(sleeps) == 1


def test_rate_limit_setting():
    client = ReviewsClient(VENDOR, "k", sleep=lambda s: None)
    assert client.limiter is not None and (client.limiter.calls, client.limiter.period) == (10, 1.0)
