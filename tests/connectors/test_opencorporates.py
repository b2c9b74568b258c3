"""OpenCorporates connector: page pagination, company records, and the api_token kept out of logs."""

from __future__ import annotations

import json
import logging

import pytest

from connectors.http import AuthError, MalformedResponse, NotFound, Payload, RetryPolicy, SourceError
from connectors.opencorporates import OpenCorporatesClient
from sandbox import credentials
from sandbox.server import Faults, Sandbox
from sandbox.world import World
from tests.connectors.registry_replay import Replay, Reply, recorded

TOKEN = credentials.OPENCORPORATES_API_TOKEN
V = "/v0.4"


def _co(number: str, name: str, jurisdiction: str = "gb", **kw: object) -> dict:
    return {"jurisdiction_code": jurisdiction, "company_number": number, "name": name,
            "incorporation_date": "2005-03-01", "dissolution_date": None, "current_status": "Active",
            "company_type": "Private Limited Company", "previous_names": [],
            "industry_codes": [{"code": "26.11", "description": "Manufacture of electronic components",
                                "code_scheme_id": "uk_sic_2007"}], **kw}


WORLD = {
    "generated_for_day": "2026-11-21",
    "opencorporates": [
        _co("01234567", "EXAMPLE ROBOTICS LTD"),
        _co("5512345", "ACME AUTOMATION INC", "us_de", previous_names=[
            {"company_name": "ACME MACHINES INC", "start_date": "2005-03-01", "end_date": "2012-12-31"}],
            industry_codes=[{"code": "333249", "description": "Other machinery", "code_scheme_id": "us_naics_2017"}]),
        *(_co(f"0900000{i}", f"ACME {w} LIMITED") for i, w in enumerate(["ALPHA", "BETA", "GAMMA", "DELTA", "OMEGA"])),
    ],
}


def client(url: str, token: str = TOKEN, **kw) -> OpenCorporatesClient:
    sleeps: list[float] = kw.pop("sleeps", [])
    return OpenCorporatesClient(url, api_token=token, sleep=sleeps.append, seed=1, **kw)


@pytest.fixture(scope="module")
def _server():
    with Sandbox(World(json.loads(json.dumps(WORLD)))) as sb:
        yield sb


@pytest.fixture()
def sandbox(_server):
    _server.faults, _server.counts = {}, dict.fromkeys(_server.counts, 0)
    _server.requests_log.clear()
    return _server


def test_recorded_search_follows_page_over_three_pages():
    replies = [Reply(recorded("opencorporates", f"search_page{i}.json")) for i in (1, 2, 3)]
    with Replay().on(f"{V}/companies/search", *replies) as rp:
        companies = client(rp.url + V).search("robotics", limit=50, page_size=2)
    assert [c["company_number"] for c in companies] == ["09876543", "01234567", "SC402219", "5512345", "11223344"]
    assert [s.query["page"] for s in rp.seen] == [["1"], ["2"], ["3"]]
    assert all(s.query["api_token"] == [TOKEN] and s.query["per_page"] == ["2"] for s in rp.seen)


def test_recorded_company():
    with Replay().on(f"{V}/companies/gb/09876543", Reply(recorded("opencorporates", "company_gb_09876543.json"))) as rp:
        company = client(rp.url + V).company("gb", "09876543")
    assert company["dissolution_date"] == "2019-08-20"
    assert company["industry_codes"][0]["industry_code"] == {
        "code": "26.11", "description": "Manufacture of electronic components", "code_scheme_id": "uk_sic_2007",
        "code_scheme_name": "UK SIC Classification 2007"}


def test_sandbox_search_and_company(sandbox):
    c = client(f"{sandbox.url}/opencorporates{V}")
    assert len(c.search("Acme", limit=20, page_size=2)) == 6
    assert len(sandbox.requests_log) == 3
    assert c.search("Acme Machines Inc")[0]["company_number"] == "5512345"  # previous name
    company = c.company("us_de", "5512345")
    assert company["previous_names"][0]["company_name"] == "ACME MACHINES INC"
    with pytest.raises(NotFound):
        c.company("gb", "00000000")


def test_wrong_or_missing_token_is_a_clear_auth_error(sandbox):
    with pytest.raises(AuthError) as err:
        client(f"{sandbox.url}/opencorporates{V}", token="not-the-token").search("acme")
    assert err.value.status == 401 and "not-the-token" not in str(err.value)
    with pytest.raises(ValueError, match="token is required"):
        OpenCorporatesClient(f"{sandbox.url}/opencorporates{V}", api_token="")


def test_api_token_never_in_a_logged_or_landed_url(sandbox, caplog):
    caplog.set_level(logging.DEBUG)  # urllib3 logs every request line at DEBUG
    sandbox.faults = {"opencorporates": Faults(error_every=2, rate_limit_every=3)}
    landed: list[Payload] = []
    c = client(f"{sandbox.url}/opencorporates{V}", on_payload=landed.append)
    c.search("Acme", limit=20, page_size=2)
    c.company("gb", "01234567")
    assert len(landed) == 4 and all("api_token=***" in p.url for p in landed)
    assert "retrying" in caplog.text and "companies/search" in caplog.text  # the logs did run
    assert any(r.name.startswith("urllib3") for r in caplog.records)
    for text in [caplog.text, *(r.getMessage() for r in caplog.records), *(p.url for p in landed)]:
        assert TOKEN not in text
    sandbox.faults = {"opencorporates": Faults(error_every=1)}
    with pytest.raises(SourceError) as err:
        client(f"{sandbox.url}/opencorporates{V}", retry=RetryPolicy(max_attempts=2)).search("Acme")
    assert TOKEN not in str(err.value) and TOKEN not in caplog.text


def test_429_without_retry_after_and_5xx_recover(sandbox):
    sandbox.faults = {"opencorporates": Faults(rate_limit_every=2, error_every=3)}
    sleeps: list[float] = []
    c = client(f"{sandbox.url}/opencorporates{V}", sleeps=sleeps)
    assert c.company("gb", "01234567")["name"] == "EXAMPLE ROBOTICS LTD"  # 1 ok
    assert c.company("us_de", "5512345")["name"] == "ACME AUTOMATION INC"  # 2: 429, 3: 503, 4: 429, 5: ok
    assert len(sleeps) == 3 and c.requests_made == 5


def test_malformed_and_truncated(sandbox):
    sandbox.faults = {"opencorporates": Faults(truncate_every=1)}
    with pytest.raises(MalformedResponse):
        client(f"{sandbox.url}/opencorporates{V}").search("Acme")
    with Replay().on(f"{V}/companies/search", Reply(b'{"api_version": "0.4", "results": {"companies": [{"comp')) \
            .on(f"{V}/companies/gb/1", Reply(b'{"api_version": "0.4", "results": {}}')) as rp:
        with pytest.raises(MalformedResponse, match="not valid JSON"):
            client(rp.url + V).search("x")
        with pytest.raises(MalformedResponse, match="results.company"):
            client(rp.url + V).company("gb", "1")


def test_rate_limiter_paces_calls():
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    c = OpenCorporatesClient("http://127.0.0.1:9", api_token=TOKEN, sleep=sleep)
    assert c.limiter is not None
    c.limiter.clock = lambda: now[0]
    for _ in range(c.limiter.calls):
        c.limiter.acquire()
    assert slept == []
    c.limiter.acquire()
    assert slept == [pytest.approx(c.limiter.period)]
