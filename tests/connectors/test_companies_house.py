"""Companies House connector: recorded responses in the API's format, and the sandbox for faults."""

from __future__ import annotations

import base64
import json

import pytest

from connectors.companies_house import CompaniesHouseClient
from connectors.http import AuthError, MalformedResponse, NotFound, RetryPolicy, SourceError
from sandbox import credentials
from sandbox.server import Faults, Sandbox
from sandbox.world import World
from tests.connectors.registry_replay import Replay, Reply, recorded

KEY = credentials.COMPANIES_HOUSE_API_KEY


def _company(number: str, name: str, **kw: object) -> dict:
    return {"company_number": number, "company_name": name, "company_status": "active", "type": "ltd",
            "date_of_creation": "2010-01-04", "date_of_cessation": None, "sic_codes": ["62012"],
            "previous_company_names": [], "registered_office_address": {"locality": "Leeds"}, "officers": [], **kw}


WORLD = {
    "generated_for_day": "2026-11-21",
    "companies_house": [
        _company("01234567", "EXAMPLE ROBOTICS LTD", sic_codes=["26110", "28990"],
                 officers=[{"name": f"OFFICER, Number {i}", "officer_role": "director", "appointed_on": "2015-01-01",
                            "resigned_on": None if i % 2 else "2020-01-01"} for i in range(7)]),
        _company("07654321", "HALCYON SOFTWARE LTD", previous_company_names=[
            {"name": "HALCYON SYSTEMS LIMITED", "effective_from": "2010-01-04", "ceased_on": "2015-06-30"}]),
        _company("08888888", "HALCYON HOLDINGS PLC", type="plc", company_status="dissolved",
                 date_of_cessation="2020-03-31"),
    ],
}


def no_sleep(seconds: float) -> None:
    return None


def client(url: str, key: str = KEY, **kw) -> CompaniesHouseClient:
    sleeps: list[float] = kw.pop("sleeps", [])
    return CompaniesHouseClient(url, api_key=key, sleep=sleeps.append, seed=1, **kw)


@pytest.fixture(scope="module")
def _server():
    with Sandbox(World(json.loads(json.dumps(WORLD)))) as sb:
        yield sb


@pytest.fixture()
def sandbox(_server):
    _server.faults, _server.counts = {}, dict.fromkeys(_server.counts, 0)
    _server.requests_log.clear()
    return _server


def test_search_follows_start_index_over_three_pages():
    replies = [Reply(recorded("companies_house", f"search_page{i}.json")) for i in (1, 2, 3)]
    with Replay().on("/search/companies", *replies) as rp:
        items = client(rp.url).search("robotics", limit=50, page_size=2)
    assert [i["company_number"] for i in items] == ["01234567", "09876543", "SC402219", "11223344", "OC398812"]
    assert [s.query["start_index"] for s in rp.seen] == [["0"], ["2"], ["4"]]
    assert all(s.query["items_per_page"] == ["2"] and s.query["q"] == ["robotics"] for s in rp.seen)


def test_search_stops_at_limit_without_fetching_more_pages():
    replies = [Reply(recorded("companies_house", f"search_page{i}.json")) for i in (1, 2, 3)]
    with Replay().on("/search/companies", *replies) as rp:
        items = client(rp.url).search("robotics", limit=3, page_size=2)
    assert len(items) == 3 and len(rp.seen) == 2


def test_basic_auth_is_the_key_with_an_empty_password():
    with Replay().on("/company/09876543", Reply(recorded("companies_house", "company_09876543.json"))) as rp:
        profile = client(rp.url).company("09876543")
    assert profile["previous_company_names"][1]["name"] == "FOUNDRY ROBOTICS LTD"
    scheme, token = rp.seen[0].headers["authorization"].split(" ")
    assert scheme == "Basic" and base64.b64decode(token).decode() == f"{KEY}:"


def test_officers_paginate(sandbox):
    officers = client(f"{sandbox.url}/companies_house").officers("01234567", page_size=3)
    assert len(officers) == 7 and sum(1 for o in officers if "resigned_on" in o) == 4
    starts = [p for _, _, p in sandbox.requests_log]
    assert len(starts) == 3 and "start_index=6" in starts[-1]


def test_recorded_officers_two_pages():
    replies = [Reply(recorded("companies_house", f"officers_page{i}.json")) for i in (1, 2)]
    with Replay().on("/company/09876543/officers", *replies) as rp:
        officers = client(rp.url).officers("09876543", page_size=2)
    assert [o["officer_role"] for o in officers] == ["director", "corporate-secretary", "director"]


def test_sandbox_search_matches_previous_names_and_ranks_exact_first(sandbox):
    c = client(f"{sandbox.url}/companies_house")
    assert c.search("Halcyon Systems Ltd")[0]["company_number"] == "07654321"
    assert c.search("halcyon software limited")[0]["company_number"] == "07654321"
    # only generic words in common: a weak, wrong hit, like the real search
    assert [i["title"] for i in c.search("Quantix Holdings")] == ["HALCYON HOLDINGS PLC"]
    assert c.search("Zyxwv Ltd") == []


def test_company_profile_and_404(sandbox):
    c = client(f"{sandbox.url}/companies_house")
    profile = c.company("08888888")
    assert profile["company_status"] == "dissolved" and profile["date_of_cessation"] == "2020-03-31"
    with pytest.raises(NotFound):
        c.company("99999999")


def test_429_without_retry_after_backs_off_then_succeeds(sandbox):
    sandbox.faults = {"companies_house": Faults(rate_limit_every=2, retry_after=None)}
    sleeps: list[float] = []
    c = client(f"{sandbox.url}/companies_house", sleeps=sleeps)
    c.search("Halcyon")  # request 1
    profile = c.company("07654321")  # request 2 is a 429 without Retry-After, request 3 succeeds
    assert profile["company_name"] == "HALCYON SOFTWARE LTD"
    assert len(sleeps) == 1 and 0 <= sleeps[0] <= c.retry.base * 2  # exponential backoff, attempt 0
    assert c.requests_made == 3


def test_5xx_then_success(sandbox):
    sandbox.faults = {"companies_house": Faults(error_every=1)}
    c = client(f"{sandbox.url}/companies_house", retry=RetryPolicy(max_attempts=3))
    with pytest.raises(SourceError, match="gave up after 3 attempts"):
        c.company("07654321")
    sandbox.faults = {"companies_house": Faults(error_every=2)}
    sandbox.counts["companies_house"] = 0
    c = client(f"{sandbox.url}/companies_house")
    assert c.company("07654321")["company_number"] == "07654321"  # 1st ok
    assert c.company("01234567")["company_number"] == "01234567"  # 2nd 503, 3rd ok
    assert c.requests_made == 3


def test_401_is_a_clear_auth_error_without_the_key(sandbox):
    with pytest.raises(AuthError) as err:
        client(f"{sandbox.url}/companies_house", key="wrong-key").company("07654321")
    assert err.value.status == 401 and "companies_house" in str(err.value) and "credentials" in str(err.value)
    assert "wrong-key" not in str(err.value)
    with (Replay().on("/company/1", Reply(recorded("companies_house", "error_401.json"), 401)) as rp,
          pytest.raises(AuthError)):
        client(rp.url).company("1")
    assert len(rp.seen) == 1  # no retry on 401: Basic auth has nothing to refresh


def test_malformed_json_and_html_are_malformed_responses():
    bad = Reply(b'{"items": [{"company_number": "0123', 200)
    html = Reply(b"<html><body>Service temporarily unavailable</body></html>", 200, "text/html")
    with Replay().on("/search/companies", bad).on("/company/1", html) as rp:
        with pytest.raises(MalformedResponse, match="not valid JSON"):
            client(rp.url).search("x")
        with pytest.raises(MalformedResponse, match="text/html"):
            client(rp.url).company("1")


def test_truncated_body_is_a_malformed_response(sandbox):
    sandbox.faults = {"companies_house": Faults(truncate_every=1)}
    with pytest.raises(MalformedResponse) as err:
        client(f"{sandbox.url}/companies_house").company("01234567")
    assert "EXAMPLE" not in str(err.value)  # never a body in a message


def test_rate_limiter_waits_out_the_five_minute_window():
    now = [1000.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    c = CompaniesHouseClient("http://127.0.0.1:9", api_key=KEY, sleep=sleep)
    assert c.limiter is not None and (c.limiter.calls, c.limiter.period) == (600, 300.0)
    c.limiter.clock = lambda: now[0]
    for _ in range(600):
        c.limiter.acquire()
        now[0] += 0.1
    assert slept == []
    c.limiter.acquire()  # the 601st call within 5 minutes waits until the first leaves the window
    assert slept == [pytest.approx(300.0 - 60.0)]
