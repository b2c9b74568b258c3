"""GLEIF connector: JSON:API pages, parents (404 = none reported), fuzzy completions, faults, limiter."""

from __future__ import annotations

import json

import pytest

from connectors.gleif import GleifClient, parent_reported
from connectors.http import MalformedResponse, NotFound, RetryPolicy, SourceError
from sandbox.server import Faults, Sandbox
from sandbox.world import World
from tests.connectors.registry_replay import Replay, Reply, recorded

API = "/api/v1"


def _rec(lei: str, name: str, language: str = "en", **kw: object) -> dict:
    return {"lei": lei, "legal_name": {"name": name, "language": language}, "other_names": [],
            "transliterated_other_names": [], "jurisdiction": "GB", "legal_form": "Private Limited Company",
            "status": "ACTIVE", "creation_date": "2001-05-01", "registration_status": "ISSUED",
            "direct_parent": None, "ultimate_parent": None, "headquarters_country": "GB",
            "last_update": "2026-01-01T00:00:00Z", **kw}


HUAWEI, HOLDING = "5493001KJTIIGC8Y1R12", "529900T8BM49AURSDO55"
WORLD = {
    "generated_for_day": "2026-11-21",
    "gleif": [
        _rec(HUAWEI, "华为技术有限公司", "zh", jurisdiction="CN", headquarters_country="CN",
             other_names=[{"name": "Huawei Technologies Co., Ltd.", "language": "en",
                           "type": "ALTERNATIVE_LANGUAGE_LEGAL_NAME"}],
             transliterated_other_names=[{"name": "HUAWEI JISHU YOUXIAN GONGSI", "language": "en",
                                          "type": "AUTO_ASCII_TRANSLITERATED_LEGAL_NAME"}],
             direct_parent=HOLDING, ultimate_parent=HOLDING),
        _rec(HOLDING, "华为投资控股有限公司", "zh", jurisdiction="CN", other_names=[
            {"name": "Huawei Investment & Holding Co., Ltd.", "language": "en",
             "type": "ALTERNATIVE_LANGUAGE_LEGAL_NAME"}]),
        *(_rec(f"2138000EXAMPLE{i:04d}{i:02d}", f"Example Robotics {name} Limited")
          for i, name in enumerate(["North", "South", "East", "West", "Central"])),
    ],
}


def client(url: str, **kw) -> GleifClient:
    sleeps: list[float] = kw.pop("sleeps", [])
    return GleifClient(url, sleep=sleeps.append, seed=1, **kw)


@pytest.fixture(scope="module")
def _server():
    with Sandbox(World(json.loads(json.dumps(WORLD)))) as sb:
        yield sb


@pytest.fixture()
def sandbox(_server):
    _server.faults, _server.counts = {}, dict.fromkeys(_server.counts, 0)
    _server.requests_log.clear()
    return _server


def test_recorded_pages_follow_page_number():
    replies = [Reply(recorded("gleif", f"lei_records_page{i}.json"), content_type="application/vnd.api+json")
               for i in (1, 2, 3)]
    with Replay().on(f"{API}/lei-records", *replies) as rp:
        records = client(rp.url + API).search_fulltext("Example", limit=20, page_size=2)
    assert len(records) == 5 and records[0]["id"] == "5493000EXAMPLE00CN17"
    assert [s.query["page[number]"] for s in rp.seen] == [["1"], ["2"], ["3"]]
    assert all(s.query["page[size]"] == ["2"] and s.query["filter[fulltext]"] == ["Example"] for s in rp.seen)
    assert rp.seen[0].headers["accept"] == "application/vnd.api+json"


def test_sandbox_pages_and_limit(sandbox):
    c = client(f"{sandbox.url}/gleif{API}")
    records = c.search_legal_name("Example Robotics", limit=10, page_size=2)
    assert sorted(r["attributes"]["entity"]["legalName"]["name"].split()[2] for r in records) == [
        "Central", "East", "North", "South", "West"]
    assert [p.split("page%5Bnumber%5D=")[1][0] for _, _, p in sandbox.requests_log] == ["1", "2", "3"]
    sandbox.requests_log.clear()
    assert len(c.search_legal_name("Example Robotics", limit=3, page_size=2)) == 3
    assert len(sandbox.requests_log) == 2


def test_fulltext_finds_other_transliterated_and_chinese_names(sandbox):
    c = client(f"{sandbox.url}/gleif{API}")
    assert c.search_fulltext("Huawei Technologies")[0]["id"] == HUAWEI
    assert c.search_fulltext("huawei jishu")[0]["id"] == HUAWEI
    assert c.search_fulltext("华为技术")[0]["id"] == HUAWEI  # CJK: substring, legal form cut off
    assert c.search_legal_name("Huawei Technologies") == []  # the English name is not the legal name


def test_record_and_parents(sandbox):
    c = client(f"{sandbox.url}/gleif{API}")
    record = c.record(HUAWEI)
    assert parent_reported(record, "direct-parent") is True
    assert c.direct_parent(HUAWEI)["id"] == HOLDING and c.ultimate_parent(HUAWEI)["id"] == HOLDING
    holding = c.record(HOLDING)
    assert parent_reported(holding, "ultimate-parent") is False
    assert c.direct_parent(HOLDING) is None and c.ultimate_parent(HOLDING) is None  # 404: none reported
    with pytest.raises(NotFound):
        c.record("00000000000000000000")


def test_recorded_parent_404_is_none_and_record_parses():
    with (Replay()
          .on(f"{API}/lei-records/X/direct-parent", Reply(recorded("gleif", "not_found.json"), 404))
          .on(f"{API}/lei-records/X/ultimate-parent", Reply(recorded("gleif", "direct_parent.json")))
          .on(f"{API}/lei-records/X", Reply(recorded("gleif", "lei_record.json"))) as rp):
        c = client(rp.url + API)
        assert c.direct_parent("X") is None
        assert c.ultimate_parent("X")["attributes"]["entity"]["legalName"]["name"] == "EXAMPLE ROBOTICS HOLDINGS PLC"
        assert c.record("X")["attributes"]["entity"]["otherNames"][2]["type"] == "TRADING_OR_OPERATING_NAME"
    assert len(rp.seen) == 3  # a 404 is an answer, not something to retry


def test_fuzzy_completions(sandbox):
    c = client(f"{sandbox.url}/gleif{API}")
    hits = c.fuzzy_completions("Huawai Technolgies", field="fulltext")  # two typos
    assert hits and hits[0]["lei"] == HUAWEI
    with Replay().on(f"{API}/fuzzycompletions", Reply(recorded("gleif", "fuzzycompletions.json"))) as rp:
        hits = client(rp.url + API).fuzzy_completions("example robotcs")
    assert [h["lei"] for h in hits] == ["2138000EXAMPLEHOLD29", "984500EXAMPLEINACT63", None]
    assert rp.seen[0].query == {"field": ["entity.legalName"], "q": ["example robotcs"]}


def test_429_with_retry_after_waits_that_long(sandbox):
    sandbox.faults = {"gleif": Faults(rate_limit_every=1, retry_after=7)}
    sleeps: list[float] = []
    c = client(f"{sandbox.url}/gleif{API}", sleeps=sleeps, retry=RetryPolicy(max_attempts=3))
    with pytest.raises(SourceError, match="HTTP 429"):
        c.record(HUAWEI)
    assert sleeps == [7.0, 7.0]
    sandbox.faults = {"gleif": Faults(rate_limit_every=2, retry_after=3)}
    sandbox.counts["gleif"] = 0
    sleeps.clear()
    c.record(HUAWEI)
    assert c.record(HOLDING)["id"] == HOLDING and sleeps == [3.0]


def test_5xx_then_success(sandbox):
    sandbox.faults = {"gleif": Faults(error_every=2)}
    c = client(f"{sandbox.url}/gleif{API}")
    assert [c.record(lei)["id"] for lei in (HUAWEI, HOLDING)] == [HUAWEI, HOLDING]
    assert c.requests_made == 3


def test_malformed_and_truncated(sandbox):
    sandbox.faults = {"gleif": Faults(truncate_every=1)}
    with pytest.raises(MalformedResponse):
        client(f"{sandbox.url}/gleif{API}").record(HUAWEI)
    with Replay().on(f"{API}/lei-records", Reply(b"<!DOCTYPE html><title>Maintenance</title>", 200,
                                                 "text/html")).on(f"{API}/lei-records/X", Reply(b'{"data": []}')) as rp:
        with pytest.raises(MalformedResponse):
            client(rp.url + API).search_fulltext("x")
        with pytest.raises(MalformedResponse, match="JSON:API resource"):
            client(rp.url + API).record("X")


def test_rate_limiter_holds_to_60_a_minute(sandbox):
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    c = GleifClient(f"{sandbox.url}/gleif{API}", sleep=sleep)
    assert c.limiter is not None
    c.limiter.clock = lambda: now[0]
    for _ in range(59):
        c.limiter.acquire()
        now[0] += 0.5
    c.record(HOLDING)  # the 60th call in the minute goes straight through
    assert slept == [] and len(sandbox.requests_log) == 1
    c.record(HOLDING)  # the 61st waits until the first call is a minute old
    assert slept == [pytest.approx(60.0 - 29.5)] and len(sandbox.requests_log) == 2
