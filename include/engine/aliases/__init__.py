"""The alias table: tickers, brands, subsidiaries and Chinese / Japanese / Korean names of well-known
employers, mapped to one company (and its corporate family).

Registers know legal names; resumes say "AWS", "MSFT", "百度". The table (generated from the
hand-written ``source.yaml`` by ``generate.py``, loaded lazily once) says which company such a
name means, so the resolver can find that company's legal name in the register, and
``same_employer`` can tell "AWS" and "Amazon.com, Inc." are one family while "Apple Leisure Group"
is not Apple. A look-up is by exact key, never fuzzy: a famous name is matched only in the forms
the table lists, with location or group words around it ("Google UK", "Microsoft Ireland
Operations"), so that a namesake sharing one famous word does not become that company.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from include.engine.names import cjk_latin_key, has_cjk, split_cjk_name

TABLE = Path(__file__).resolve().parent / "table.json"

# Words that say where, or which part of a group, not which company: "Google UK Limited" is Google.
_QUALIFIER_WORDS = """
    uk gb usa us america americas emea apac asia europe eu european intl global worldwide china prc japan korea
    india ireland germany deutschland france canada australia singapore hong kong hk taiwan netherlands
    switzerland italy italia spain espana brasil brazil mexico israel poland sweden nordic nordics middle east
    africa latin north south west central pacific beijing shanghai shenzhen hangzhou guangzhou london dublin
    tokyo seoul bangalore bengaluru hyderabad paris munich berlin amsterdam new york seattle
    group holding co corp inc ltd llc plc ag sa nv bv gmbh limited company operations svcs branch office division
"""
QUALIFIERS = frozenset(_QUALIFIER_WORDS.split())
_CJK_QUALIFIERS = ("中国", "香港", "集团", "控股", "分公司", "总部")
KIND_LABELS = {"legal": "legal name", "name": "name", "cjk": "CJK name", "pinyin": "pinyin of", "abbreviation":
               "abbreviation", "ticker": "ticker"}


@dataclass(frozen=True)
class AliasHit:
    company: str  # the table's company id, e.g. "aws"
    legal: str  # its legal name, e.g. "Amazon Web Services, Inc."
    family: str  # the id at the top of its parent chain, e.g. "amazon"
    kind: str  # legal, name, cjk, pinyin, abbreviation, ticker
    form: str  # the written form that matched, e.g. "NASDAQ: MSFT"
    ignored: tuple[str, ...] = ()  # qualifier words set aside to find it

    @property
    def why(self) -> str:
        extra = f" (ignoring {' '.join(self.ignored)!r})" if self.ignored else ""
        return f"alias table v{version()}: {KIND_LABELS.get(self.kind, self.kind)} {self.form} → {self.legal}{extra}"


@lru_cache(maxsize=1)
def table() -> dict[str, Any]:
    with TABLE.open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def version() -> int:
    return int(table()["version"])


def company(cid: str) -> dict[str, Any]:
    return dict(table()["companies"][cid])


def family_members(family: str) -> list[str]:
    """Company ids of one family, the top of the family first."""
    return _members().get(family, [family])


@lru_cache(maxsize=1)
def _members() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for cid, c in sorted(table()["companies"].items()):
        out.setdefault(c["family"], []).append(cid)
    for fam, ids in out.items():
        ids.sort(key=lambda i: (i != fam, i))
    return out


def _hit(key: str, ignored: tuple[str, ...] = (), no_short_forms: bool = False) -> AliasHit | None:
    entry = table()["keys"].get(key)
    if entry is None:
        return None
    cid, kind, form = entry
    if no_short_forms and kind in ("ticker", "abbreviation"):
        return None
    c = table()["companies"][cid]
    return AliasHit(cid, c["legal"], c["family"], kind, form, ignored)


@lru_cache(maxsize=1 << 16)
def lookup(norm: str) -> AliasHit | None:
    """The company a normalised name (``normalise_company``) means per the table, or None."""
    if not norm:
        return None
    hit = _hit(norm.replace(" ", ""))
    if hit is not None:
        return hit
    if has_cjk(norm):
        return _lookup_cjk(norm)
    toks = norm.split()
    kept = [t for t in toks if t not in QUALIFIERS]
    if kept and len(kept) < len(toks):
        dropped = tuple(t for t in toks if t in QUALIFIERS)
        return _hit("".join(kept), dropped, no_short_forms=True)
    return None


def _lookup_cjk(norm: str) -> AliasHit | None:
    """A Chinese name the table lists without its city, industry or group words, or its pinyin."""
    compact = norm.replace(" ", "")
    prefixes, brand, suffixes = split_cjk_name(compact)
    core = brand
    for q in _CJK_QUALIFIERS:
        core = core.replace(q, "") or core
    for cand in dict.fromkeys((brand, core)):
        if cand != compact and len(cand) >= 2:
            hit = _hit(cand, tuple(prefixes + suffixes), no_short_forms=True)
            if hit is not None:
                return hit
    latin = cjk_latin_key(norm)
    if latin:
        hit = _hit(latin.replace(" ", ""), no_short_forms=True)
        if hit is not None and hit.kind != "cjk":
            return hit
    return None


def register_norms(hit: AliasHit) -> list[tuple[str, bool]]:
    """Normalised names to look for in a register, the company's own first (True), then its family's."""
    own = [(n, True) for n in table()["companies"][hit.company]["norms"]]
    others = [(n, False) for cid in family_members(hit.family) if cid != hit.company
              for n in table()["companies"][cid]["norms"]]
    return own + others


def legal_names_for_lookup(hit: AliasHit) -> list[str]:
    """Legal names to ask a registry API for: the company's own, then its family's top company."""
    names = [hit.legal]
    top = table()["companies"][hit.family]["legal"]
    if top not in names:
        names.append(top)
    return names


# ---- Listed companies: generated from a listing package, with its provenance ------------------------
# ``listed.json`` is written by the workshop's ``evaluation/listed_aliases.py`` from pytickersymbols (the
# product does not import the package). It is weaker than the hand table: it never says two names are
# *different* companies (it knows no corporate families) and never blocks a fuzzy match; it only says
# that a ticker, a listing or a domain's brand is one listed company's, and the engine accepts that
# when the other name is one of that company's names.
LISTED = Path(__file__).resolve().parent / "listed.json"


@dataclass(frozen=True)
class ListedHit:
    company: str  # the data's company id (an ISIN or a symbol)
    name: str  # the company's name as the listing package gives it
    kind: str  # name, listing, ticker, short-ticker, brand
    form: str  # the form that matched, e.g. "NYSE: F", "imhds"
    norms: tuple[str, ...]  # the company's names, normalised

    @property
    def why(self) -> str:
        return f"listed-company data ({listed_provenance()}): {self.kind} {self.form} → {self.name}"


@lru_cache(maxsize=1)
def listed() -> dict[str, Any]:
    if not LISTED.exists():
        return {"keys": {}, "companies": {}, "source": {}}
    with LISTED.open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def listed_provenance() -> str:
    """Where the listed-company data came from: "pytickersymbols 1.17.10, generated 2026-12-06"."""
    d = listed()
    src = d.get("source") or {}
    return f"{src.get('package', '?')} {src.get('version', '?')}, generated {d.get('generated_on', '?')}"


@lru_cache(maxsize=1 << 16)
def _listed_entry(key: str) -> ListedHit | None:
    entry = listed()["keys"].get(key)
    if entry is None:
        return None
    cid, kind, form = entry
    c = listed()["companies"][cid]
    return ListedHit(cid, c["name"], kind, form, tuple(c["norms"]))


def listed_lookup(raw: str, norm: str) -> ListedHit | None:
    """The listed company an employer string names per the generated data, or None.

    A bare ticker counts only as the whole employer string in capitals ("F", "AX", "BLFS"), never
    inside a name or in lower case ("Ax" is not Axos Financial); listings ("NYSE: F"), names and
    domain brands count whenever their key is the whole normalised name.
    """
    if not norm:
        return None
    hit = _listed_entry(norm.replace(" ", ""))
    if hit is None:
        return _listed_exchange_form(raw)
    if hit.kind in ("ticker", "short-ticker") and (raw or "").strip() != hit.form:
        return None
    return hit


# The other ways a listing is written ("MSFT (NASDAQ)", "Nasdaq GS: MSFT", "SHOP.TO", "7203.T"), read back to
# the exchange the listed data records it under. The exchanges and the words for them are those the hand
# table's generator writes (``generate.EXCHANGES``), so both tables read one listing the same way.
_SYMBOL_THEN_EXCHANGE = re.compile(r"([A-Za-z0-9.&-]+)\s*\(\s*([^()]+?)\s*\)")
_EXCHANGE_THEN_SYMBOL = re.compile(r"([^:()]+?)\s*:\s*([A-Za-z0-9.&-]+)")
_SYMBOL_DOT_SUFFIX = re.compile(r"([A-Za-z0-9&-]+)[. ]([A-Z]{1,2})")


@lru_cache(maxsize=1)
def _exchange_words() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """Per word written for an exchange, and per ticker suffix, the exchange's words (lower case)."""
    from include.engine.aliases.generate import EXCHANGES

    by_word: dict[str, tuple[str, ...]] = {}
    by_suffix: dict[str, tuple[str, ...]] = {}
    for code, (prefixes, suffix) in EXCHANGES.items():
        words = tuple(dict.fromkeys(w.lower() for w in (code, *prefixes)))
        for w in words:
            by_word[w.replace(" ", "")] = words
        if suffix:
            by_suffix[suffix] = words
    return by_word, by_suffix


def _listed_exchange_form(raw: str) -> ListedHit | None:
    """A listing written with the exchange after the symbol, another name of the exchange, or a ticker
    suffix: the listed data's listing for that exchange and symbol, if it has one."""
    text = (raw or "").strip()
    by_word, by_suffix = _exchange_words()
    words: tuple[str, ...] = ()
    if m := _SYMBOL_THEN_EXCHANGE.fullmatch(text):
        symbol, words = m[1], by_word.get(m[2].lower().replace(" ", ""), ())
    elif m := _EXCHANGE_THEN_SYMBOL.fullmatch(text):
        symbol, words = m[2], by_word.get(m[1].lower().replace(" ", ""), ())
    elif m := _SYMBOL_DOT_SUFFIX.fullmatch(text):
        symbol, words = m[1], by_suffix.get(m[2], ())
    for word in words:
        hit = _listed_entry(f"{word}{symbol.lower()}".replace(" ", ""))
        if hit is not None and hit.kind == "listing":
            return hit
    return None
