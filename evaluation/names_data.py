"""Real listed companies, read at evaluation time from pinned PyPI packages (nothing copied here).

``pytickersymbols`` ships ~1,800 index constituents (S&P, NASDAQ 100, DAX, FTSE 100, CAC 40,
NIKKEI 225, ...) with tickers, ISINs, websites, Wikipedia links and legal forms; ``tickerdata``
(optional) ships a few dozen US listings with their Chinese names. The same company can appear in
several rows (two indices, two share classes), so rows sharing an ISIN, a symbol, a Wikipedia
article or a cleaned name are merged into one company: otherwise a true pair could be labelled as
two different companies.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import metadata, resources
from typing import Any
from urllib.parse import unquote, urlparse

from evaluation.names_text import clean_name, identity_words, squash, words


@dataclass(frozen=True)
class Company:
    key: str  # stable id: the first ISIN, else the first symbol, else the cleaned name
    name: str  # the name the register holds in the evaluation (its "legal" name)
    other_names: tuple[str, ...]  # names of merged duplicate rows
    tickers: tuple[str, ...]  # bare symbols, exchange suffix and share class dropped ("III", "SY1")
    listed_as: tuple[str, ...]  # "NYSE: MMM", as Wikipedia's "Traded as" writes it
    wiki_title: str | None
    legal_form: str | None  # the infobox's "Type", e.g. "Aktiengesellschaft", "Public ( K.K )"
    domains: tuple[str, ...]  # "1und1.ag", "tepco.co.jp"
    zh_name: str | None = None


@dataclass(frozen=True)
class Sources:
    companies: list[Company]
    description: list[str]  # one line per source: name, version, rows read
    chinese: list[Company]  # companies with a real Chinese name (tickerdata), possibly none


_LISTED = re.compile(r"([A-Za-z][A-Za-z .&]{1,30}?)\s*:\s*([A-Z0-9][A-Z0-9.\-]{0,9})\b")
_DOMAIN = re.compile(r"^(?:https?://)?([a-z0-9][a-z0-9.\-]*\.[a-z]{2,})(?:/.*)?$", re.IGNORECASE)
_YAHOO_SUFFIX = re.compile(r"\.[A-Z]{1,2}$")
_SHARE_CLASS = re.compile(r"-[A-Z]$")
_GOOGLE_EXCHANGES = {"NYSE", "NASDAQ", "LON", "TYO", "EPA", "ETR", "BME", "AMS", "EBR", "STO", "HEL", "SWX"}


def _ticker(symbol: str | None) -> str | None:
    if not symbol:
        return None
    return _SHARE_CLASS.sub("", _YAHOO_SUFFIX.sub("", symbol.strip().upper())) or None


def _wiki_title(url: str | None) -> str | None:
    if not url or "wikipedia.org/wiki/" not in url:
        return None
    title = unquote(urlparse(url).path.rsplit("/", 1)[-1]).replace("_", " ")
    return clean_name(title) or None


def _domains(website: str | None) -> tuple[str, ...]:
    out: list[str] = []
    for part in (website or "").split():
        m = _DOMAIN.match(part.strip("()"))
        if m and m.group(1).lower() not in out:
            out.append(m.group(1).lower())
    return tuple(out)


def _listed_as(meta: dict[str, Any], symbols: list[dict[str, Any]]) -> tuple[str, ...]:
    traded = meta.get("traded_as") or ""
    m = _LISTED.search(traded)
    if m:
        return (f"{m.group(1).strip()}: {m.group(2)}",)
    for s in symbols:
        exchange, _, sym = (s.get("google") or "").partition(":")
        if sym and exchange in _GOOGLE_EXCHANGES:
            return (f"{exchange}: {sym}",)
    return ()


def agrees(name: str, title: str | None) -> bool:
    """Whether a row's Wikipedia article is about the company the row names.

    Some rows carry another company's infobox (the "ABB" row links Groupe SEB's article, website
    and listing): when neither name's words contain the other's and neither is the other's
    initials, the row's ticker and metadata are not trusted to be that company's.
    """
    if not title:
        return True
    a, b = identity_words(name), identity_words(title)
    if not a or not b or a <= b or b <= a or squash(name) == squash(title):
        return True
    initials = ("".join(w[0] for w in words(name)), "".join(w[0] for w in words(title)))
    return squash(title) == initials[0] or squash(name) == initials[1]


class _Merge:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def merge_rows(rows: list[dict[str, Any]]) -> list[Company]:
    """One Company per real company: rows sharing an ISIN, symbol, article or cleaned name merge."""
    rows = [r for r in rows if clean_name(r.get("name") or "")]
    merge = _Merge(len(rows))
    first: dict[tuple[str, str], int] = {}
    for i, r in enumerate(rows):
        meta = r.get("metadata") or {}
        keys = [("isin", x) for x in r.get("isins") or []]
        keys += [("symbol", r["symbol"])] if r.get("symbol") else []
        keys += [("wiki", meta["wikipedia_url"])] if meta.get("wikipedia_url") else []
        keys.append(("name", squash(clean_name(r["name"]))))
        for k in keys:
            if k in first:
                merge.union(first[k], i)
            else:
                first[k] = i
    groups: dict[int, list[int]] = {}
    for i in range(len(rows)):
        groups.setdefault(merge.find(i), []).append(i)
    out: list[Company] = []
    for members in groups.values():
        names = list(dict.fromkeys(clean_name(rows[i]["name"]) for i in members))
        first_row = rows[members[0]]
        rs = [
            r
            for r in (rows[i] for i in members)
            if agrees(clean_name(r["name"]), _wiki_title((r.get("metadata") or {}).get("wikipedia_url")))
        ]
        metas = [r.get("metadata") or {} for r in rs]
        tickers = [t for r in rs if (t := _ticker(r.get("symbol")))]
        listed = [x for r, m in zip(rs, metas, strict=True) for x in _listed_as(m, r.get("symbols") or [])]
        isins = [x for i in members for x in rows[i].get("isins") or []]
        out.append(
            Company(
                key=isins[0] if isins else (first_row.get("symbol") or squash(names[0])),
                name=names[0],
                other_names=tuple(names[1:]),
                tickers=tuple(dict.fromkeys(tickers)),
                listed_as=tuple(dict.fromkeys(listed)),
                wiki_title=next((t for m in metas if (t := _wiki_title(m.get("wikipedia_url")))), None),
                legal_form=next((m["company_type"] for m in metas if m.get("company_type")), None),
                domains=tuple(dict.fromkeys(d for m in metas for d in _domains(m.get("website")))),
            )
        )
    out.sort(key=lambda c: c.key)
    return out


# tickerdata writes what is listed ("... Class A Common Stock", "... 美国存托股（每股代表8股普通股）"):
# the security description goes, the issuer's name stays.
_EN_SECURITY = re.compile(
    r"\s+(?:Class [A-Z] )?(?:Common Stock|Capital Stock|Ordinary Shares|American Depositary Shares.*)$"
)
_ZH_SECURITY = re.compile(r"[A-Z]类(?:普通)?股$|普通股$|美国存托股.*$")
_ZH_PARENS = re.compile(r"[（(][^）)]*[）)]")
_CJK = re.compile(r"[\u3400-\u9fff]")


def chinese_names(rows: list[dict[str, Any]], by_ticker: dict[str, Company]) -> list[Company]:
    """Stocks with a Chinese name, joined on the ticker to the pytickersymbols company if listed there.

    Skipped: funds (not employers), rows the package itself marks as unverified placeholders, and
    rows whose Chinese name is only a description once the security words go ("Alphabet（谷歌母公司）").
    """
    out: list[Company] = []
    for r in rows:
        zh, en = (r.get("name") or {}).get("zh"), (r.get("name") or {}).get("en")
        if r.get("security_type") != "stock" or not zh or not en or "未经独立核实" in (r.get("notes") or ""):
            continue
        zh_clean = _ZH_PARENS.sub("", _ZH_SECURITY.sub("", zh)).strip()
        if not _CJK.search(zh_clean):
            continue
        ticker = (r.get("symbol") or {}).get("canonical") or ""
        listed = by_ticker.get(_ticker(ticker) or "")
        if listed is not None:
            out.append(Company(**{**listed.__dict__, "zh_name": zh_clean}))
        else:
            name = _EN_SECURITY.sub("", en).strip().rstrip(",")
            out.append(
                Company(
                    key=f"tickerdata:{r['id']}",
                    name=name,
                    other_names=(),
                    tickers=(ticker,),
                    listed_as=(),
                    wiki_title=None,
                    legal_form=None,
                    domains=(),
                    zh_name=zh_clean,
                )
            )
    return out


def load_sources() -> Sources:
    from pytickersymbols import PyTickerSymbols

    rows = list(PyTickerSymbols().get_all_stocks())
    companies = merge_rows(rows)
    desc = [
        (
            f"pytickersymbols {metadata.version('pytickersymbols')}: {len(rows):,} index rows -> "
            f"{len(companies):,} companies after merging dual listings"
        )
    ]
    chinese: list[Company] = []
    try:
        raw = resources.files("tickerdata").joinpath("data", "instruments.json").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        desc.append(
            "tickerdata: not installed, so no Chinese class (no other offline source of real "
            "Chinese company names was found)"
        )
    else:
        payload = json.loads(raw)
        by_ticker = {t: c for c in companies for t in c.tickers}
        chinese = chinese_names(payload["instruments"], by_ticker)
        desc.append(
            f"tickerdata {metadata.version('tickerdata')} (data {payload['data_version'][:12]}): "
            f"{len(payload['instruments'])} listings -> {len(chinese)} companies with a Chinese name"
        )
    return Sources(companies, desc, chinese)
