"""Name search shared by the sandbox's three registry APIs, imitating how real registry searches behave.

Token overlap, case- and punctuation-insensitive, over every name a record has (current, previous,
other, transliterated); CJK runs match by substring once legal forms like 有限公司 are cut off.
Legal forms alone never make a hit, but ordinary words do: "Quantix Solutions" finds "Halcyon
Software Solutions" as a weak, wrong hit, exactly the noise a real registry search returns and the
resolver must reject.
"""

from __future__ import annotations

import heapq
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cached_property, lru_cache
from itertools import islice
from typing import Any

from rapidfuzz import fuzz, process

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


def _name_parts(name: str) -> tuple[frozenset[str], list[str], list[str], int]:
    """What scoring needs of one record name: its token set, its CJK cores, its tokens without legal
    forms (in order) and its token count."""
    n_tokens = tokens(name)
    return (frozenset(n_tokens), [_cjk_core(t) for t in n_tokens if _CJK_RUN.match(t)],
            [t for t in n_tokens if t not in _LEGAL], len(n_tokens))


def _score_parts(q_tokens: tuple[str, ...], q_core: list[str],
                 parts: tuple[frozenset[str], list[str], list[str], int]) -> float:
    n_set, n_cjk, n_core, _ = parts
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
    if q_core == n_core:
        score += 100.0  # the same name up to legal form and punctuation
    return score


def _score_one(q_tokens: tuple[str, ...], name: str) -> float:
    return _score_parts(q_tokens, [t for t in q_tokens if t not in _LEGAL], _name_parts(name))


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


_Parts = tuple[frozenset[str], list[str], list[str], int]


class SearchIndex:
    """``search`` and ``fuzzy`` over one registry list, built once, answering exactly as they do.

    ``search`` reads only the records sharing a word with the query. Of those, nearly all hold one
    query word in one name and nothing else that scores: they score 1.0, their best name is their
    first name holding a query word, and they rank by that name alone. Names are numbered in that
    order (token count, name, record, place), so merging the query words' sorted postings lists these
    "plain" hits best first, and a page reads only as many as it shows; they are only counted (in C,
    by set union) for ``total_results``. The other hits, whose score may differ, are scored as
    ``search`` scores them: names holding two query words, or a query word and a single-letter query
    token, names equal to the query up to legal form, and, for a query with a CJK run (CJK matches by
    substring), every name with a CJK core. ``fuzzy`` runs rapidfuzz's C loop over the names.
    """

    FUZZY_CACHE = 256  # recent fuzzy answers (each one compares every name)

    def __init__(self, records: Sequence[Any], names_of: Callable[[Any], list[str]]):
        self.records = list(records)
        self.names: list[list[tuple[str, _Parts]]] = []  # per record, in order
        flat: list[tuple[int, str, int, int]] = []  # (token count, name, record, place)
        for r, rec in enumerate(self.records):
            entries = [(name, _name_parts(name)) for name in names_of(rec)]
            self.names.append(entries)
            flat.extend((parts[3], name, r, k) for k, (name, parts) in enumerate(entries))
        flat.sort()
        # a name's id is its rank in the order plain hits are listed in
        self.owner = [r for _, _, r, _ in flat]
        self.place = [k for _, _, _, k in flat]
        self.word_names: dict[str, list[int]] = {}  # word (non-legal, 2+ letters, not CJK) -> name ids
        self.letter_names: dict[str, set[int]] = {}  # single-letter non-legal token -> name ids
        word_records: dict[str, set[int]] = {}
        self.exact: dict[tuple[str, ...], list[int]] = {}  # non-legal tokens -> name ids
        self.cjk_names: list[int] = []  # names with a non-empty CJK core
        for g, (_, _, r, k) in enumerate(flat):
            n_set, n_cjk, n_core, _ = self.names[r][k][1]
            for t in n_set:
                if t in _LEGAL or _CJK_RUN.match(t):
                    continue
                if len(t) > 1:
                    self.word_names.setdefault(t, []).append(g)
                    word_records.setdefault(t, set()).add(r)
                else:
                    self.letter_names.setdefault(t, set()).add(g)
            self.exact.setdefault(tuple(n_core), []).append(g)
            if any(n_cjk):
                self.cjk_names.append(g)
        self.word_records = {t: sorted(rs) for t, rs in word_records.items()}  # word -> records, for counting
        self._answers: OrderedDict[tuple[Any, ...], list[tuple[Any, str]]] = OrderedDict()
        self._lock = threading.Lock()

    def search(self, query: str) -> list[tuple[Any, str]]:
        """Every hit, best first: ``search(records, query, names_of)``."""
        return self.search_page(query, 0, len(self.records))[1]

    def search_page(self, query: str, start: int, size: int) -> tuple[int, list[tuple[Any, str]]]:
        """(number of hits, ``search(records, query, names_of)[start:start + size]``)."""
        start, size = max(0, start), max(0, size)
        q_tokens = tuple(dict.fromkeys(tokens(query)))
        q_core = [t for t in q_tokens if t not in _LEGAL]
        words: list[str] = []
        letters: list[str] = []
        cjk = False
        for qt in q_tokens:
            if _CJK_RUN.match(qt):
                cjk = cjk or bool(_cjk_core(qt))
            elif qt not in _LEGAL:
                (words if len(qt) > 1 else letters).append(qt)
        holding = [set(self.word_names.get(t, ())) for t in words]
        any_word: set[int] = set().union(*holding)
        scored: set[int] = set(self.exact.get(tuple(q_core), ()))  # names whose score may not be 1.0
        for i, a in enumerate(holding):
            for b in holding[i + 1:]:
                scored |= a & b
        for letter in letters:
            scored |= any_word & self.letter_names.get(letter, set())
        if cjk:
            scored.update(self.cjk_names)
        special = {self.owner[g] for g in scored}
        ranked: list[tuple[float, int, str, int]] = []
        for r in special:
            best, best_name, best_len = 0.0, "", 0
            for name, parts in self.names[r]:
                s = _score_parts(q_tokens, q_core, parts)
                if s > best:
                    best, best_name, best_len = s, name, parts[3]
            if best > 0:
                ranked.append((-best, best_len, best_name, r))
        ranked.sort()
        plain = set().union(*(self.word_records.get(t, ()) for t in words))
        total = len(ranked) + len(plain - special)
        merged = heapq.merge(ranked, self._plain(words, special))
        return total, [(self.records[r], name) for _, _, name, r in islice(merged, start + size)][start:]

    def _plain(self, words: list[str], special: set[int]) -> Iterator[tuple[float, int, str, int]]:
        """The plain hits as ``search`` ranks them: score 1.0, then their first name holding a word."""
        listed: set[int] = set()
        for g in heapq.merge(*(self.word_names.get(t, []) for t in words)):
            r, k = self.owner[g], self.place[g]
            if r in special or r in listed:
                continue
            if any(t in parts[0] for _, parts in self.names[r][:k] for t in words):
                continue  # an earlier name of the record holds a word: that one is its best
            listed.add(r)
            name, parts = self.names[r][k]
            yield (-1.0, parts[3], name, r)

    @cached_property
    def _joined(self) -> tuple[list[str], list[int], list[int]]:
        """Every name as ``fuzzy`` compares it, with its record and its place among the record's names."""
        joined, owner, place = [], [], []
        for r, entries in enumerate(self.names):
            for k, (name, _) in enumerate(entries):
                joined.append(" ".join(tokens(name)))
                owner.append(r)
                place.append(k)
        return joined, owner, place

    def fuzzy(self, query: str, threshold: float = 75.0, limit: int = 10) -> list[tuple[Any, str]]:
        """``fuzzy(records, query, names_of, threshold, limit)``."""
        key = (query, threshold, limit)
        with self._lock:
            hit = self._answers.get(key)
            if hit is not None:
                self._answers.move_to_end(key)
                return list(hit)
        answer = self._fuzzy(query, threshold, limit)
        with self._lock:
            self._answers[key] = answer
            while len(self._answers) > self.FUZZY_CACHE:
                self._answers.popitem(last=False)
        return list(answer)

    def _fuzzy(self, query: str, threshold: float, limit: int) -> list[tuple[Any, str]]:
        if threshold <= 0:  # every record qualifies, even with no name scoring: the plain loop says how
            return [(self.records[i], name) for i, name in
                    fuzzy(range(len(self.records)), query, lambda i: [n for n, _ in self.names[i]], threshold, limit)]
        q = " ".join(tokens(query))
        joined, owner, place = self._joined
        # every name scoring at least the threshold: a record's best name is among them when it qualifies
        best: dict[int, tuple[float, int]] = {}
        for _, score, j in process.extract(q, joined, scorer=fuzz.WRatio, processor=None,
                                           score_cutoff=threshold, limit=None):
            r, k = owner[j], place[j]
            if r not in best or score > best[r][0] or (score == best[r][0] and k < best[r][1]):
                best[r] = (score, k)
        scored = [(-s, self.names[r][k][0], n, self.records[r]) for n, (r, (s, k)) in enumerate(sorted(best.items()))]
        scored.sort(key=lambda x: x[:3])
        return [(x[3], x[1]) for x in scored[:limit]]


def page_slice(items: list[Any], start: int, size: int) -> list[Any]:
    return items[max(0, start): max(0, start) + max(0, size)]


def int_arg(value: str | None, default: int, low: int = 0, high: int = 10_000) -> int:
    try:
        n = int(value) if value not in (None, "") else default
    except ValueError:
        return default
    return max(low, min(high, n))
