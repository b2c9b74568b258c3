"""The hand-written alias table holds only what no data source gives (issue 23).

A hand-table ticker is *redundant* when the generated listed-company data (``listed.json``) answers every
question the engine asks of it identically, so that deleting it from ``source.yaml`` changes no verdict:

- every written form the hand table generates for it ("NASDAQ: MSFT", "MSFT (NASDAQ)", "0700.HK", bare
  "MSFT") is found by ``aliases.listed_lookup`` as written, as one listed company;
- that listed company has every name the hand table knows the company by (against a name the hand table
  knows, ``_same_by_listing`` accepts only a listed name itself), and
- the company has no corporate family and no Chinese / Japanese / Korean names in the hand table: the
  listed data knows neither, so "MSFT" against "LinkedIn" or against 微软 would no longer match.

Registry names are not a source here: they come from the registers of each run (``RegistryIndex``), not
from a table loaded next to the alias table, so no hand entry can be checked against them statically.
A hand *company* entry as a whole is never redundant: it is the only source of negative evidence (two
companies are different; "Apple Leisure Group" is not Apple), which the listed data never gives.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import yaml

from include.engine import aliases
from include.engine.aliases.generate import SOURCE, ticker_forms
from include.engine.names import normalise_company

Lookup = Callable[[str, str], Any]

# Why a hand ticker stays, the first reason that applies (docs/ACCURACY.md lists them with counts).
NOT_LISTED = "not in the listed data"
OTHER_COMPANY = "the listed data gives none of its names here"  # or is several companies
FAMILY = "corporate family"
CJK = "CJK names"
NAMES = "a name the listed data lacks"
EXCHANGE_FORM = "exchange form"


def _source() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(SOURCE.read_text(encoding="utf-8"))
    return data


def why_kept(cid: str, ticker: str, source: dict[str, Any], lookup: Lookup = aliases.listed_lookup,
             table: dict[str, Any] | None = None) -> str | None:
    """Why the hand table must keep ``ticker`` of company ``cid``, or None when a data source gives it."""
    companies = source["companies"]
    word_tickers = {str(t).upper() for t in source.get("word_tickers", [])}
    forms = ticker_forms(ticker, word_tickers)
    hits = [lookup(f, normalise_company(f)) for f in forms]
    listed_ids = {h.company for h in hits if h is not None}
    if not listed_ids:
        return NOT_LISTED
    hand_norms = set((table or aliases.table())["companies"][cid]["norms"])
    listed_norms = {n for h in hits if h is not None for n in h.norms}
    if len(listed_ids) > 1 or not hand_norms & listed_norms:
        return OTHER_COMPANY
    c = companies[cid]
    if c.get("parent") or any(o.get("parent") == cid for o in companies.values()):
        return FAMILY
    if any(c.get(lang) for lang in ("zh", "ja", "ko")):
        return CJK
    if hand_norms - listed_norms:
        return NAMES
    if any(h is None for h in hits):
        return EXCHANGE_FORM
    return None


def kept_reasons(source: dict[str, Any], lookup: Lookup = aliases.listed_lookup,
                 table: dict[str, Any] | None = None) -> dict[tuple[str, str], str | None]:
    return {(cid, str(t)): why_kept(cid, str(t), source, lookup, table)
            for cid, c in source["companies"].items() for t in c.get("tickers") or []}


def test_every_hand_ticker_is_something_no_data_source_gives():
    reasons = kept_reasons(_source())
    redundant = sorted(k for k, why in reasons.items() if why is None)
    assert not redundant, f"answered identically by listed.json, delete from source.yaml: {redundant}"
    counts = Counter(reasons.values())
    # the figures docs/ACCURACY.md gives (a change of either table must update the page)
    assert sum(counts.values()) == 417
    assert counts == {NOT_LISTED: 214, CJK: 160, NAMES: 19, FAMILY: 16, OTHER_COMPANY: 8}


class _Hit:
    def __init__(self, company: str, norms: tuple[str, ...]) -> None:
        self.company, self.norms = company, norms


def _tiny(parent: str | None = None, zh: list[str] | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    entry: dict[str, Any] = {"legal": "Acme Widgets Inc.", "names": ["Acme Widgets"], "tickers": ["NYSE:ACMW"]}
    companies: dict[str, Any] = {"acme": entry, "acme_group": {"legal": "Acme Group"}}
    if parent:
        entry["parent"] = parent
    if zh:
        entry["zh"] = zh
    table = {"companies": {"acme": {"norms": ["acme widgets"]}, "acme_group": {"norms": ["acme"]}}}
    return {"word_tickers": [], "companies": companies}, table


def test_the_check_flags_a_ticker_the_data_answers_in_every_form():
    source, table = _tiny()

    def everywhere(raw: str, norm: str) -> _Hit:
        return _Hit("US0000000001", ("acme widgets",))

    assert why_kept("acme", "NYSE:ACMW", source, everywhere, table) is None
    assert kept_reasons(source, everywhere, table) == {("acme", "NYSE:ACMW"): None}


def test_the_check_keeps_what_the_data_does_not_give():
    source, table = _tiny()

    def bare_only(raw: str, norm: str) -> _Hit | None:
        return _Hit("US0000000001", ("acme widgets",)) if raw == "ACMW" else None

    assert why_kept("acme", "NYSE:ACMW", source, bare_only, table) == EXCHANGE_FORM
    assert why_kept("acme", "NYSE:ACMW", source, lambda raw, norm: None, table) == NOT_LISTED
    assert why_kept("acme", "NYSE:ACMW", source, lambda raw, norm: _Hit("X", ("acme tools",)), table) == OTHER_COMPANY
    assert why_kept("acme", "NYSE:ACMW", source, lambda raw, norm: _Hit("X", ("acme",)), table) == OTHER_COMPANY
    family, _ = _tiny(parent="acme_group")
    assert why_kept("acme", "NYSE:ACMW", family, lambda raw, norm: _Hit("X", ("acme widgets",)), table) == FAMILY
    cjk, _ = _tiny(zh=["艾克米"])
    assert why_kept("acme", "NYSE:ACMW", cjk, lambda raw, norm: _Hit("X", ("acme widgets",)), table) == CJK
    table["companies"]["acme"]["norms"].append("acme widget works")
    assert why_kept("acme", "NYSE:ACMW", source, lambda raw, norm: _Hit("X", ("acme widgets",)), table) == NAMES


def test_a_ticker_left_to_the_listed_data_still_matches_in_every_form():
    # ServiceNow's NYSE: NOW went from the hand table: the listed data reads each way it is written
    from include.engine.resolve import RegistryIndex, same_employer

    empty = RegistryIndex([])
    assert aliases.lookup(normalise_company("NYSE: NOW")) is None
    for form in ("NYSE: NOW", "NYSE:NOW", "NOW (NYSE)"):
        same, score, why = same_employer(form, "ServiceNow, Inc.", empty)
        assert same and score >= 0.9 and "listed-company data" in why, (form, why)
    for form in ("INTU (NASDAQ)", "Nasdaq GS: INTU", "INTU (Nasdaq GS)", "NasdaqGS:INTU", "INTU"):
        assert same_employer(form, "Intuit", empty)[0], form
    assert same_employer("SHOP.TO", "Shopify", empty)[0] and same_employer("SHOP (TSX)", "Shopify", empty)[0]
    # never from a word, a lower-case bare ticker, or another exchange's listing
    assert not same_employer("Now", "ServiceNow", empty)[0]
    assert not same_employer("Intu", "Intuit", empty)[0]
    assert not same_employer("NOW (TSX)", "ServiceNow", empty)[0]
    assert aliases.listed_lookup("Acme (UK)", normalise_company("Acme (UK)")) is None
