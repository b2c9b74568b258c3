"""The listed-company alias data: generated from pytickersymbols with its provenance, and how the engine
uses it (tickers, listings and domain brands against the company's name; never a bare ticker inside a
name or in lower case); and Japanese kanji read with pykakasi."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from importlib import metadata

import pytest

from evaluation import listed_aliases
from include.engine import aliases
from include.engine.names import normalise_company, same_reading
from include.engine.resolve import RegistryIndex, same_employer
from include.models import RegistryEntity, RegistryName


def test_listed_data_is_up_to_date_with_its_generator():
    # regenerates from the installed package (its generation day aside) and compares with the committed file
    assert listed_aliases.stale() is None


def test_listed_data_says_where_it_came_from():
    data = json.loads(listed_aliases.TARGET.read_text(encoding="utf-8"))
    assert data["source"]["package"] == "pytickersymbols"
    assert data["source"]["version"] == metadata.version("pytickersymbols")
    assert data["source"]["rows"] > 1000
    date.fromisoformat(data["generated_on"])
    assert (listed_aliases.ROOT / data["generated_by"]).is_file()
    body = {k: data[k] for k in ("companies", "keys", "ambiguous")}
    content = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert hashlib.sha256(content.encode()).hexdigest() == data["content_sha256"]
    assert "pytickersymbols 1.17.10, generated " in aliases.listed_provenance()


def test_stale_detects_an_edited_file(tmp_path):
    edited = json.loads(listed_aliases.TARGET.read_text(encoding="utf-8"))
    edited["keys"]["madeupbrand"] = ["AX", "brand", "madeupbrand"]
    target = tmp_path / "listed.json"
    target.write_text(json.dumps(edited), encoding="utf-8")
    assert "keys" in (listed_aliases.stale(target) or "")
    assert listed_aliases.main(["--check", "--out", str(target)]) == 1


def test_ambiguous_keys_are_left_out():
    data = aliases.listed()
    assert set(data["ambiguous"]).isdisjoint(data["keys"])
    assert "dg" in data["ambiguous"]  # Dollar General and Vinci both trade as DG
    # so "DG" is declined (asked about), not guessed, even against the right company
    assert not same_employer("DG", "Dollar General", RegistryIndex([]))[0]


@pytest.mark.parametrize(("raw", "expected"), [("F", "Ford Motor Company"), ("AX", "Axos Financial"),
                                               ("BLFS", "BioLife Solutions, Inc."), ("f", None), ("Ax", None),
                                               ("Blfs", None)])
def test_a_bare_ticker_counts_only_as_the_whole_string_in_capitals(raw, expected):
    hit = aliases.listed_lookup(raw, normalise_company(raw))
    assert (hit.name if hit else None) == expected


@pytest.mark.parametrize(("a", "b"), [
    ("AX", "Axos Financial, Inc."), ("F", "Ford Motor Company"), ("CB", "Chubb Limited"),
    ("imhds", "Isetan Mitsukoshi Holdings"), ("hitachicm", "Hitachi Construction Machinery Co., Ltd."),
    ("塩野義製薬", "Shionogi"), ("株式会社日立製作所", "Hitachi Ltd"), ("三菱重工業", "Mitsubishi Heavy Industries"),
])
def test_listed_short_forms_and_kanji_match_their_company(a, b):
    same, _, why = same_employer(a, b, RegistryIndex([]))
    assert same, why


@pytest.mark.parametrize(("a", "b"), [
    ("AX", "Axon Enterprise"), ("F", "Fastenal"), ("f", "Ford Motor Company"), ("Ford F", "Fastenal"),
    ("CB", "Chubb Fire & Security"), ("三井物産", "Mitsui Fudosan"), ("APLE", "Apple"), ("APLE", "Apple Inc."),
    ("三菱電機", "Mitsubishi Heavy Industries"), ("東芝", "Toyota Motor"),
])
def test_listed_and_kanji_hard_negatives_stay_different(a, b):
    same, _, why = same_employer(a, b, RegistryIndex([]))
    assert not same, why


def test_kanji_reading_needs_kanji_and_agreeing_kinds_of_business():
    assert same_reading("本田技研工業", "honda motor")
    assert not same_reading("三菱電機", "mitsubishi heavy industries")  # electric against heavy industries
    assert not same_reading("ソニー", "sony")  # kana only: the kana reader's job (names.same_sound)
    assert not same_reading("百度", "baidu")  # Chinese read in Japanese is not its pinyin


def test_resolve_finds_a_listed_short_form_under_the_companys_registered_name():
    def entity(eid: str, name: str) -> RegistryEntity:
        return RegistryEntity(entity_id=eid, registry="gleif", names=[RegistryName(name=name, kind="legal")],
                              record_url=f"https://example.org/{eid}")

    ent, other = entity("gleif:AXOS", "Axos Financial, Inc."), entity("gleif:AXON", "Axon Enterprise, Inc.")
    index = RegistryIndex([ent, other])
    res = index.resolve("AX")
    assert res.entity_id == "gleif:AXOS" and "pytickersymbols" in res.why
    assert index.resolve("NYSE: AX").entity_id == "gleif:AXOS"
    assert not index.resolve("Ax").hit  # a bare ticker in lower case is not read as one
    assert not index.resolve("AXN").hit
