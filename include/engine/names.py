"""Company names reduced to what identifies the company, so that spelling variants compare equal.

"Halcyon Software Ltd.", "HALCYON SOFTWARE LIMITED" and "Ｈａｌｃｙｏｎ Software" are one employer; so
are "華為技術有限公司" and "华为技术有限公司". Legal forms carry no identity, so they go (cleanco's
term list for most languages plus the CJK forms cleanco lacks). What stays is compared by
``include.engine.resolve``; this module never decides whether two *different* strings match.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from cleanco.termdata import terms_by_country, terms_by_type

# Terms in cleanco's list that are also ordinary words in company names.
_NOT_LEGAL = frozenset({"uk", "eu", "private", "ent", "se", "et", "ok", "eg", "ca", "ec", "at"})
_EXTRA_TERMS = ("private limited", "pvt ltd", "pvt", "co ltd", "co limited", "corp ltd", "inc ltd", "sarl",
                "holding ag", "incorporated", "l l c",
                # romanised CJK legal forms, as transliterated registry names spell them
                "kabushiki kaisha", "kabushiki gaisha", "godo kaisha", "yugen kaisha", "youxian gongsi",
                "youxian zeren gongsi", "gufen youxian gongsi", "jituan youxian gongsi", "jusik hoesa")
_ROMANISED_PREFIXES = (("kabushiki", "kaisha"), ("kabushiki", "gaisha"), ("jusik", "hoesa"))

# Longest first, so 股份有限公司 goes before 有限公司.
_CJK_SUFFIXES = (
    "集团股份有限公司", "集团有限公司", "股份有限公司", "有限责任公司", "有限公司", "株式会社", "合同会社",
    "有限会社", "주식회사", "(주)", "集团", "公司",
)
_CJK_PREFIXES = ("株式会社", "有限会社", "合同会社", "주식회사", "(주)")

# Spellings of one word that company names use interchangeably ("Halcyon Tech" = "Halcyon Technologies").
CANONICAL_WORDS = {
    "technologies": "tech", "technology": "tech", "technol": "tech", "international": "intl",
    "laboratories": "labs", "laboratory": "labs", "lab": "labs", "manufacturing": "mfg",
    "corporation": "corp", "services": "svcs", "service": "svcs", "management": "mgmt", "systems": "sys",
    "system": "sys", "engineering": "eng", "associates": "assoc", "brothers": "bros", "centre": "center",
    "company": "co", "holdings": "holding", "solution": "solutions",
}

_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_SPACE_AROUND_CJK = re.compile(
    r"(?<=[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af])\s+|\s+(?=[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af])"
)
_DROP = re.compile(r"[.'’`´]")
_PUNCT = re.compile(r"[^\w&\s]|_")


def has_cjk(text: str) -> bool:
    return bool(_CJK_RE.search(text))


@lru_cache(maxsize=1)
def _t2s() -> object:
    from opencc import OpenCC

    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional to simplified Chinese (a no-op for text without CJK characters)."""
    if not has_cjk(text):
        return text
    return str(_t2s().convert(text))  # type: ignore[attr-defined]


def _strip_latin_accents(text: str) -> str:
    out: list[str] = []
    for ch in unicodedata.normalize("NFKD", text):
        if unicodedata.category(ch) == "Mn" and out and ord(out[-1]) < 0x250:
            continue
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def _tokens(text: str) -> list[str]:
    text = _DROP.sub("", text)
    text = text.replace("&", " and ")
    text = _PUNCT.sub(" ", text)
    text = _SPACE_AROUND_CJK.sub("", text)
    return text.split()


def _prepare_terms() -> list[tuple[str, ...]]:
    raw = set()
    for group in (*terms_by_type.values(), *terms_by_country.values()):
        raw.update(group)
    raw.update(_EXTRA_TERMS)
    terms = set()
    for term in raw:
        toks = tuple(_tokens(_strip_latin_accents(term.casefold())))
        if toks and not (len(toks) == 1 and toks[0] in _NOT_LEGAL):
            terms.add(toks)
    return sorted(terms, key=lambda t: (-len(t), t))


_TERMS = _prepare_terms()
_TERMS_BY_LAST: dict[str, list[tuple[str, ...]]] = {}
for _t in _TERMS:
    _TERMS_BY_LAST.setdefault(_t[-1], []).append(_t)


def _strip_legal(tokens: list[str]) -> list[str]:
    """Drop trailing legal forms repeatedly ("Foo Co., Ltd." -> "foo"); never drop the whole name."""
    changed = True
    while changed and len(tokens) > 1:
        changed = False
        for term in _TERMS_BY_LAST.get(tokens[-1], ()):
            n = len(term)
            if len(tokens) > n and tuple(tokens[-n:]) == term:
                del tokens[-n:]
                changed = True
                break
    return tokens


def _strip_cjk(token: str) -> str:
    changed = True
    while changed:
        changed = False
        for suffix in _CJK_SUFFIXES:
            if token.endswith(suffix) and len(token) > len(suffix):
                token = token[: -len(suffix)]
                changed = True
        for prefix in _CJK_PREFIXES:
            if token.startswith(prefix) and len(token) > len(prefix):
                token = token[len(prefix):]
                changed = True
    return token


@lru_cache(maxsize=1 << 18)
def normalise_company(name: str) -> str:
    """The identity-bearing part of a company name, lower case, single-spaced."""
    text = unicodedata.normalize("NFKC", name or "")
    text = to_simplified(text).casefold()
    text = _strip_latin_accents(text)
    for cjk in ("(주)",):
        text = text.replace(cjk, " ")
    tokens = _tokens(text)
    if not tokens:
        return ""
    if tokens[0] == "the" and len(tokens) > 1:
        tokens = tokens[1:]
    for prefix in _ROMANISED_PREFIXES:
        if tuple(tokens[: len(prefix)]) == prefix and len(tokens) > len(prefix):
            tokens = tokens[len(prefix):]
    tokens = _strip_legal(tokens)
    stripped = [_strip_cjk(t) if has_cjk(t) else CANONICAL_WORDS.get(t, t) for t in tokens]
    tokens = [t for t in stripped if t] or tokens
    return " ".join(tokens)


def acronym(normalised: str) -> str:
    """Initials of a normalised Latin name ("international business machines" -> "ibm")."""
    return "".join(t[0] for t in normalised.split() if t != "and" and not has_cjk(t))
