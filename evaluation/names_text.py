"""Small text rules of the name-matching evaluation, kept apart from the engine's own normaliser.

The labels must not borrow the engine's ideas of what a legal form or a filler word is (that
would grade the engine on its own assumptions), so these lists are short, written for this
evaluation only, and used only to *derive and describe* pairs, never to score them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Legal forms as they end company names: the words the legal-suffix class varies.
LEGAL_WORDS = frozenset(
    [
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "co",
        "company",
        "ltd",
        "limited",
        "plc",
        "llc",
        "lp",
        "ag",
        "se",
        "sa",
        "nv",
        "bv",
        "ab",
        "oyj",
        "asa",
        "spa",
        "kk",
        "kgaa",
        "gmbh",
        "the",
    ]
)
_TRAILING_FORM = re.compile(
    r"[,\s]+(?:Inc\.?|Incorporated|Corp\.?|Corporation|Company|Co\.?|Ltd\.?|Limited|plc|PLC|AG|SE|N\.V\.|NV"
    r"|S\.A\.|SA|AB|Oyj|K\.K\.|KK|LLC|L\.P\.|KGaA)$"
)
_LEADING_THE = re.compile(r"^The\s+", re.IGNORECASE)
_PARENS = re.compile(r"\s*\([^)]*\)")

# company_type from the Wikipedia infobox -> the suffix a register or a resume writes after the name.
# The Latin long forms that registries themselves use are a second variant.
_FORMS = (
    (re.compile(r"kommanditgesellschaft auf aktien|\bkgaa\b", re.IGNORECASE), "KGaA", None),
    (re.compile(r"aktiengesellschaft|\bag\b", re.IGNORECASE), "AG", "Aktiengesellschaft"),
    (re.compile(r"societas europaea", re.IGNORECASE), "SE", None),
    (re.compile(r"public limited company", re.IGNORECASE), "plc", None),
    (re.compile(r"sociedad an[oó]nima|soci[eé]t[eé] anonyme", re.IGNORECASE), "S.A.", None),
    (re.compile(r"julkinen osakeyhti", re.IGNORECASE), "Oyj", None),
    (re.compile(r"aktiebolag", re.IGNORECASE), "AB", None),
    (re.compile(r"naamloze vennootschap|\bn\.v\.", re.IGNORECASE), "N.V.", None),
    (re.compile(r"kabushiki|\bk\.?\s?k\b", re.IGNORECASE), "K.K.", "Kabushiki Kaisha"),
)

# Labels of a host name that say nothing about whose site it is.
_GENERIC_LABELS = frozenset(
    [
        "www",
        "group",
        "global",
        "corporate",
        "investors",
        "investor",
        "ir",
        "about",
        "my",
        "en",
        "home",
        "inc",
        "corp",
    ]
)
_TWO_LEVEL_SUFFIXES = frozenset(
    [
        "co.jp",
        "ne.jp",
        "or.jp",
        "co.uk",
        "org.uk",
        "com.au",
        "co.kr",
        "com.cn",
        "com.hk",
        "com.tw",
        "com.br",
        "com.mx",
        "co.nz",
        "com.sg",
        "co.in",
        "com.tr",
        "co.za",
        "com.ar",
    ]
)


def clean_name(name: str) -> str:
    """Drop parenthetical notes ("(Class A)", "(retailer)", "(company)") and stray spacing."""
    return " ".join(_PARENS.sub("", name).split()).strip(" ,")


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Lower case without accents: "Société" -> "societe"."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


@lru_cache(maxsize=1 << 16)
def squash(text: str) -> str:
    """Letters and digits only: "T. Rowe Price" -> "troweprice" (how a domain spells a name)."""
    return re.sub(r"[^0-9a-z\u3400-\u9fff]", "", fold(text))


def words(text: str) -> list[str]:
    return re.findall(r"[0-9a-z]+", fold(text).replace("&", " and "))


@lru_cache(maxsize=1 << 16)
def identity_words(text: str) -> frozenset[str]:
    """The words of a name that are not a legal form ("Blackstone Inc." -> {"blackstone"})."""
    return frozenset(w for w in words(text) if w not in LEGAL_WORDS)


def without_legal_form(name: str) -> str:
    """ "Ichor Holdings, Ltd." -> "Ichor Holdings"; "The Coca-Cola Company" -> "Coca-Cola"."""
    prev = None
    out = name
    while prev != out:
        prev, out = out, _TRAILING_FORM.sub("", out).strip(" ,")
    out = _LEADING_THE.sub("", out)
    return out if words(out) else name


def legal_suffixes(company_type: str | None) -> list[str]:
    """The suffixes the infobox's company type stands for: "Public ( K.K )" -> ["K.K.", "Kabushiki Kaisha"]."""
    if not company_type:
        return []
    found = [(m.start(), short, long_) for rx, short, long_ in _FORMS if (m := rx.search(company_type))]
    if not found:
        return []
    _, short, long_ = min(found, key=lambda f: f[0])
    return [short] + ([long_] if long_ else [])


def domain_stem(domain: str) -> str | None:
    """The label that names the site's owner: "www.tepco.co.jp" -> "tepco", "group.bnpparibas" -> "bnpparibas"."""
    labels = [x for x in domain.lower().split(".") if x]
    if len(labels) < 2:
        return None
    if ".".join(labels[-2:]) in _TWO_LEVEL_SUFFIXES:
        labels = labels[:-1]
        if len(labels) < 2:
            return None
    stem = labels[-2]
    if stem in _GENERIC_LABELS:
        stem = labels[-1] if len(labels[-1]) > 3 else ""
    return stem if len(stem) >= 2 and stem not in _GENERIC_LABELS else None
