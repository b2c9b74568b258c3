"""GitHub conditional requests over real HTTP against the sandbox: an ETag on every profile, a 304 to a
matching If-None-Match that lands nothing and (with a token) costs no quota, a 200 with a new ETag once
the profile changed; the client counts requests and 304s for the run manifest."""

from __future__ import annotations

import hashlib
import json

import pytest
import requests

from connectors.github import GithubClient
from sandbox import credentials
from sandbox.server import Sandbox
from sandbox.world import World

WORLD = {"github": {
    "asilva": {"id": 1234, "login": "asilva", "name": "Ana Silva", "company": "@halcyon", "blog": "",
               "location": "Leeds", "email": None, "bio": None, "created_at": "2015-04-01T10:00:00Z",
               "updated_at": "2026-01-01T10:00:00Z", "public_repos": 12},
}}


@pytest.fixture()
def sandbox():
    with Sandbox(World(json.loads(json.dumps(WORLD)))) as sb:
        yield sb


def _client(sb, token=credentials.GITHUB_TOKEN, landed=None):
    return GithubClient(host=sb.connections()["github_default"]["host"], token=token, sleep=lambda s: None,
                        on_payload=(landed.append if landed is not None else None), seed=1)


def _used(sb, token=credentials.GITHUB_TOKEN) -> int:
    """Requests counted against the quota so far, not counting this probe (each probe costs one)."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    resp = requests.get(f"{sb.connections()['github_default']['host']}/users/nobody-here", headers=headers, timeout=10)
    return int(resp.headers["x-ratelimit-used"]) - 1  # this probe itself counted one


def test_the_etag_is_a_hash_of_the_body_served(sandbox):
    resp = requests.get(f"{sandbox.connections()['github_default']['host']}/users/asilva",
                        headers={"Authorization": f"Bearer {credentials.GITHUB_TOKEN}"}, timeout=10)
    assert resp.status_code == 200
    assert resp.headers["ETag"] == f'W/"{hashlib.sha256(resp.content).hexdigest()}"'


def test_a_304_keeps_the_quota_lands_nothing_and_is_counted(sandbox):
    landed: list = []
    client = _client(sandbox, landed=landed)
    first = client.fetch_user("asilva")
    assert first.body is not None and first.body["company"] == "@halcyon" and first.etag and not first.not_modified
    assert len(landed) == 1
    used = _used(sandbox)
    again = client.fetch_user("asilva", etag=first.etag)
    assert again.not_modified and again.body is None and again.etag == first.etag
    assert _used(sandbox) == used + 1  # only the first probe: an authenticated 304 costs no quota
    assert len(landed) == 1  # nothing new to land
    assert client.stats == {"requests": 2, "not_modified": 1, "quota_waits": 0, "retries": 0}


def test_a_changed_profile_answers_in_full_with_a_new_etag(sandbox):
    client = _client(sandbox)
    first = client.fetch_user("asilva")
    sandbox.world.data["github"]["asilva"]["company"] = "Kestrel Ltd"
    sandbox.world.invalidate()
    now = client.fetch_user("asilva", etag=first.etag)
    assert not now.not_modified and now.body["company"] == "Kestrel Ltd" and now.etag != first.etag
    assert client.stats["not_modified"] == 0


def test_without_a_token_a_304_still_counts_against_the_quota(sandbox):
    client = _client(sandbox, token=None)
    first = client.fetch_user("asilva")
    used = _used(sandbox, token=None)
    assert client.fetch_user("asilva", etag=first.etag).not_modified
    assert _used(sandbox, token=None) == used + 2  # the first probe and the 304


def test_an_unknown_login_is_none_whatever_the_etag(sandbox):
    answer = _client(sandbox).fetch_user("nobody-here", etag='W/"stale"')
    assert answer.body is None and not answer.not_modified
