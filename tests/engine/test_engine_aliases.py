"""The alias table and what it changes: tickers, brands, subsidiaries, CJK names, hard negatives."""

from __future__ import annotations

import csv
import json

import pytest

from include.engine import aliases
from include.engine.aliases import generate
from include.engine.names import cjk_latin_key, looks_like_abbreviation, normalise_company
from include.engine.resolve import RegistryIndex, same_employer
from include.ingest.registries import opencorporates_entity
from include.models import RegistryEntity, RegistryName


def ent(eid: str, *names: str, parents: tuple[str, ...] = ()) -> RegistryEntity:
    return RegistryEntity(entity_id=eid, registry="gleif", record_url="https://example.test/" + eid,
                          names=[RegistryName(name=n, kind="legal" if i == 0 else "other") for i, n in enumerate(names)],
                          parent_ids=list(parents))


EMPTY = RegistryIndex([])
REGISTER = RegistryIndex([
    ent("gleif:AMZN", "Amazon.com, Inc."),
    ent("gleif:MSFT", "Microsoft Corporation"),
    ent("gleif:HW", "华为技术有限公司"),
    ent("gleif:ALG", "Apple Leisure Group LLC"),
])


def test_generated_table_is_up_to_date_with_its_source():
    assert generate.TABLE.read_text(encoding="utf-8") == generate.render(), \
        "run .venv/bin/python -m include.engine.aliases.generate"
    header = json.loads(generate.TABLE.read_text(encoding="utf-8"))
    assert header["version"] == aliases.version() and len(header["content_sha256"]) == 64


@pytest.mark.parametrize("name, legal, kind", [
    ("MSFT", "Microsoft Corporation", "ticker"),
    ("NASDAQ: MSFT", "Microsoft Corporation", "ticker"),
    ("0700.HK", "Tencent Holdings Limited", "ticker"),
    ("AWS", "Amazon Web Services, Inc.", "abbreviation"),
    ("IBM", "International Business Machines Corporation", "name"),  # "IBM Corporation" without "Corporation"
    ("Google", "Google LLC", "legal"),  # "Google LLC" without its legal form
    ("百度", "Baidu, Inc.", "cjk"),
    ("華為技術有限公司", "Huawei Technologies Co., Ltd.", "cjk"),  # traditional characters
    ("Tengxun", "Tencent Holdings Limited", "pinyin"),
    ("トヨタ自動車株式会社", "Toyota Motor Corporation", "cjk"),
    ("삼성전자 주식회사", "Samsung Electronics Co., Ltd.", "cjk"),
])
def test_alias_forms(name, legal, kind):
    hit = aliases.lookup(normalise_company(name))
    assert hit is not None and hit.legal == legal and hit.kind == kind
    assert f"alias table v{aliases.version()}" in hit.why


def test_word_tickers_and_ambiguous_keys_are_not_aliases():
    assert aliases.lookup(normalise_company("Cat")) is None  # Caterpillar only as "NYSE: CAT"
    assert aliases.lookup(normalise_company("NYSE: CAT")).legal == "Caterpillar Inc."
    assert aliases.lookup(normalise_company("Merck")) is None  # Merck & Co. or Merck KGaA
    assert aliases.lookup(normalise_company("Google UK Limited")).legal == "Google LLC"  # a qualifier


@pytest.mark.parametrize("a, b", [
    ("AWS", "Amazon.com, Inc."), ("MSFT", "Microsoft Corporation"), ("百度", "Baidu"), ("阿里巴巴", "Alibaba"),
    ("华为技术有限公司", "Huawei Technologies Co., Ltd."), ("腾讯", "Tencent"), ("Instagram", "Meta Platforms"),
    ("Microsoft Ireland Operations Limited", "Microsoft"), ("深圳市华信科技有限公司", "Huaxin Technology"),
    ("Microsft", "Microsoft"), ("YouTube", "Alphabet Inc."),
])
def test_same_employer_across_tickers_brands_subsidiaries_and_scripts(a, b):
    for index in (EMPTY, REGISTER):
        same, score, why = same_employer(a, b, index)
        assert same and score >= 0.86, (a, b, why)


@pytest.mark.parametrize("a, b", [
    ("Amazon Robotics Consulting Ltd", "Amazon"), ("Apple Leisure Group", "Apple"),
    ("Meta Materials", "Meta Platforms"), ("Baidu", "Baidao"), ("华信科技", "华为科技"), ("华信科技", "瑞泰科技"),
    ("华信科技", "Huaxin Electronics"), ("Volvo Cars", "AB Volvo"),
])
def test_hard_negatives_stay_different(a, b):
    for index in (EMPTY, REGISTER):
        assert not same_employer(a, b, index)[0], (a, b)


def test_resolve_finds_the_legal_name_or_the_family_in_the_register():
    res = REGISTER.resolve("AWS")
    assert res.entity_id == "gleif:AMZN" and res.method == "alias" and "Amazon.com, Inc." in res.why
    assert REGISTER.resolve("NASDAQ: MSFT").entity_id == "gleif:MSFT"
    assert REGISTER.resolve("Huawei").entity_id == "gleif:HW"
    apple = REGISTER.resolve("Apple")
    assert apple.entity_id is None and apple.known and apple.alias == "Apple Inc."
    assert REGISTER.resolve("Apple Leisure Group").entity_id == "gleif:ALG"


def test_pinyin_key_only_for_chinese():
    assert cjk_latin_key("华为技术") == "huawei tech"
    assert cjk_latin_key(normalise_company("北京百度网讯科技有限公司")) == "beijing baiduwangxun tech"
    assert cjk_latin_key("halcyon software") == "" and cjk_latin_key("トヨタ自动车") == ""
    assert normalise_company("Amazon.com, Inc.") == "amazoncom"  # stored keys of Latin names unchanged


def test_abbreviation_like_names():
    assert looks_like_abbreviation("XYZQ") and looks_like_abbreviation("I.B.M.") and looks_like_abbreviation("ABC Ltd")
    assert not looks_like_abbreviation("Quantix Solutions Global") and not looks_like_abbreviation("Acme")


def test_opencorporates_alternative_names_are_registered_names():
    e = opencorporates_entity({"jurisdiction_code": "gb", "company_number": "1", "name": "ALPHA BETA LIMITED",
                               "previous_names": [{"company_name": "OLD ALPHA LIMITED"}],
                               "alternative_names": [{"company_name": "AB Trading", "type": "trading"}]})
    assert [(n.name, n.kind) for n in e.names] == [("ALPHA BETA LIMITED", "legal"), ("OLD ALPHA LIMITED", "previous"),
                                                  ("AB Trading", "trading")]


def test_resolve_command_against_a_duckdb_warehouse(tmp_path, monkeypatch, capsys):
    from include.cli import main
    from include.engine.names import normalise_name
    from include.warehouse import connect
    from include.warehouse.registry_cache import WarehouseRegistryCache

    db = tmp_path / "wh.duckdb"
    spec = {"conn_type": "duckdb", "host": str(db)}
    wh = connect(spec)
    wh.migrate()
    WarehouseRegistryCache(wh, normalise_name).put_entity(ent("gleif:AMZN", "Amazon.com, Inc."))
    wh.close()
    monkeypatch.setenv("AIRFLOW_CONN_CROSSCHECK_WAREHOUSE", json.dumps(spec))
    assert main(["resolve", "AWS", "Amazon.com Inc"]) == 0
    out = capsys.readouterr().out
    assert "gleif:AMZN (gleif) Amazon.com, Inc." in out and "abbreviation AWS" in out
    names = tmp_path / "names.csv"
    names.write_text("employer,start\nMSFT,2020\nXYZQ,2019\n", encoding="utf-8")
    result = tmp_path / "out.csv"
    assert main(["resolve", "--csv", str(names), "--out", str(result)]) == 1  # XYZQ resolves to nothing
    rows = list(csv.DictReader(result.open(encoding="utf-8")))
    assert [r["name"] for r in rows] == ["MSFT", "XYZQ"]
    assert rows[0]["alias_company"] == "Microsoft Corporation" and rows[0]["entity_id"] == ""
    assert "ask for the full legal name" in rows[1]["why"]


def test_resolve_command_without_a_warehouse_still_answers_from_the_alias_table(tmp_path, monkeypatch, capsys):
    from include.cli import main

    monkeypatch.setenv("AIRFLOW_CONN_CROSSCHECK_WAREHOUSE",
                       json.dumps({"conn_type": "duckdb", "host": str(tmp_path / "none.duckdb")}))
    assert main(["resolve", "百度"]) == 0
    out = capsys.readouterr().out
    assert "no register is loaded" in out and "Baidu, Inc." in out
