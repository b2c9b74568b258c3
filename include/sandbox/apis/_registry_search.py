"""Name search shared by the sandbox's three registry APIs, imitating how real registry searches behave.

Token overlap, case- and punctuation-insensitive, over every name a record has (current, previous,
other, transliterated); CJK runs match by substring once legal forms like 有限公司 are cut off.
Legal forms alone never make a hit, but ordinary words do: "Quantix Solutions" finds "Halcyon
Software Solutions" as a weak, wrong hit, exactly the noise a real registry search returns and the
resolver must reject.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]+|[^\W_{_CJK}]+")
_CJK_RUN = re.compile(rf"^[{_CJK}]+$")
_LEGAL = frozenset({
    "ltd", "limited", "plc", "inc", "incorporated", "llc", "llp", "lp", "gmbh", "ag", "sa", "sas", "sarl", "bv",
    "nv", "co", "corp", "corporation", "company", "the", "and", "of", "pty", "srl", "spa", "kk", "oy", "ab", "as",
    "se",
})
_CJK_LEGAL = ("股份有限公司", "有限责任公司", "有限公司", "株式会社", "集团", "公司")
WEAK = 0.25  # weight of a single-letter token match ("S.A." -> "s", "a")


@lru_cache(maxsize=1 << 16)
def tokens(text: str) -> tuple[str, ...]:
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = re.sub(r"['’`´.]", "", text)
    return tuple(_TOKEN.findall(text))


def _cjk_core(tok: str) -> str:
    changed = True
    while changed:
        changed = False
        for suffix in _CJK_LEGAL:
            if tok.endswith(suffix):
                tok, changed = tok[: -len(suffix)], True
    return tok


def _score_one(q_tokens: tuple[str, ...], name: str) -> float:
    n_tokens = tokens(name)
    n_set = set(n_tokens)
    n_cjk = [_cjk_core(t) for t in n_tokens if _CJK_RUN.match(t)]
    score = 0.0
    strong = False
    for qt in q_tokens:
        if _CJK_RUN.match(qt):
            core = _cjk_core(qt)
            if core and any(core in c or (len(c) >= 2 and c in core) for c in n_cjk if c):
                score, strong = score + max(1.0, len(core) / 2), True
        elif qt in n_set and qt not in _LEGAL:
            score += WEAK if len(qt) == 1 else 1.0
            strong = strong or len(qt) > 1
    if not strong:
        return 0.0
    if [t for t in q_tokens if t not in _LEGAL] == [t for t in n_tokens if t not in _LEGAL]:
        score += 100.0  # the same name up to legal form and punctuation
    return score


def search(records: Iterable[Any], query: str, names_of: Callable[[Any], list[str]]) -> list[tuple[Any, str]]:
    """(record, best matching name) for every record sharing a meaningful token with ``query``, best
    first: more overlap first, then the more specific (shorter) name, then the name itself."""
    q_tokens = tuple(dict.fromkeys(tokens(query)))
    ranked: list[tuple[float, int, str, int, Any]] = []
    for rec in records:
        best, best_name = 0.0, ""
        for name in names_of(rec):
            s = _score_one(q_tokens, name)
            if s > best:
                best, best_name = s, name
        if best > 0:
            ranked.append((-best, len(tokens(best_name)), best_name, len(ranked), rec))
    ranked.sort(key=lambda r: r[:4])
    return [(r[4], r[2]) for r in ranked]


def fuzzy(records: Iterable[Any], query: str, names_of: Callable[[Any], list[str]],
          threshold: float = 75.0, limit: int = 10) -> list[tuple[Any, str]]:
    """Approximate matches that tolerate typos (GLEIF's fuzzy completions)."""
    q = " ".join(tokens(query))
    scored: list[tuple[float, str, int, Any]] = []
    for rec in records:
        best, best_name = 0.0, ""
        for name in names_of(rec):
            s = fuzz.WRatio(q, " ".join(tokens(name)))
            if s > best:
                best, best_name = s, name
        if best >= threshold:
            scored.append((-best, best_name, len(scored), rec))
    scored.sort(key=lambda r: r[:3])
    return [(r[3], r[1]) for r in scored[:limit]]


def page_slice(items: list[Any], start: int, size: int) -> list[Any]:
    return items[max(0, start): max(0, start) + max(0, size)]


def int_arg(value: str | None, default: int, low: int = 0, high: int = 10_000) -> int:
    try:
        n = int(value) if value not in (None, "") else default
    except ValueError:
        return default
    return max(low, min(high, n))
