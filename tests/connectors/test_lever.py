"""Lever v1 connector: Basic auth with the key, offset tokens, updated_at filters, faults, recorded answers."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, urlsplit

import pytest

from connectors.http import AuthError, MalformedResponse, NotFound
from connectors.lever import LEVER_HOST, RATE_LIMIT, LeverClient
from sandbox import credentials
from sandbox.server import Faults, Sandbox
from sandbox.world import World
from tests.connectors.ats_world import candidate, lever_client, log_of, world
from tests.connectors.recorded.replay import Answer, recorded, session_with

N = 7  # with limit=2: four pages


@pytest.fixture(scope="module")
def sandbox():
    w = World(world([candidate("lever", i, consent=i % 3 != 0) for i in range(N)]))
    with Sandbox(w) as sb:
        yield sb


@pytest.fixture(autouse=True)
def _reset(sandbox):
    sandbox.faults = {}
    sandbox.requests_log.clear()


def _ms(iso: str) -> int:
    from datetime import datetime

    return int(datetime.fromisoformat(iso).timestamp() * 1000)


def test_offset_tokens_page_through_and_repeat_the_filters(sandbox):
    client = lever_client(sandbox, page_size=2)
    since = _ms("2025-01-01T00:00:00+00:00")
    opps = list(client.opportunities(updated_since_ms=since))
    assert len(opps) == N and len({o["id"] for o in opps}) == N
    gets = [urlsplit(p) for _, p in log_of(sandbox, "lever")]
    assert len(gets) == 4 and all(g.path == "/v1/opportunities" for g in gets)
    assert "offset" not in parse_qs(gets[0].query)
    for g in gets[1:]:
        q = parse_qs(g.query)
        assert q["offset"] and q["updated_at_start"] == [str(since)] and q["limit"] == ["2"]
        assert q["expand"] == ["applications"]
    assert isinstance(opps[0]["applications"][0], dict)  # expanded


def test_updated_at_window_in_epoch_ms(sandbox):
    client = lever_client(sandbox)
    got = list(client.opportunities(updated_since_ms=_ms("2025-03-01T00:00:00+00:00"),
                                    updated_until_ms=_ms("2025-05-02T10:00:00+00:00")))
    assert sorted(o["updatedAt"] for o in got) == [_ms(f"2025-0{m}-02T10:00:00+00:00") for m in (3, 4)]


def test_resumes_files_and_download(sandbox):
    landed = []
    client = lever_client(sandbox, on_payload=landed.append)
    opp = f"10000000-0000-4000-8000-{1:012d}"
    resume = next(iter(client.resumes(opp)))
    positions = resume["parsedData"]["positions"]
    assert positions[0]["start"] == {"year": 2019, "month": 3} and "end" not in positions[0]
    assert positions[1]["start"] == {"year": 2016}  # year-only stays year-only
    files = list(client.files(opp))
    assert [f["name"] for f in files] == ["Positions.csv"]
    data = client.download(opp, files[0]["id"])
    assert data.startswith(b"Company Name,Title,") and landed[-1].body == data
    with pytest.raises(NotFound):
        client.download(opp, "no-such-file")


def test_basic_auth_sends_the_key_as_username(sandbox):
    client = lever_client(sandbox)
    headers: dict[str, str] = {}
    assert client.auth is not None
    client.auth.apply(headers, {})
    assert base64.b64decode(headers["Authorization"].split()[1]) == f"{credentials.LEVER_API_KEY}:".encode()


def test_wrong_key_is_a_clear_auth_error_without_the_key(sandbox):
    client = lever_client(sandbox, key="wrong-key-123")
    with pytest.raises(AuthError) as err:
        list(client.opportunities())
    assert err.value.status == 401 and str(err.value).startswith("lever:")
    assert "wrong-key-123" not in str(err.value)
    assert len(log_of(sandbox, "lever")) == 1  # nothing to refresh: no second try


def test_429_with_retry_after(sandbox):
    sandbox.faults = {"lever": Faults(rate_limit_every=2, retry_after=3)}
    sleeps: list[float] = []
    client = lever_client(sandbox, page_size=2, sleep=sleeps.append)
    assert len(list(client.opportunities())) == N
    assert sleeps == [3.0] * len(sleeps) and len(sleeps) >= 2


def test_429_without_retry_after(sandbox):
    sandbox.faults = {"lever": Faults(rate_limit_every=2)}
    sleeps: list[float] = []
    client = lever_client(sandbox, page_size=2, sleep=sleeps.append, seed=1)
    assert len(list(client.opportunities())) == N
    assert len(sleeps) >= 2 and all(0 <= s <= client.retry.base for s in sleeps)


def test_5xx_then_success(sandbox):
    sandbox.faults = {"lever": Faults(error_every=2)}
    sleeps: list[float] = []
    client = lever_client(sandbox, page_size=2, sleep=sleeps.append)
    assert len(list(client.opportunities())) == N and len(sleeps) >= 2


def test_truncated_body_names_the_source_not_the_body(sandbox):
    sandbox.faults = {"lever": Faults(truncate_every=2)}
    client = lever_client(sandbox, page_size=2)
    with pytest.raises(MalformedResponse) as err:
        list(client.opportunities())
    assert str(err.value).startswith("lever:") and "/v1/opportunities" in str(err.value)
    assert "Silva" not in str(err.value)


def test_defaults_are_the_public_host_and_documented_limit():
    client = LeverClient(None, "key")
    assert client.base_url == LEVER_HOST + "/"
    assert client.limiter is not None and (client.limiter.calls, client.limiter.period) == RATE_LIMIT


# ---- recorded answers ----------------------------------------------------------------------------

def test_recorded_pages_follow_next_tokens():
    session, replay = session_with(*(Answer(200, recorded("lever", f"opportunities_page{i}.json")) for i in (1, 2, 3)))
    client = LeverClient(None, "key", session=session, rate_limit=None, page_size=2)
    got = list(client.opportunities(updated_since_ms=1763596800000))
    assert [o["id"] for o in got] == ["o-1", "o-2", "o-3", "o-4", "o-5"]
    q2, q3 = (parse_qs(urlsplit(r.url).query) for r in replay.requests[1:])
    assert q2["offset"] == ["0.1763629200000.o-2"] and q3["offset"] == ["0.1700000000000.o-4"]
    assert q2["updated_at_start"] == ["1763596800000"]
    assert all(urlsplit(r.url).path == "/v1/opportunities" for r in replay.requests)


def test_recorded_401_body():
    session, _ = session_with(Answer(401, recorded("lever", "error_401.json")))
    client = LeverClient(None, "key", session=session, rate_limit=None)
    with pytest.raises(AuthError, match="lever: HTTP 401"):
        list(client.postings())


@pytest.mark.parametrize("body", [b'{"data": [{"id": "o-1", "na', b'{"data": {"id": "o-1"}}', b"[]"])
def test_recorded_malformed_pages(body):
    session, _ = session_with(Answer(200, body))
    client = LeverClient(None, "key", session=session, rate_limit=None)
    with pytest.raises(MalformedResponse, match="^lever:"):
        list(client.opportunities())
