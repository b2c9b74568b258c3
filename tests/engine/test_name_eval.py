"""The name-matching evaluation: pairs derived from real rows, its arithmetic, and its report."""

from __future__ import annotations

import sys
import types

import pytest
from pytickersymbols import PyTickerSymbols

from evaluation import names as name_eval
from evaluation.names import Counts, alias_table_names, best_threshold, tally
from evaluation.names_data import chinese_names, load_sources, merge_rows
from evaluation.names_pairs import KINDS, Pair, derive_pairs, variants
from evaluation.names_text import domain_stem, legal_suffixes, squash, without_legal_form


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return list(PyTickerSymbols().get_all_stocks())


@pytest.fixture(scope="module")
def sources():  # type: ignore[no-untyped-def]
    return load_sources()


@pytest.fixture(scope="module")
def pairs(sources) -> list[Pair]:  # type: ignore[no-untyped-def]
    return derive_pairs(sources.companies, sources.chinese)


def _row(rows: list[dict], name: str) -> dict:
    return next(r for r in rows if r["name"] == name)


def test_variants_of_a_real_row_carry_the_right_labels(rows: list[dict]) -> None:
    (one_and_one,) = merge_rows([_row(rows, "1&1")])
    got = {(kind, text) for kind, _, text in variants(one_and_one)}
    assert ("ticker", "1U1") in got
    assert ("legal-suffix", "1&1 AG") in got  # the Wikipedia article's title
    assert ("legal-suffix", "1&1 Aktiengesellschaft") in got  # the infobox's legal form, long
    assert ("brand", "1und1") in got  # www.1und1.ag
    assert all(squash(text) != squash("1&1") for _, text in got)


def test_share_classes_and_one_listing_in_two_indices_are_one_company(rows: list[dict]) -> None:
    clearway = merge_rows(
        [_row(rows, "Clearway Energy, Inc. (Class A)"), _row(rows, "Clearway Energy, Inc. (Class C)")]
    )
    assert [c.name for c in clearway] == ["Clearway Energy, Inc."]
    yokohama = merge_rows([_row(rows, "Bank of Yokohama"), _row(rows, "Yokohama Financial Group")])
    assert len(yokohama) == 1  # one symbol, 7186.T
    assert yokohama[0].other_names


def test_a_row_carrying_another_companys_article_gives_no_variants(rows: list[dict]) -> None:
    (abb,) = merge_rows([_row(rows, "ABB")])  # its metadata is Groupe SEB's
    assert abb.wiki_title is None and abb.domains == () and abb.tickers == ()
    assert variants(abb) == []


def test_negatives_pair_really_different_companies(sources, pairs: list[Pair]) -> None:  # type: ignore[no-untyped-def]
    merged_names: dict[str, set[str]] = {}
    for c in [*sources.companies, *sources.chinese]:
        merged_names.setdefault(c.key, set()).update({c.name, *c.other_names})
    own_variants: dict[str, set[str]] = {}
    for p in pairs:
        if p.same:
            own_variants.setdefault(p.company_key, set()).add(squash(p.variant))
    negatives = [p for p in pairs if not p.same]
    assert {p.kind for p in negatives} == set(KINDS)
    for p in negatives:
        assert p.variant_key != p.company_key
        assert p.variant not in merged_names[p.company_key]
        assert squash(p.variant) not in own_variants.get(p.company_key, set())
    for p in pairs:
        if p.same:
            assert p.variant_key == p.company_key
    by_name = {(p.variant, p.company) for p in negatives}
    assert ("Tokyo Gas", "Osaka Gas") in by_name or ("Osaka Gas", "Tokyo Gas") in by_name


def test_pairs_are_the_same_on_every_run(sources, pairs: list[Pair]) -> None:  # type: ignore[no-untyped-def]
    assert derive_pairs(sources.companies, sources.chinese) == pairs
    assert derive_pairs(sources.companies, sources.chinese, seed=14) != pairs


def test_text_rules() -> None:
    assert legal_suffixes("Public ( K.K )") == ["K.K.", "Kabushiki Kaisha"]
    assert legal_suffixes("Naamloze vennootschap / Société anonyme") == ["N.V."]
    assert legal_suffixes("Public") == []
    assert without_legal_form("Ichor Holdings, Ltd.") == "Ichor Holdings"
    assert without_legal_form("The Coca-Cola Company") == "Coca-Cola"
    assert domain_stem("www.tepco.co.jp") == "tepco"
    assert domain_stem("inc.skywest.com") == "skywest"
    assert domain_stem("group.bnpparibas") == "bnpparibas"


def test_chinese_names_lose_the_security_words() -> None:
    tickerdata = pytest.importorskip("tickerdata")
    rows = [tickerdata.lookup(s) for s in ("BABA", "MSFT", "GOOG", "NVDA", "SPY")]
    got = {c.tickers[0]: c for c in chinese_names(rows, {})}
    assert got["BABA"].zh_name == "阿里巴巴集团" and got["BABA"].name == "Alibaba Group Holding Limited"
    assert got["MSFT"].zh_name == "微软" and got["MSFT"].name == "Microsoft Corporation"
    assert "GOOG" not in got  # "Alphabet（谷歌母公司）": no Chinese name once the description goes
    assert "NVDA" not in got  # marked by the package as an unverified placeholder
    assert "SPY" not in got  # a fund, not an employer


def test_counts_and_tuned_threshold_arithmetic() -> None:
    ps = [
        Pair("ticker", "r", v, "X", same, "x", "x" if same else "y")
        for v, same in (("a", True), ("b", True), ("c", True), ("d", False), ("e", False))
    ]
    c = tally(ps, [True, True, False, True, False])
    assert (c.tp, c.fp, c.fn, c.tn) == (2, 1, 1, 1)
    assert c.precision == pytest.approx(2 / 3) and c.recall == pytest.approx(2 / 3)
    assert c.f1 == pytest.approx(2 / 3) and c.false_positive_rate == pytest.approx(0.5)
    assert Counts(tn=3).precision is None and Counts(tn=3).recall is None
    threshold, best = best_threshold(ps, [95.0, 91.0, 60.0, 80.0, 10.0])
    assert threshold == 11.0 and (best.tp, best.fp, best.fn) == (3, 1, 0)  # 61 would miss "c": F1 0.67 < 0.86


def test_alias_table_is_read_whatever_its_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = types.ModuleType("include.engine.aliases")
    fake.load_aliases = lambda: {"MSFT": ("Microsoft Corporation",), "百度": ["Baidu"]}  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "include.engine.aliases", fake)
    found = alias_table_names()
    assert found is not None
    assert {"msft", "microsoft", "百度", "baidu"} <= found[1]


def test_report_prints_both_scorers_and_gates_on_thresholds() -> None:
    lines: list[str] = []
    assert name_eval.main(["--show-errors", "5", "--min-recall", "1.01"], out=lines.append) == 1
    text = "\n".join(lines)
    assert "engine same_employer" in text and "WRatio >= 90" in text
    assert "tuned on the test" in text and "pytickersymbols 1.17.10" in text
    for kind in KINDS:
        assert any(line.startswith(kind) for line in lines)
    assert any(line.startswith("overall") for line in lines)
    assert "BELOW THRESHOLD: overall recall" in text
    assert sum(line.startswith(("  missed", "  false match")) for line in lines) == 5


def test_without_tickerdata_there_is_no_chinese_class(monkeypatch: pytest.MonkeyPatch) -> None:
    from evaluation import names_data as name_eval_data

    def missing(package: str) -> object:
        raise ModuleNotFoundError(package)

    monkeypatch.setattr(name_eval_data.resources, "files", missing)
    got = load_sources()
    assert got.chinese == [] and "tickerdata: not installed" in got.description[-1]
    assert len(got.companies) > 1500
