"""GitHub connector: documented headers, optional token, 404 -> None, and waiting for the rate-limit
reset (403/429 with x-ratelimit-remaining: 0) instead of giving up."""

from __future__ import annotations

import json

import pytest

from connectors.github import GithubClient, InvalidLogin, normalise_login
from connectors.http import AuthError, MalformedResponse, SourceError
from sandbox import credentials
from sandbox.apis import github as github_api
from sandbox.server import Faults, Sandbox
from sandbox.world import World
from tests.connectors.recorded.replay import Answer, recorded, session_with

NOW = 1_760_000_000.0
WORLD = {"github": {
    "asilva": {"id": 1234, "login": "asilva", "name": "Ana Silva", "company": "@halcyon", "blog": "",
               "location": "Leeds", "email": None, "bio": None, "created_at": "2015-04-01T10:00:00Z",
               "updated_at": "2026-01-01T10:00:00Z", "public_repos": 12},
    "liwei": {"id": 99, "login": "LiWei", "name": "Li Wei", "company": None, "blog": "", "location": None,
              "email": None, "bio": None, "created_at": "2019-01-01T00:00:00Z",
              "updated_at": "2025-01-01T00:00:00Z", "public_repos": 0},
}}


def limits(remaining: int, reset: float = NOW + 600, limit: int = 60) -> dict[str, str]:
    return {"x-ratelimit-limit": str(limit), "x-ratelimit-remaining": str(remaining),
            "x-ratelimit-reset": str(int(reset)), "x-ratelimit-used": str(limit - remaining),
            "x-ratelimit-resource": "core"}


def replay_client(*answers: Answer, token: str | None = None, **kw):
    session, replay = session_with(*answers)
    sleeps: list[float] = []
    client = GithubClient(token=token, session=session, sleep=sleeps.append, clock=lambda: NOW, seed=1, **kw)
    return client, replay, sleeps


@pytest.fixture(scope="module")
def _server():
    with Sandbox(World(json.loads(json.dumps(WORLD)))) as sb:
        yield sb


@pytest.fixture()
def sandbox(_server):
    _server.faults = {}
    _server.counts = dict.fromkeys(_server.counts, 0)
    _server.world._sandbox_github_usage = {}
    return _server


def sandbox_client(sb: Sandbox, token: str | None = credentials.GITHUB_TOKEN, sleeps=None, **kw) -> GithubClient:
    return GithubClient(host=sb.connections()["github_default"]["host"], token=token,
                        sleep=(sleeps.append if sleeps is not None else lambda s: None), seed=1, **kw)


# --- logins -------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, login", [("asilva", "asilva"), ("@asilva", "asilva"),
                                          ("https://github.com/a-silva/", "a-silva"), ("A1", "A1")])
def test_logins_normalise(value, login):
    assert normalise_login(value) == login


@pytest.mark.parametrize("value", ["", "-asilva", "a--silva", "a/../../orgs/x", "a" * 40, "ana silva"])
def test_bad_logins_are_refused_before_any_call(value):
    client, replay, _ = replay_client()
    with pytest.raises(InvalidLogin):
        client.user(value)
    assert replay.requests == []


# --- recorded answers ---------------------------------------------------------------------------

def test_recorded_user_with_documented_headers_and_no_token():
    client, replay, _ = replay_client(Answer(200, recorded("github", "user-octocat.json"), limits(59)))
    user = client.user("octocat")
    assert user is not None and user["login"] == "octocat" and user["company"] == "@github"
    req = replay.requests[0]
    assert req.url == "https://api.github.com/users/octocat"
    assert req.headers["Accept"] == "application/vnd.github+json"
    assert req.headers["X-GitHub-Api-Version"] == "2022-11-28"
    assert "Authorization" not in req.headers
    assert (client.rate.window.calls, client.rate.window.period) == (60, 3600.0)


def test_token_is_sent_as_bearer_and_raises_the_quota():
    client, replay, _ = replay_client(Answer(200, recorded("github", "user-octocat.json"), limits(4999)),
                                      token="ghp_example")
    client.user("octocat")
    assert replay.requests[0].headers["Authorization"] == "Bearer ghp_example"
    assert (client.rate.window.calls, client.rate.window.period) == (5000, 3600.0)
    assert "ghp_example" not in repr(client.auth)


def test_unknown_login_is_none():
    client, _, _ = replay_client(Answer(404, recorded("github", "not-found.json"), limits(58)))
    assert client.user("nobody-here") is None


def test_bad_credentials_is_a_clear_auth_error():
    client, replay, _ = replay_client(Answer(401, recorded("github", "bad-credentials.json")), token="wrong")
    with pytest.raises(AuthError, match="github: HTTP 401: check the connection's credentials"):
        client.user("octocat")
    assert len(replay.requests) == 1


def test_forbidden_that_is_not_a_rate_limit_is_not_retried():
    client, replay, sleeps = replay_client(Answer(403, {"message": "Resource not accessible"}, limits(40)))
    with pytest.raises(AuthError):
        client.user("octocat")
    assert len(replay.requests) == 1 and sleeps == []


def test_403_rate_limit_waits_until_reset_then_succeeds():
    client, replay, sleeps = replay_client(
        Answer(403, recorded("github", "rate-limited.json"), limits(0, reset=NOW + 120)),
        Answer(200, recorded("github", "user-octocat.json"), limits(59, reset=NOW + 3600)))
    assert client.user("octocat")["id"] == 1
    assert sleeps == [121.0]  # until the reset, plus one second
    assert len(replay.requests) == 2


def test_429_rate_limit_without_retry_after_waits_until_reset():
    client, replay, sleeps = replay_client(
        Answer(429, recorded("github", "rate-limited.json"), limits(0, reset=NOW + 300)),
        Answer(200, recorded("github", "user-octocat.json"), limits(59)))
    assert client.user("octocat") is not None
    assert 301.0 in sleeps  # the reset wait, after the core's short backoff
    assert len(replay.requests) == 2


def test_secondary_rate_limit_honours_retry_after():
    client, _, sleeps = replay_client(
        Answer(403, {"message": "You have exceeded a secondary rate limit."}, {**limits(30), "retry-after": "45"}),
        Answer(200, recorded("github", "user-octocat.json"), limits(29)))
    assert client.user("octocat") is not None
    assert sleeps == [46.0]


def test_spent_quota_seen_on_a_success_delays_the_next_request():
    client, _, sleeps = replay_client(
        Answer(200, recorded("github", "user-octocat.json"), limits(0, reset=NOW + 30)),
        Answer(200, recorded("github", "user-octocat.json"), limits(59, reset=NOW + 3600)))
    client.user("octocat")
    assert sleeps == []
    client.user("octocat")
    assert sleeps == [31.0]


def test_reset_too_far_away_fails_visibly():
    client, replay, _ = replay_client(
        Answer(403, recorded("github", "rate-limited.json"), limits(0, reset=NOW + 7200)), max_reset_wait=600)
    with pytest.raises(SourceError, match="rate limit spent; it resets in 7200s"):
        client.user("octocat")
    assert len(replay.requests) == 1


def test_malformed_user_answer():
    client, _, _ = replay_client(Answer(200, b'{"login": "octo', limits(59)))
    with pytest.raises(MalformedResponse):
        client.user("octocat")
    client, _, _ = replay_client(Answer(200, ["not", "a", "user"], limits(59)))
    with pytest.raises(MalformedResponse, match="no 'login'"):
        client.user("octocat")


# --- the sandbox --------------------------------------------------------------------------------

def test_sandbox_user_with_token(sandbox):
    user = sandbox_client(sandbox).user("asilva")
    assert user["company"] == "@halcyon" and user["html_url"] == "https://github.com/asilva"
    assert user["created_at"] == "2015-04-01T10:00:00Z" and user["public_repos"] == 12


def test_sandbox_logins_are_case_insensitive_and_unknown_is_none(sandbox):
    client = sandbox_client(sandbox, token=None)
    assert client.user("LIWEI")["id"] == 99
    assert client.user("ghost-user") is None


def test_sandbox_wrong_token_is_401(sandbox):
    with pytest.raises(AuthError) as exc:
        sandbox_client(sandbox, token="not-the-token").user("asilva")
    assert exc.value.status == 401 and "not-the-token" not in str(exc.value)


def test_sandbox_spent_quota_is_waited_for(sandbox, monkeypatch):
    monkeypatch.setitem(github_api.LIMITS, "anonymous", 2)
    sleeps: list[float] = []
    client = sandbox_client(sandbox, token=None, sleeps=sleeps)
    client.user("asilva")
    client.user("asilva")
    # the quota is spent: each retry waits for the reset (a no-op sleep here, so the window never turns)
    with pytest.raises(SourceError, match="still rate limited after 3 waits"):
        client.user("asilva")
    assert len(sleeps) >= 2 and all(0 < s <= 3601 for s in sleeps)


def test_sandbox_5xx_then_success(sandbox):
    sandbox.faults = {"github": Faults(error_every=2)}
    sleeps: list[float] = []
    client = sandbox_client(sandbox, sleeps=sleeps)
    assert client.user("asilva") is not None
    assert client.user("liwei") is not None  # 503 first, then the retry succeeds
    assert client.requests_made == 3 and len(sleeps) == 1
