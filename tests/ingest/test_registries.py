"""Registry records -> RegistryEntity, and employer lookups that hit each registry once per TTL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from connectors.companies_house import CompaniesHouseClient
from connectors.gleif import GleifClient
from connectors.opencorporates import OpenCorporatesClient
from include.ingest.registries import (
    InMemoryRegistryCache,
    companies_house_entity,
    gleif_entity,
    lookup_employer,
    lookup_registry_id,
    normalise_name,
    opencorporates_entity,
)
from sandbox import credentials
from sandbox.server import Sandbox
from sandbox.world import World

RECORDED = Path(__file__).resolve().parents[1] / "connectors" / "recorded"
NOW = datetime(2026, 11, 21, 6, 0, tzinfo=UTC)
HUAWEI, HOLDING = "5493001KJTIIGC8Y1R12", "529900T8BM49AURSDO55"
SHENZHEN, ASIA, GROUP = "3003000EXAMPLESZ0017", "3003000EXAMPLEASIA51", "3003000EXAMPLEGRP094"


def load(source: str, name: str) -> dict:
    return json.loads((RECORDED / source / name).read_text(encoding="utf-8"))


def _gleif(lei: str, name: str, other: str, **kw: object) -> dict:
    return {"lei": lei, "legal_name": {"name": name, "language": "zh"},
            "other_names": [{"name": other, "language": "en", "type": "ALTERNATIVE_LANGUAGE_LEGAL_NAME"}],
            "transliterated_other_names": [], "jurisdiction": "CN", "legal_form": "有限责任公司", "status": "ACTIVE",
            "creation_date": "1987-09-15", "registration_status": "ISSUED", "direct_parent": None,
            "ultimate_parent": None, "headquarters_country": "CN", "last_update": "2026-01-01T00:00:00Z", **kw}


WORLD = {
    "generated_for_day": "2026-11-21",
    "companies_house": [
        {"company_number": "07654321", "company_name": "HALCYON SOFTWARE LTD", "company_status": "active",
         "type": "ltd", "date_of_creation": "2010-01-04", "date_of_cessation": None, "sic_codes": ["62012"],
         "previous_company_names": [{"name": "HALCYON SYSTEMS LIMITED", "effective_from": "2010-01-04",
                                     "ceased_on": "2015-06-30"}],
         "registered_office_address": {"locality": "Leeds"}, "officers": []},
    ],
    "gleif": [
        _gleif(HUAWEI, "华为技术有限公司", "Huawei Technologies Co., Ltd.", direct_parent=HOLDING, ultimate_parent=HOLDING),
        _gleif(HOLDING, "华为投资控股有限公司", "Huawei Investment & Holding Co., Ltd."),
        _gleif(SHENZHEN, "深圳示例机器人有限公司", "Example Robotics Shenzhen Co., Ltd.", direct_parent=ASIA,
               ultimate_parent=GROUP),
        _gleif(ASIA, "示例机器人亚洲有限公司", "Example Robotics Asia Limited", direct_parent=GROUP, ultimate_parent=GROUP),
        _gleif(GROUP, "示例机器人集团", "Example Robotics Group PLC"),
    ],
    "opencorporates": [
        {"jurisdiction_code": "gb", "company_number": "07654321", "name": "HALCYON SOFTWARE LTD",
         "incorporation_date": "2010-01-04", "dissolution_date": None, "current_status": "Active",
         "company_type": "Private Limited Company", "previous_names": [],
         "industry_codes": [{"code": "62.01", "description": "Computer programming activities",
                             "code_scheme_id": "uk_sic_2007"}]},
    ],
}


# ---- mapping ---------------------------------------------------------------------------------

def test_companies_house_profile_maps_to_entity():
    e = companies_house_entity(load("companies_house", "company_09876543.json"))
    assert e.entity_id == "companies_house:09876543" and e.registry == "companies_house"
    assert [(n.name, n.kind) for n in e.names] == [
        ("ROBOTICS FOUNDRY LIMITED", "legal"), ("FOUNDRY AUTOMATA LIMITED", "previous"),
        ("FOUNDRY ROBOTICS LTD", "previous")]
    assert (e.status, e.created, e.dissolved, e.jurisdiction) == ("dissolved", "2014-02-11", "2019-08-20", "GB")
    assert [(c.scheme, c.code) for c in e.industry_codes] == [("uk_sic_2007", "26110"), ("uk_sic_2007", "62012")]
    assert e.record_url == "https://find-and-update.company-information.service.gov.uk/company/09876543"
    local = companies_house_entity(load("companies_house", "company_09876543.json"), "http://127.0.0.1:1/ch/")
    assert local.record_url == "http://127.0.0.1:1/ch/company/09876543"


def test_gleif_record_maps_every_kind_of_name_and_parents():
    record = load("gleif", "lei_record.json")["data"]
    e = gleif_entity(record, ["2138000EXAMPLEHOLD29", "2138000EXAMPLEHOLD29", record["id"]])
    assert e.entity_id == "gleif:5493000EXAMPLE00CN17"
    assert [(n.name, n.kind, n.language) for n in e.names] == [
        ("深圳示例机器人有限公司", "legal", "zh"),
        ("Shenzhen Example Robotics Co., Ltd.", "other", "en"),
        ("深圳示例自动化有限公司", "previous", "zh"),
        ("ExampleBot", "trading", "en"),
        ("SHENZHEN SHILI JIQIREN YOUXIAN GONGSI", "transliterated", "zh-Latn"),
    ]
    assert (e.status, e.created, e.dissolved, e.jurisdiction) == ("ACTIVE", "2009-11-03", None, "CN")
    assert e.parent_ids == ["gleif:2138000EXAMPLEHOLD29"]  # deduplicated, never itself
    assert e.record_url == "https://search.gleif.org/#/record/5493000EXAMPLE00CN17"
    lapsed = gleif_entity(load("gleif", "lei_records_page2.json")["data"][1])
    assert (lapsed.status, lapsed.dissolved) == ("INACTIVE", "2020-06-30")


def test_opencorporates_company_maps_dotted_uk_sic_and_other_schemes():
    e = opencorporates_entity(load("opencorporates", "company_gb_09876543.json")["results"]["company"])
    assert e.entity_id == "opencorporates:gb/09876543" and e.jurisdiction == "GB"
    assert [(c.scheme, c.code) for c in e.industry_codes] == [
        ("uk_sic_dotted", "26.11"), ("eu_nace_2", "26.11"), ("uk_sic_2007", "62012")]
    assert [n.kind for n in e.names] == ["legal", "previous", "previous"]
    assert (e.status, e.created, e.dissolved) == ("Dissolved", "2014-02-11", "2019-08-20")
    assert e.record_url == "https://opencorporates.com/companies/gb/09876543"
    us = opencorporates_entity(load("opencorporates", "search_page2.json")["results"]["companies"][1]["company"])
    assert us.entity_id == "opencorporates:us_de/5512345" and us.jurisdiction == "US-DE"
    assert [(c.scheme, c.code) for c in us.industry_codes] == [("us_naics_2017", "333249")]


def test_a_record_without_a_legal_name_is_rejected():
    profile = load("companies_house", "company_09876543.json")
    profile["company_name"] = ""
    with pytest.raises(ValueError, match="no legal name"):
        companies_house_entity(profile)


def test_cache_key_is_the_engine_normalisation():
    assert normalise_name("Halcyon Software Ltd.") == normalise_name("HALCYON SOFTWARE LIMITED") != ""
    assert normalise_name("華為技術有限公司") == normalise_name("华为技术有限公司")


# ---- lookups against the sandbox -------------------------------------------------------------

@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(World(json.loads(json.dumps(WORLD)))) as sb:
        yield sb


@pytest.fixture()
def clients(sandbox):
    sandbox.requests_log.clear()
    nap = {"sleep": lambda s: None}
    return {
        "companies_house": CompaniesHouseClient(f"{sandbox.url}/companies_house",
                                                api_key=credentials.COMPANIES_HOUSE_API_KEY, **nap),
        "gleif": GleifClient(f"{sandbox.url}/gleif/api/v1", **nap),
        "opencorporates": OpenCorporatesClient(f"{sandbox.url}/opencorporates/v0.4",
                                               api_token=credentials.OPENCORPORATES_API_TOKEN, **nap),
    }


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def test_lookup_searches_every_registry_and_follows_gleif_parents(sandbox, clients):
    cache = InMemoryRegistryCache(Clock())
    found = {e.entity_id: e for e in lookup_employer("Huawei Technologies", clients, cache, NOW)}
    assert set(found) == {f"gleif:{HUAWEI}", f"gleif:{HOLDING}"}
    assert found[f"gleif:{HUAWEI}"].parent_ids == [f"gleif:{HOLDING}"]
    assert found[f"gleif:{HUAWEI}"].record_url == f"{sandbox.url}/gleif/api/v1/lei-records/{HUAWEI}"
    paths = [p.split("?")[0] for s, _, p in sandbox.requests_log if s == "gleif"]
    assert paths.count(f"/api/v1/lei-records/{HUAWEI}/direct-parent") == 1
    assert not any(p.startswith(f"/api/v1/lei-records/{HOLDING}/") for p in paths)  # parents followed once
    halcyon = {e.entity_id for e in lookup_employer("Halcyon Software Ltd", clients, cache, NOW)}
    assert halcyon == {"companies_house:07654321", "opencorporates:gb/07654321"}
    assert cache.get_entity("opencorporates:gb/07654321").industry_codes[0].scheme == "uk_sic_dotted"


def test_a_cache_hit_makes_no_request_and_expiry_refetches(sandbox, clients):
    clock = Clock()
    cache = InMemoryRegistryCache(clock)
    first = lookup_employer("Halcyon Software Ltd.", clients, cache, clock.now)
    made = len(sandbox.requests_log)
    assert made >= 3
    again = lookup_employer("HALCYON SOFTWARE LIMITED", clients, cache, clock.now)  # same normalised name
    assert again == first and len(sandbox.requests_log) == made
    clock.now += timedelta(days=29)
    assert lookup_employer("Halcyon Software", clients, cache, clock.now) == first
    assert len(sandbox.requests_log) == made
    clock.now += timedelta(days=2)  # 31 days after the first lookup: expired
    assert lookup_employer("Halcyon Software", clients, cache, clock.now) == first
    refetched = [p for _, _, p in sandbox.requests_log[made:]]
    assert any(p.startswith("/search/companies") for p in refetched) and "/company/07654321" in refetched


def test_fresh_reads_past_a_live_cache(sandbox, clients):
    """A disputed candidate's employer (``fresh``): searched and fetched again the same day, cache or not."""
    clock = Clock()
    cache = InMemoryRegistryCache(clock)
    first = lookup_employer("Halcyon Software Ltd", clients, cache, clock.now)
    made = len(sandbox.requests_log)
    assert lookup_employer("Halcyon Software Ltd", clients, cache, clock.now) == first
    assert len(sandbox.requests_log) == made  # the cache answers
    assert lookup_employer("Halcyon Software Ltd", clients, cache, clock.now, fresh=True) == first
    again = [p for _, _, p in sandbox.requests_log[made:]]
    assert any(p.startswith("/search/companies") for p in again) and "/company/07654321" in again


def test_one_company_under_two_names_is_fetched_once(sandbox, clients):
    cache = InMemoryRegistryCache(Clock())
    a = lookup_employer("Halcyon Software", clients, cache, NOW)
    b = lookup_employer("Halcyon Systems", clients, cache, NOW)  # its previous name
    assert "companies_house:07654321" in {e.entity_id for e in a} & {e.entity_id for e in b}
    profiles = [p for s, _, p in sandbox.requests_log if s == "companies_house" and p.startswith("/company/")]
    assert profiles == ["/company/07654321"]


def test_no_hit_is_cached_too(sandbox, clients):
    cache = InMemoryRegistryCache(Clock())
    assert lookup_employer("Zyxwvut Quorble", clients, cache, NOW) == []
    made = len(sandbox.requests_log)
    assert made == 4  # CH search, GLEIF fulltext + fuzzy completions, OpenCorporates search
    assert lookup_employer("zyxwvut quorble", clients, cache, NOW) == []
    assert len(sandbox.requests_log) == made


def test_registries_without_a_client_are_skipped(sandbox, clients):
    only_gleif = {"gleif": clients["gleif"], "companies_house": None}
    found = lookup_employer("Halcyon Software", only_gleif, InMemoryRegistryCache(Clock()), NOW)
    assert found == [] and {s for s, _, _ in sandbox.requests_log} == {"gleif"}


def test_an_evicted_entity_is_fetched_again(sandbox, clients):
    cache = InMemoryRegistryCache(Clock())
    lookup_employer("Huawei Technologies", clients, cache, NOW)
    del cache.entities[f"gleif:{HOLDING}"]  # e.g. the parent row was lost
    sandbox.requests_log.clear()
    found = {e.entity_id for e in lookup_employer("Huawei Technologies", clients, cache, NOW)}
    assert found == {f"gleif:{HUAWEI}", f"gleif:{HOLDING}"}
    assert f"/api/v1/lei-records/{HUAWEI}/direct-parent" in [p for _, _, p in sandbox.requests_log]


def test_a_parent_keeps_its_own_parents_when_fetched_again_as_a_parent(sandbox, clients):
    clock = Clock()
    cache = InMemoryRegistryCache(clock)
    [asia, group] = lookup_employer("Example Robotics Asia Ltd", clients, cache, clock.now, max_hits=1)
    assert (asia.entity_id, asia.parent_ids, group.parent_ids) == (f"gleif:{ASIA}", [f"gleif:{GROUP}"], [])
    clock.now += timedelta(days=31)
    found = lookup_employer("Example Robotics Shenzhen", clients, cache, clock.now, max_hits=1)
    assert [e.entity_id for e in found] == [f"gleif:{SHENZHEN}", f"gleif:{ASIA}", f"gleif:{GROUP}"]
    assert found[0].parent_ids == [f"gleif:{ASIA}", f"gleif:{GROUP}"]
    assert cache.get_entity(f"gleif:{ASIA}").parent_ids == [f"gleif:{GROUP}"]  # not forgotten, not garbled


def test_lookup_by_registry_id(sandbox, clients):
    cache = InMemoryRegistryCache(Clock())
    [hiring] = lookup_registry_id("companies_house", "07654321", clients, cache, NOW)
    assert hiring.industry_codes[0].code == "62012"
    family = lookup_registry_id("gleif", HUAWEI, clients, cache, NOW)
    assert [e.entity_id for e in family] == [f"gleif:{HUAWEI}", f"gleif:{HOLDING}"]
    made = len(sandbox.requests_log)
    assert lookup_registry_id("companies_house", "07654321", clients, cache, NOW) == [hiring]
    assert len(sandbox.requests_log) == made
    assert lookup_registry_id("companies_house", "99999999", clients, cache, NOW) == []
    assert lookup_registry_id("opencorporates", "gb/07654321", {}, cache, NOW) == []


def test_hooks_build_clients_from_connections(sandbox, monkeypatch):
    from plugins.hooks.registries import CompaniesHouseHook, GleifHook, OpenCorporatesHook

    for conn_id, spec in sandbox.connections().items():
        monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps(spec))
    monkeypatch.setenv("AIRFLOW_CONN_GLEIF_PUBLIC", json.dumps({"conn_type": "http"}))
    monkeypatch.setenv("AIRFLOW_CONN_GLEIF_FAST", json.dumps({"conn_type": "http", "extra": {"rate_limit": [500, 1]}}))
    monkeypatch.setenv("AIRFLOW_CONN_GLEIF_BAD", json.dumps({"conn_type": "http", "extra": {"rate_limit": 5}}))
    monkeypatch.setenv("AIRFLOW_CONN_OC_NOKEY", json.dumps({"conn_type": "http", "host": "https://oc.example/v0.4"}))
    nap = {"sleep": lambda s: None}
    landed: list = []
    clients = {"companies_house": CompaniesHouseHook().get_client(on_payload=landed.append, **nap),
               "gleif": GleifHook().get_client(**nap), "opencorporates": OpenCorporatesHook().get_client(**nap)}
    found = lookup_employer("Halcyon Software", clients, InMemoryRegistryCache(Clock()), NOW)
    assert {e.registry for e in found} == {"companies_house", "opencorporates"} and landed  # keys accepted
    public = GleifHook("gleif_public").get_client()
    assert public.base_url == "https://api.gleif.org/api/v1/" and public.limiter.calls == 60
    fast = GleifHook("gleif_fast").get_client().limiter
    assert (fast.calls, fast.period) == (500, 1.0)
    with pytest.raises(RuntimeError, match=r"rate_limit must be \[calls, seconds\]"):
        GleifHook("gleif_bad").get_client()
    with pytest.raises(RuntimeError, match="has no password"):
        OpenCorporatesHook("oc_nokey").get_client()
    with pytest.raises(RuntimeError, match="is not defined"):
        CompaniesHouseHook("companies_house_missing").get_client()
