"""Greenhouse Harvest v3 connector: OAuth client credentials, Link-header cursors, faults, recorded answers."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from connectors.greenhouse import RATE_LIMIT, TOKEN_URL, GreenhouseClient, updated_range
from connectors.http import AuthError, MalformedResponse, SourceError
from sandbox import credentials
from sandbox.apis import greenhouse as gh_api
from sandbox.server import Faults, Sandbox
from sandbox.world import World
from tests.connectors.ats_world import candidate, greenhouse_client, log_of, world
from tests.connectors.recorded.replay import Answer, recorded, session_with

N = 7  # with per_page=2: four pages


@pytest.fixture(scope="module")
def sandbox():
    w = World(world([candidate("greenhouse", i, consent=i % 3 != 0) for i in range(N)]))
    with Sandbox(w) as sb:
        yield sb


@pytest.fixture(autouse=True)
def _reset(sandbox):
    sandbox.faults = {}
    sandbox.requests_log.clear()
    sandbox.world.data.pop("_sandbox", None)


def test_pages_follow_the_link_header_with_the_cursor_as_the_only_parameter(sandbox):
    client = greenhouse_client(sandbox, per_page=2)
    ids = [c["id"] for c in client.candidates(updated_after="2025-01-01T00:00:00Z")]
    assert ids == sorted(4829100 + i for i in range(N))
    gets = [p for m, p in log_of(sandbox, "greenhouse") if m == "GET"]
    assert len(gets) == 4  # >= 3 pages
    first = parse_qs(urlsplit(gets[0]).query)
    assert first == {"per_page": ["2"], "updated_at": ["gte|2025-01-01T00:00:00Z"]}
    for follow_up in gets[1:]:
        assert set(parse_qs(urlsplit(follow_up).query)) == {"cursor"}


def test_sandbox_refuses_a_cursor_mixed_with_other_parameters(sandbox):
    client = greenhouse_client(sandbox)
    headers: dict[str, str] = {}
    client.oauth.apply(headers, {})
    resp = client.session.get(f"{sandbox.url}/greenhouse/v3/candidates", params={"cursor": "abc", "per_page": 2},
                              headers=headers)
    assert resp.status_code == 422


def test_updated_at_filter_reads_only_the_window(sandbox):
    client = greenhouse_client(sandbox)
    got = list(client.candidates(updated_after="2025-03-01T00:00:00Z", updated_before="2025-05-31T00:00:00Z"))
    assert sorted(c["updated_at"][:7] for c in got) == ["2025-03", "2025-04", "2025-05"]
    assert updated_range(None, None) is None
    assert updated_range("a", "b") == "gte|a|lte|b"


def test_token_is_fetched_once_then_reused(sandbox):
    client = greenhouse_client(sandbox, per_page=2)
    list(client.candidates())
    list(client.jobs())
    assert client.oauth.tokens_fetched == 1
    assert [p for m, p in log_of(sandbox, "greenhouse") if m == "POST"] == ["/auth/token"]


def test_token_is_renewed_before_it_expires(sandbox):
    now = [1_000_000.0]
    sandbox.world.data["_sandbox"] = {"greenhouse_token_ttl": 3600}
    client = greenhouse_client(sandbox, clock=lambda: now[0])
    list(client.jobs())
    client.oauth._expires_at = now[0] + 3600  # the fake clock's view of "one hour from now"
    now[0] += 3590  # within the one-minute safety margin
    list(client.jobs())
    methods = [m for m, _ in log_of(sandbox, "greenhouse")]
    assert methods == ["POST", "GET", "POST", "GET"]  # renewed up front, never a 401 round trip
    assert client.oauth.tokens_fetched == 2


def test_revoked_token_answers_401_and_is_refreshed_once(sandbox):
    client = greenhouse_client(sandbox)
    list(client.jobs())
    gh_api.expire_tokens()
    jobs = list(client.jobs())
    assert [j["id"] for j in jobs] == [4001]
    assert [m for m, _ in log_of(sandbox, "greenhouse")] == ["POST", "GET", "GET", "POST", "GET"]
    assert client.oauth.tokens_fetched == 2


def test_short_token_lifetime_set_in_the_world_expires_on_the_server(sandbox):
    sandbox.world.data["_sandbox"] = {"greenhouse_token_ttl": -1}  # already expired when issued
    client = greenhouse_client(sandbox)
    with pytest.raises(AuthError) as err:
        list(client.jobs())
    assert err.value.status == 401  # refreshed once, still refused: a visible failure, not a loop
    assert [m for m, _ in log_of(sandbox, "greenhouse")].count("GET") == 2


def test_wrong_secret_is_a_clear_auth_error_without_the_secret(sandbox):
    client = greenhouse_client(sandbox, secret="not-the-secret")
    with pytest.raises(AuthError) as err:
        list(client.candidates())
    msg = str(err.value)
    assert err.value.status == 401 and "greenhouse" in msg and "client credentials" in msg
    assert "not-the-secret" not in msg and credentials.GREENHOUSE_CLIENT_ID not in msg


def test_429_with_retry_after_waits_what_the_server_asked(sandbox):
    sandbox.faults = {"greenhouse": Faults(rate_limit_every=2, retry_after=7)}
    sleeps: list[float] = []
    client = greenhouse_client(sandbox, per_page=2, sleep=sleeps.append)
    assert len(list(client.candidates())) == N
    assert sleeps and all(s == 7.0 for s in sleeps)


def test_429_without_retry_after_backs_off_exponentially(sandbox):
    sandbox.faults = {"greenhouse": Faults(rate_limit_every=2)}
    sleeps: list[float] = []
    client = greenhouse_client(sandbox, per_page=2, sleep=sleeps.append, seed=3)
    assert len(list(client.candidates())) == N
    assert sleeps and all(0 <= s <= client.retry.base for s in sleeps)  # first retry: uniform(0, base)


def test_5xx_then_success(sandbox):
    sandbox.faults = {"greenhouse": Faults(error_every=3)}
    sleeps: list[float] = []
    client = greenhouse_client(sandbox, per_page=2, sleep=sleeps.append)
    assert len(list(client.candidates())) == N
    assert len(sleeps) >= 1


def test_persistent_5xx_gives_up_visibly(sandbox):
    sandbox.faults = {"greenhouse": Faults(error_every=1)}
    client = greenhouse_client(sandbox)
    with pytest.raises(SourceError, match="greenhouse: gave up after"):
        list(client.jobs())


def test_truncated_body_is_malformed_and_names_the_source_not_the_body(sandbox):
    sandbox.faults = {"greenhouse": Faults(truncate_every=3)}  # token, page 1, page 2 cut in half
    client = greenhouse_client(sandbox, per_page=2)
    with pytest.raises(MalformedResponse) as err:
        list(client.candidates())
    msg = str(err.value)
    assert msg.startswith("greenhouse:") and "/v3/candidates" in msg
    assert "Silva" not in msg and "example.net" not in msg


def test_download_of_an_attachment_is_landed_without_the_bearer_token(sandbox):
    landed = []
    client = greenhouse_client(sandbox, on_payload=landed.append)
    att = next(iter(client.attachments(candidate_ids=["4829101"])))
    data = client.download(att["url"])
    assert data.startswith(b"Company Name,Title,")
    assert landed[-1].body == data and landed[-1].url.endswith("/Positions.csv")
    assert att["url"].startswith(sandbox.url)  # absolute, as Greenhouse serves them


def test_rate_limit_defaults_to_the_documented_limit():
    client = GreenhouseClient(None, "id", "secret")
    assert client.limiter is not None and (client.limiter.calls, client.limiter.period) == RATE_LIMIT
    assert client.base_url == "https://harvest.greenhouse.io/" and client.oauth.token_url == TOKEN_URL
    assert GreenhouseClient("https://harvest.greenhouse.io/v3/", "i", "s").base_url == "https://harvest.greenhouse.io/"


# ---- recorded answers ----------------------------------------------------------------------------

def _page(name: str, next_cursor: str | None = None) -> Answer:
    headers = {"Link": f'<https://harvest.greenhouse.io/v3/candidates?cursor={next_cursor}>; rel="next"'} \
        if next_cursor else {}
    return Answer(200, recorded("greenhouse", name), headers)


def test_recorded_pages_token_and_cursor_urls():
    session, replay = session_with(
        Answer(200, recorded("greenhouse", "token.json")),
        _page("candidates_page1.json", "Y3Vyc29yLTI"), _page("candidates_page2.json", "Y3Vyc29yLTM"),
        _page("candidates_page3.json"))
    client = GreenhouseClient(None, "client-id", "client-secret", session=session, rate_limit=None)
    got = list(client.candidates(updated_after="2026-11-20T00:00:00Z"))
    assert [c["id"] for c in got] == [90001, 90002, 90003, 90004, 90005]
    token_req, *pages = replay.requests
    assert token_req.method == "POST" and token_req.url == TOKEN_URL
    assert token_req.headers["Authorization"].startswith("Basic ") and token_req.body == "grant_type=client_credentials"
    assert pages[1].url == "https://harvest.greenhouse.io/v3/candidates?cursor=Y3Vyc29yLTI"
    assert pages[2].url == "https://harvest.greenhouse.io/v3/candidates?cursor=Y3Vyc29yLTM"
    assert all(p.headers["Authorization"] == "Bearer eyJhbGciOiJSUzI1NiJ9.recorded.token" for p in pages)


def test_recorded_invalid_client_on_the_token_endpoint():
    session, _ = session_with(Answer(401, recorded("greenhouse", "token_invalid_client.json")))
    client = GreenhouseClient(None, "client-id", "wrong", session=session, rate_limit=None)
    with pytest.raises(AuthError, match="rejected the client credentials"):
        list(client.jobs())


@pytest.mark.parametrize("answer", [
    Answer(200, b'[{"id": 1, "first_name": "An', {}, "application/json"),  # truncated
    Answer(200, b"<html><body>Service Unavailable</body></html>", {}, "text/html"),  # an HTML page
    Answer(200, json.dumps({"error": "not a list"}).encode()),  # valid JSON, wrong shape
])
def test_malformed_pages_raise_malformed_response(answer):
    session, _ = session_with(Answer(200, recorded("greenhouse", "token.json")), answer)
    client = GreenhouseClient(None, "client-id", "client-secret", session=session, rate_limit=None)
    with pytest.raises(MalformedResponse) as err:
        list(client.candidates())
    assert str(err.value).startswith("greenhouse:") and "first_name" not in str(err.value)
