"""Labelled (variant, company) pairs derived from real listed companies, with the rules that made them.

A positive pairs a company's name as the register holds it with another way the same company is
written, taken from the data itself: its ticker, its Wikipedia article title or infobox legal form,
its website's domain, its Chinese name. A negative pairs the same kind of variant of a *different*
company with it, picked to be confusable (a shared distinctive word, a ticker starting with the
same letter), plus name-against-name pairs of different companies. Companies are different when
their rows were not merged (no shared ISIN, symbol, article or name); pairs where one name's words
are a subset of the other's ("Siemens" / "Siemens Healthineers") are left out, since parent and
subsidiary are not in the data and such a pair could be either.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from dataclasses import dataclass

from evaluation.names_data import Company
from evaluation.names_text import (
    domain_stem,
    identity_words,
    legal_suffixes,
    squash,
    without_legal_form,
)

KINDS = ("ticker", "legal-suffix", "brand", "chinese", "different-company")
SEED = 13
DISTINCTIVE_MAX_COMPANIES = 15  # a word in more names than this is too common to confuse anyone
MAX_NAME_NEGATIVES = 600
MAX_WRATIO_NEGATIVES = 300
WRATIO_NEGATIVE_MIN = 88.0


@dataclass(frozen=True)
class Pair:
    kind: str
    rule: str
    variant: str  # what a resume or profile says
    company: str  # the company's name as the register holds it
    same: bool
    company_key: str
    variant_key: str  # whose variant it is: the company itself for a positive


def variants(c: Company, shared_words: frozenset[str] = frozenset()) -> list[tuple[str, str, str]]:
    """(kind, rule, variant) of one company, each a different string from its own names.

    ``shared_words`` are words of more than one company's name: a domain that is only such a word
    ("mitsui") does not say which company it is, so it makes no pair.
    """
    own = {squash(n) for n in (c.name, *c.other_names)}
    own |= {squash(without_legal_form(n)) for n in (c.name, *c.other_names)}
    out: list[tuple[str, str, str]] = []

    def add(kind: str, rule: str, text: str, exclude: set[str]) -> None:
        s = squash(text)
        if s and s not in exclude and all(squash(v) != s for _, _, v in out):
            out.append((kind, rule, text))

    names_only = {squash(n) for n in (c.name, *c.other_names)}
    for t in c.tickers[:1]:
        if len(t) >= 2 and re.search(r"[A-Z]", t):  # nobody writes "F" for Ford
            add("ticker", "bare ticker", t, own)
    for listed in c.listed_as[:1]:
        numeric = listed.rsplit(" ", 1)[-1].isdigit()
        add("ticker", "exchange: code (TYO: 6701)" if numeric else "exchange: ticker", listed, own)
    if c.wiki_title:
        same_words = identity_words(c.wiki_title) == identity_words(c.name)
        add(
            "legal-suffix" if same_words else "brand",
            "Wikipedia article title" if same_words else "Wikipedia article title (other wording)",
            c.wiki_title,
            names_only,
        )
    suffixes = legal_suffixes(c.legal_form)
    if not any(squash(c.name).endswith(squash(s)) for s in suffixes):
        for suffix in suffixes:
            add("legal-suffix", "name + infobox legal form", f"{c.name} {suffix}", names_only)
    add("legal-suffix", "name without its legal form", without_legal_form(c.name), names_only)
    name_words = {w for n in (c.name, *c.other_names) for w in identity_words(n)}
    for d in c.domains[:2]:
        stem = domain_stem(d)
        if stem and stem not in shared_words:
            rule = (
                "domain = a word of the name"
                if stem in name_words
                else "domain (abbreviation, brand or former name)"
            )
            add("brand", rule, stem.replace("-", " "), own)
    if c.zh_name:
        add("chinese", "tickerdata Chinese name", c.zh_name, names_only)
    return out


def _distinctive_neighbours(companies: list[Company]) -> dict[str, list[str]]:
    """Companies sharing a distinctive word, where neither name's words contain the other's."""
    words = {c.key: identity_words(c.name) for c in companies}
    holders: dict[str, list[str]] = defaultdict(list)
    for c in companies:
        for w in sorted(words[c.key]):
            if len(w) >= 3 and not w.isdigit():
                holders[w].append(c.key)
    stems = {c.key: {domain_stem(d) for d in c.domains} - {None} for c in companies}
    out: dict[str, set[str]] = defaultdict(set)
    for keys in holders.values():
        if not 2 <= len(keys) <= DISTINCTIVE_MAX_COMPANIES:
            continue
        for a in keys:
            for b in keys:
                if a != b and not (words[a] <= words[b] or words[b] <= words[a]) and not stems[a] & stems[b]:
                    out[a].add(b)
    return {k: sorted(v) for k, v in out.items()}


def derive_pairs(companies: list[Company], chinese: list[Company], seed: int = SEED) -> list[Pair]:
    """All labelled pairs, deterministic for a seed."""
    rng = random.Random(seed)
    by_key = {c.key: c for c in companies}
    for c in chinese:
        by_key.setdefault(c.key, c)
    with_zh = {c.key: c for c in chinese}
    all_companies = sorted({**by_key, **with_zh}.values(), key=lambda c: c.key)
    word_count: dict[str, int] = defaultdict(int)
    for c in all_companies:
        for w in identity_words(c.name):
            word_count[w] += 1
    shared_words = frozenset(w for w, n in word_count.items() if n > 1)
    var = {c.key: variants(with_zh.get(c.key, c), shared_words) for c in all_companies}
    by_rule: dict[str, dict[str, str]] = defaultdict(dict)  # rule -> company -> its first variant
    for key, vs in var.items():
        for _, rule, v in vs:
            by_rule[rule].setdefault(key, v)
    neighbours = _distinctive_neighbours(companies)
    names = {c.key: c.name for c in all_companies}
    pairs: list[Pair] = []
    for c in all_companies:
        own = {squash(v) for _, _, v in var[c.key]} | {squash(n) for n in (c.name, *c.other_names)}
        for kind, rule, v in var[c.key]:
            pairs.append(Pair(kind, rule, v, c.name, True, c.key, c.key))
            other = _confusable(c, rule, by_rule[rule], neighbours.get(c.key, []), names, rng)
            if other is not None and squash(by_rule[rule][other]) not in own:
                pairs.append(Pair(kind, rule, by_rule[rule][other], c.name, False, c.key, other))
    pairs += _name_negatives(companies, neighbours, rng)
    seen: set[tuple[str, str]] = set()
    unique = []
    for p in pairs:  # one company's two suffix variants may draw the same negative
        if (squash(p.variant), p.company_key) not in seen:
            seen.add((squash(p.variant), p.company_key))
            unique.append(p)
    return unique


def _confusable(
    c: Company,
    rule: str,
    having: dict[str, str],
    neighbours: list[str],
    names: dict[str, str],
    rng: random.Random,
) -> str | None:
    """Another company with a variant of this rule, as confusable with ``c`` as the data allows.

    Tickers: one starting with the name's first letter ("MSI" for Microsoft). Chinese: any other.
    Domains: one starting with the name's first three, else two letters. Otherwise a company
    sharing a distinctive word, else one whose name starts with the same four, then two letters
    ("Danaher" / "Dana"), never one whose words contain the other's.
    """
    if rule.startswith(("bare ticker", "exchange:")):
        first = squash(c.name)[:1].upper()
        pool = [k for k, v in having.items() if k != c.key and v.rsplit(" ", 1)[-1][:1] == first]
    elif rule == "tickerdata Chinese name":
        pool = [k for k in having if k != c.key]
    else:
        mine, my_words = squash(c.name), identity_words(c.name)
        pool = [k for k in neighbours if k in having]
        if rule.startswith("domain"):  # a domain that starts like this name ("merckgroup" / "Merck & Co.")
            for n in (3, 2):
                pool = [k for k in having if k != c.key and squash(having[k])[:n] == mine[:n]]
                if pool:
                    break
        for n in (4, 2):
            if pool:
                break
            pool = [
                k
                for k in having
                if k != c.key
                and squash(names[k])[:n] == mine[:n]
                and not (identity_words(names[k]) <= my_words or my_words <= identity_words(names[k]))
            ]
    if not pool:
        pool = [k for k in having if k != c.key]
    return rng.choice(sorted(pool)) if pool else None


def _name_negatives(
    companies: list[Company], neighbours: dict[str, list[str]], rng: random.Random
) -> list[Pair]:
    from rapidfuzz import fuzz, process, utils

    by_key = {c.key: c for c in companies}
    shared = sorted({(a, b) for a, bs in neighbours.items() for b in bs if a < b})
    picked = rng.sample(shared, min(MAX_NAME_NEGATIVES, len(shared)))
    out = [
        Pair("different-company", "shares a distinctive word", by_key[b].name, by_key[a].name, False, a, b)
        for a, b in sorted(picked)
    ]
    names = [utils.default_process(c.name) for c in companies]
    scores = process.cdist(names, names, scorer=fuzz.WRatio, score_cutoff=WRATIO_NEGATIVE_MIN, workers=1)
    close: list[tuple[str, str]] = []
    taken = set(picked)
    for i, j in zip(*scores.nonzero(), strict=True):
        ca, cb = companies[int(i)], companies[int(j)]
        wa, wb = identity_words(ca.name), identity_words(cb.name)
        if ca.key < cb.key and not (wa <= wb or wb <= wa) and (ca.key, cb.key) not in taken:
            close.append((ca.key, cb.key))
    for a, b in sorted(rng.sample(close, min(MAX_WRATIO_NEGATIVES, len(close)))):
        out.append(
            Pair(
                "different-company",
                f"WRatio >= {WRATIO_NEGATIVE_MIN:g} (chosen by the baseline's scorer)",
                by_key[b].name,
                by_key[a].name,
                False,
                a,
                b,
            )
        )
    return out
