"""Which registry entity, if any, a company name on a resume or profile refers to.

Fabricated employers are built to sound real: "Quantix Solutions Global" shares two words with
"Halcyon Software Solutions" and none that matters. So names are compared on their *distinctive*
tokens (rare in the registry, not industry filler), each weighted by how rare it is; a match on
filler alone is never a hit. Every registry name (legal, previous, other, transliterated) is
normalised once when the index is built, and every distinct query name is resolved once.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from include.engine import aliases
from include.engine.names import (
    LEGAL_WORDS,
    acronym,
    cjk_latin_key,
    compact_key,
    has_cjk,
    initials_agree,
    normalise_company,
    partial_acronym,
    same_sound,
    site_stripped,
)
from include.models import RegistryEntity

# Words that say what a company does or where, not which company it is. Industry and place words
# are shared by unrelated companies, so matching on them alone proves nothing.
_GENERIC_WORDS = """
    and of the for de la le des du der die und et y e i
    solutions global sys tech group holding intl svcs consulting consultants consultancy partners
    labs software digital data analytics networks network enterprises enterprise industries industrial
    ventures capital mgmt co companies assoc agency studio studios works worldwide
    innovations innovation research development dynamics logic logics interactive media creative
    corporate business trading resources products productions eng design designs
    healthcare health finance financial bank advisory cloud ai it info information
    electronics electronic instruments devices precision controls control mfg tools tool machine machines
    machinery automation robotics payments insurance institute medical diagnostics energy power renewables
    logistics freight distribution retail home stores telecom communications automotive mobility vehicle online
    vehicles marketing photonics semiconductors semiconductor sensors sensing motion platforms platform
    instruments equipment materials components infrastructure security consulting care foods
    uk usa us eu europe european america americas asia pacific china north south east west
    national general united first new britain british london city shi sheng
    beijing shanghai shenzhen guangzhou hangzhou suzhou chengdu nanjing wuhan xian tianjin chongqing
    qingdao xiamen dalian ningbo wuxi hefei changsha zhengzhou jinan shenyang dongguan foshan zhuhai
    hong kong tokyo osaka yokohama nagoya kyoto
    科技 技术 信息 软件 网络 集团 控股 国际 中国 数据 智能 系统 服务 电子 精密 机械 设备 信息技术
    智能设备 精密机械 深圳 深圳市 上海 上海市 北京 北京市 杭州 杭州市 苏州 苏州市 成都 成都市 广州 广州市
"""
GENERIC = frozenset(_GENERIC_WORDS.split())
# Where a company is: two names that each keep a different one of these ("Tokyo Gas", "Osaka Gas";
# "East Japan Railway", "West Japan Railway") are two companies, however much else they share.
_PLACE_WORDS = """
    uk usa us eu europe european america americas asia pacific china japan north south east west central
    london beijing shanghai shenzhen guangzhou hangzhou suzhou chengdu nanjing wuhan xian tianjin chongqing
    qingdao xiamen dalian ningbo wuxi hefei changsha zhengzhou jinan shenyang dongguan foshan zhuhai
    hong kong tokyo osaka yokohama nagoya kyoto kobe fukuoka sapporo hokkaido kyushu shikoku chubu kansai
"""
PLACES = frozenset(_PLACE_WORDS.split())
GENERIC_WEIGHT = 0.12
# Caches are per index and bounded: distinct employer names are few, random pairs of them are not.
RESOLVE_CACHE_LIMIT = 500_000
SAME_CACHE_LIMIT = 200_000
HIT_THRESHOLD = 0.86


@dataclass(frozen=True)
class Resolution:
    entity_id: str | None
    confidence: float
    matched_name: str | None
    method: str  # "exact", "alias", "pinyin", "acronym", "fuzzy" or "none"
    family: frozenset[str] = field(default_factory=frozenset)
    alias: str | None = None  # the alias table's legal name for it, when the table knows the name
    why: str = ""  # how it was found, in words (shown by ``crosscheck resolve`` and in evidence)

    @property
    def hit(self) -> bool:
        return self.entity_id is not None

    @property
    def known(self) -> bool:
        """A registered entity, or a company the alias table knows though no consulted register has it."""
        return self.entity_id is not None or self.alias is not None


NO_MATCH = Resolution(None, 0.0, None, "none", frozenset())


def name_tokens(norm: str) -> list[str]:
    """Tokens of a normalised name (a run of CJK characters is one token)."""
    return norm.split()


def _block_keys(token: str) -> list[str]:
    """Keys under which a name is found again: the token, its first letters (typos), CJK bigrams."""
    if has_cjk(token):
        return [token] + ["~" + token[i : i + 2] for i in range(len(token) - 1)]
    return [token, "~" + token[:4]] if len(token) >= 5 else [token]


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


class RegistryIndex:
    """All registries' names, normalised once, with exact and blocked fuzzy look-up."""

    def __init__(self, entities: Iterable[RegistryEntity]) -> None:
        self.entities: dict[str, RegistryEntity] = {}
        self._exact: dict[str, list[tuple[str, str, str]]] = defaultdict(list)  # norm -> (entity, raw, kind)
        self._names: list[tuple[str, str, str, tuple[str, ...]]] = []  # (norm, entity, raw, tokens)
        self._names_of: dict[str, list[int]] = defaultdict(list)  # entity -> its rows in _names
        self._block: dict[str, list[int]] = defaultdict(list)
        self._acronyms: dict[str, set[str]] = defaultdict(set)
        self._pinyin: dict[str, list[tuple[str, str, str]]] = defaultdict(list)  # pinyin key of a CJK name
        self._compact: dict[str, list[tuple[str, str, str]]] = defaultdict(list)  # norm without spaces
        self._df: dict[str, int] = defaultdict(int)
        self._cache: dict[str, Resolution] = {}
        self._weights: dict[str, float] = {}
        self.same_cache: dict[tuple[str, str], tuple[bool, float, str]] = {}
        families = _UnionFind()
        seen_norms: set[tuple[str, str]] = set()
        for ent in entities:
            self.entities[ent.entity_id] = ent
            families.find(ent.entity_id)
            for pid in ent.parent_ids:
                families.union(ent.entity_id, pid)
            for rn in ent.names:
                norm = normalise_company(rn.name)
                if not norm or (norm, ent.entity_id) in seen_norms:
                    continue
                seen_norms.add((norm, ent.entity_id))
                self._exact[norm].append((ent.entity_id, rn.name, rn.kind))
                if " " in norm:
                    self._compact[compact_key(norm)].append((ent.entity_id, rn.name, rn.kind))
                toks = tuple(dict.fromkeys(name_tokens(norm)))
                idx = len(self._names)
                self._names.append((norm, ent.entity_id, rn.name, toks))
                self._names_of[ent.entity_id].append(idx)
                for t in toks:
                    self._df[t] += 1
                    for key in _block_keys(t):
                        self._block[key].append(idx)
                if has_cjk(norm) and (latin := cjk_latin_key(norm)) and latin != norm:
                    self._pinyin[latin].append((ent.entity_id, rn.name, rn.kind))
                acr = acronym(norm)
                if len(acr) >= 3 and len(norm.split()) >= 3:
                    self._acronyms[acr].add(ent.entity_id)
        # One company in several registries (same normalised name) is one family too.
        same_name = _UnionFind()
        for hits in self._exact.values():
            for other, _, _ in hits[1:]:
                families.union(hits[0][0], other)
                same_name.union(hits[0][0], other)
        self._equivalents = _groups(same_name)
        self._n_names = max(1, len(self._names))
        self.registries: list[str] = sorted({e.registry for e in self.entities.values()})
        self._family = _groups(families)

    def family(self, entity_id: str) -> frozenset[str]:
        """The entity, its parents, their other subsidiaries, and the same company in other registries."""
        return self._family.get(entity_id, frozenset({entity_id}))

    def matches_a_name_of(self, norm: str, entity_id: str) -> float:
        """The best token match of ``norm`` against any registered name of the entity (0.0 if none)."""
        toks = list(dict.fromkeys(name_tokens(norm)))
        best = 0.0
        for idx in self._names_of.get(entity_id, ()):
            best = max(best, token_match(toks, list(self._names[idx][3]), self.weight))
        return best

    def equivalents(self, entity_id: str) -> list[RegistryEntity]:
        """The same company as recorded by each registry (entities sharing a normalised name)."""
        ids = self._equivalents.get(entity_id, frozenset({entity_id}))
        return [self.entities[e] for e in sorted(ids) if e in self.entities]

    def weight(self, token: str) -> float:
        """How much a token identifies a company: filler words little, rare words fully."""
        w = self._weights.get(token)
        if w is None:
            w = self._weights[token] = self._weight(token)
        return w

    def _weight(self, token: str) -> float:
        if token in GENERIC or token.isdigit():
            return GENERIC_WEIGHT
        df = self._df.get(token, 0)
        if df <= 3:
            return 1.0
        return max(0.25, 1.0 - math.log(df / 3) / math.log(max(self._n_names, 10)))

    def resolve(self, name: str) -> Resolution:
        return self.resolve_normalised(normalise_company(name))

    def resolve_normalised(self, norm: str) -> Resolution:
        cached = self._cache.get(norm)
        if cached is None:
            if len(self._cache) > RESOLVE_CACHE_LIMIT:
                self._cache.clear()
            cached = self._resolve_norm(norm)
            self._cache[norm] = cached
        return cached

    def _resolve_norm(self, norm: str) -> Resolution:
        if not norm:
            return NO_MATCH
        hits = self._exact.get(norm)
        if hits:
            eid, raw, kind = min(hits, key=lambda h: (_KIND_RANK.get(h[2], 9), h[0]))
            hit = aliases.lookup(norm)
            return Resolution(eid, 1.0, raw, "exact", self._family_of([h[0] for h in hits]),
                              hit.legal if hit else None, f"registered {kind} name {raw!r} matched exactly")
        alias = aliases.lookup(norm)
        if alias is not None:
            return self._resolve_alias(norm, alias)
        if has_cjk(norm):
            latin = cjk_latin_key(norm)
            if latin and (hits := self._exact.get(latin)):
                eid, raw, _ = min(hits, key=lambda h: (_KIND_RANK.get(h[2], 9), h[0]))
                return Resolution(eid, 0.95, raw, "pinyin", self._family_of([h[0] for h in hits]), None,
                                  f"pinyin {latin!r} of the Chinese name matched registered name {raw!r}")
        elif hits := self._pinyin.get(norm):
            eid, raw, _ = min(hits, key=lambda h: (_KIND_RANK.get(h[2], 9), h[0]))
            return Resolution(eid, 0.95, raw, "pinyin", self._family_of([h[0] for h in hits]), None,
                              f"matched the pinyin of registered Chinese name {raw!r}")
        compact = norm.replace(" ", "")
        if len(compact) >= 6 and (hits := self._compact.get(compact_key(norm))):  # "@ambrahealth", "Brightlane Labs" run together
            eid, raw, _ = min(hits, key=lambda h: (_KIND_RANK.get(h[2], 9), h[0]))
            return Resolution(eid, 0.95, raw, "exact", self._family_of([h[0] for h in hits]), None,
                              f"registered name {raw!r} matched with its spaces removed")
        if len(compact) >= 3 and compact in self._acronyms and len(self._acronyms[compact]) == 1:
            (eid,) = self._acronyms[compact]
            raw = self.entities[eid].names[0].name
            return Resolution(eid, 0.9, raw, "acronym", self.family(eid), None, f"initials of registered name {raw!r}")
        best = self._fuzzy(norm)
        if best is None:
            for bare in site_stripped(norm):  # "Acme Gdansk Plant": Acme, at one of its sites
                found = self.resolve_normalised(bare)
                if found.hit:
                    return Resolution(found.entity_id, round(found.confidence * 0.97, 4), found.matched_name,
                                      found.method, found.family, found.alias,
                                      f"{found.why}, after the site qualifier of {norm!r}")
            return NO_MATCH
        score, idx = best
        mnorm, eid, raw, _ = self._names[idx]
        if aliases.lookup(mnorm) is not None and not close_spelling(norm, mnorm):
            return NO_MATCH  # a famous name matches only in the alias table's forms, not "Apple Leisure Group"
        return Resolution(eid, round(score, 4), raw, "fuzzy", self.family(eid), None,
                          f"distinctive words match registered name {raw!r} (score {score:.2f})")

    def _resolve_alias(self, norm: str, alias: aliases.AliasHit) -> Resolution:
        """The alias table's company found in the register under one of its own names, else under a
        name of its corporate family (AWS -> Amazon.com, Inc. when only the parent is registered)."""
        for cand, own in aliases.register_norms(alias):
            hits = self._exact.get(cand)
            if hits:
                eid, raw, _ = min(hits, key=lambda h: (_KIND_RANK.get(h[2], 9), h[0]))
                how = "registered as" if own else "registered under its corporate family as"
                return Resolution(eid, 0.97 if own else 0.93, raw, "alias", self._family_of([h[0] for h in hits]),
                                  alias.legal, f"{alias.why}; {how} {raw!r}")
        best = self._fuzzy(norm)
        if best is not None and close_spelling(norm, self._names[best[1]][0]):
            _, eid, raw, _ = self._names[best[1]]
            return Resolution(eid, round(best[0], 4), raw, "fuzzy", self.family(eid), alias.legal,
                              f"{alias.why}; registered name {raw!r} spelt alike")
        registers = ", ".join(self.registries) or "none loaded"
        return Resolution(None, 0.0, None, "alias", frozenset(), alias.legal,
                          f"{alias.why}; not in the consulted registers ({registers})")

    def _family_of(self, eids: list[str]) -> frozenset[str]:
        out: set[str] = set()
        for eid in eids:
            out |= self.family(eid)
        return frozenset(out)

    def _candidates(self, toks: list[str], limit: int = 24) -> list[int]:
        """Names sharing a distinctive token (or its first four letters), most shared weight first."""
        votes: dict[int, float] = defaultdict(float)
        for t in toks:
            w = self.weight(t)
            if w <= GENERIC_WEIGHT:
                continue
            for n, key in enumerate(_block_keys(t)):
                for idx in self._block.get(key, ()):
                    votes[idx] += w if n == 0 else w * 0.5
        if len(votes) <= limit:
            return sorted(votes)
        return sorted(sorted(votes, key=lambda i: (-votes[i], i))[:limit])

    def _fuzzy(self, norm: str) -> tuple[float, int] | None:
        toks = list(dict.fromkeys(name_tokens(norm)))
        best: tuple[float, int] | None = None
        for idx in self._candidates(toks):
            other = self._names[idx][3]
            score = token_match(toks, list(other), self.weight)
            if score >= HIT_THRESHOLD and (best is None or score > best[0] or
                                           (score == best[0] and self._names[idx][1] < self._names[best[1]][1])):
                best = (score, idx)
        return best


def _groups(uf: _UnionFind) -> dict[str, frozenset[str]]:
    members: dict[str, set[str]] = defaultdict(set)
    for eid in list(uf.parent):
        members[uf.find(eid)].add(eid)
    out: dict[str, frozenset[str]] = {}
    for group in members.values():
        frozen = frozenset(group)
        for eid in group:
            out[eid] = frozen
    return out


_KIND_RANK = {"legal": 0, "other": 1, "transliterated": 2, "trading": 3, "previous": 4}


def close_spelling(a: str, b: str) -> bool:
    """A misspelling of the same name ("Microsft"), not another name sharing a word with it."""
    ca, cb = a.replace(" ", ""), b.replace(" ", "")
    return ca == cb or (min(len(ca), len(cb)) >= 5 and fuzz.ratio(ca, cb) >= 90)


@lru_cache(maxsize=1 << 17)
def _token_sim(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if has_cjk(a) or has_cjk(b):
        # Chinese names drop the city prefix or the industry word freely: containment of a
        # distinctive run ("华信科技" in "深圳市华信科技") is the same name.
        short, long_ = (a, b) if len(a) <= len(b) else (b, a)
        return 1.0 if len(short) >= 2 and short not in GENERIC and short in long_ else 0.0
    if len(a) < 5 or len(b) < 5:
        return 0.0
    r = fuzz.ratio(a, b) / 100.0
    return r if r >= 0.88 else 0.0


def token_match(a: list[str], b: list[str], weight: object) -> float:
    """Weighted two-way coverage of distinctive tokens; filler words barely count.

    A name whose distinctive tokens are all found in the other (a subset, such as "Halcyon" for
    "Halcyon Software") scores high on that side; the score is the weaker side, softened so a
    subset still passes when what is missing is filler.
    """
    w = weight  # callable token -> weight
    if not a or not b:
        return 0.0

    short_codes = 0  # distinctive one- or two-letter words left unmatched ("DELTA Q SERVICES" vs "Delta")
    places: list[set[str]] = []  # place words each side keeps that the other lacks

    def side(x: list[str], y: list[str]) -> tuple[float, float]:
        nonlocal short_codes
        total = matched = 0.0
        places.append(set())
        for t in x:
            wt = w(t)  # type: ignore[operator]
            total += wt
            best = 0.0
            for u in y:
                s = _token_sim(t, u)
                if s > best:
                    best = s
                    if s == 1.0:
                        break
            matched += wt * best
            if best == 0.0:
                if len(t) <= 2 and t.isalpha() and wt > GENERIC_WEIGHT and t not in LEGAL_WORDS:
                    short_codes += 1
                if t in PLACES:
                    places[-1].add(t)
        return matched, total

    ma, ta = side(a, b)
    mb, tb = side(b, a)
    if ma <= 0 or mb <= 0 or (places[0] and places[1]):
        return 0.0
    # The distinctive content actually shared must itself be distinctive, not filler.
    if max(ma, mb) < 0.5:
        return 0.0
    cov_a, cov_b = ma / ta, mb / tb
    lo, hi = min(cov_a, cov_b), max(cov_a, cov_b)
    if hi >= 0.999 and lo >= 0.34 and not short_codes:
        # one name is the other plus a word or two ("Halcyon" / "Halcyon Software Systems"), but not
        # plus a letter code that tells one company from its namesakes ("Delta Q Services")
        return 0.9 + 0.1 * lo
    return (lo + hi) / 2 if lo >= 0.6 else lo


def same_employer(a: str, b: str, index: RegistryIndex) -> tuple[bool, float, str]:
    """Whether two employer strings name one employer (or one corporate family), with why."""
    na, nb = normalise_company(a), normalise_company(b)
    key = (na, nb) if na <= nb else (nb, na)
    hit = index.same_cache.get(key)
    if hit is None:
        if len(index.same_cache) > SAME_CACHE_LIMIT:
            index.same_cache.clear()
        hit = index.same_cache[key] = _same_employer(key[0], key[1], index)
    return hit


def _same_employer(na: str, nb: str, index: RegistryIndex, site: bool = False) -> tuple[bool, float, str]:
    if not na or not nb:
        return False, 0.0, "empty name"
    if na == nb:
        return True, 1.0, "same normalised name"
    ca, cb = na.replace(" ", ""), nb.replace(" ", "")
    if ca == cb or compact_key(na) == compact_key(nb):
        return True, 0.98, "same name without spaces"
    ea, eb = aliases.lookup(na), aliases.lookup(nb)
    if ea is not None or eb is not None:
        verdict = _same_by_alias(na, nb, ea, eb, index)
        return verdict if verdict[0] or site else (_same_at_site(na, nb, index) or verdict)
    for short, long_ in ((ca, nb), (cb, na)):
        # three letters at least: two-letter initials are shared by too many companies ("BR": Broadridge,
        # Barratt Redrow)
        if len(short) >= 3 and len(long_.split()) >= 3 and short == acronym(long_):
            return True, 0.9, "abbreviation"
    if initials_agree(na, nb):
        return True, 0.9, "the same name with a word written as its initial"
    if partial_acronym(na, nb):
        return True, 0.9, "the same name with its last words written as initials"
    ra, rb = index.resolve_normalised(na), index.resolve_normalised(nb)
    if ra.hit and rb.hit:
        if ra.entity_id == rb.entity_id:
            return True, min(ra.confidence, rb.confidence), "same registry entity"
        if ra.family & rb.family:
            return True, min(ra.confidence, rb.confidence) * 0.95, "same corporate family"
        if ra.method != "fuzzy" and rb.method != "fuzzy":
            # each name is a registered name (or its pinyin) of its own entity: two companies, however
            # much one name contains the other ("Yunzhan" and 成都云栈文化传媒, a namesake)
            return False, 0.0, "different registry entities"
    # One side resolved, the other did not or resolved elsewhere (a bare word that many registered
    # names share: "haichuan"): the other may still be one of this entity's own names (transliterated,
    # previous, trading), which says more than whichever namesake the register ranked first.
    for name, res in ((na, rb), (nb, ra)):
        if res.entity_id is not None and res.method != "fuzzy":
            score = index.matches_a_name_of(name, res.entity_id)
            if score >= HIT_THRESHOLD:
                return True, round(min(score, res.confidence), 4), "a registered name of the same entity"
    if has_cjk(na) != has_cjk(nb):
        same = _same_by_pinyin(na, nb)
        if same is not None:
            return same
        cjk, latin = (na, nb) if has_cjk(na) else (nb, na)
        if same_sound(cjk, latin):
            return True, 0.9, f"{cjk!r} read aloud is {latin!r}"
    score = token_match(name_tokens(na), name_tokens(nb), index.weight)
    if score >= HIT_THRESHOLD:
        return True, round(score, 4), "similar name"
    if not site and (at_site := _same_at_site(na, nb, index)):
        return at_site
    return False, round(score, 4), "different employers"


def _same_at_site(na: str, nb: str, index: RegistryIndex) -> tuple[bool, float, str] | None:
    """One name is the other with a site after it ("Acme Gdansk Plant", "Bosch Werk Bamberg")."""
    for x, y in ((na, nb), (nb, na)):
        if site_stripped(y):
            continue  # a site on both sides: the names themselves must agree
        for bare in site_stripped(x):
            lo, hi = sorted((bare, y))
            same, conf, why = _same_employer(lo, hi, index, site=True)
            # without its site the name must be the other one, not a part of it ("CTS" in "CTS Eventim")
            if same and (conf >= 0.97 or token_match(name_tokens(bare), name_tokens(y), index.weight) >= 0.999):
                return True, round(conf * 0.97, 4), f"{why}, at a site ({x!r})"
    return None


def _same_by_alias(na: str, nb: str, ea: aliases.AliasHit | None, eb: aliases.AliasHit | None,
                   index: RegistryIndex) -> tuple[bool, float, str]:
    """At least one name is in the alias table. Both: the table decides (one family or not). One:
    the other is that company only if the register puts both in one family or it is a misspelling
    of one of the company's names; sharing a famous word ("Apple Leisure Group") is not enough."""
    if ea is not None and eb is not None:
        if ea.family == eb.family:
            if ea.company == eb.company:
                return True, 0.97, f"same company: {ea.why}; {eb.why}"
            return True, 0.93, f"same corporate family: {ea.why}; {eb.why}"
        return False, 0.0, f"different companies: {ea.why}; {eb.why}"
    known, known_norm, other = (ea, na, nb) if ea is not None else (eb, nb, na)
    assert known is not None
    rk, ro = index.resolve_normalised(known_norm), index.resolve_normalised(other)
    if rk.hit and ro.hit and rk.family & ro.family:
        how = "same registry entity" if rk.entity_id == ro.entity_id else "same corporate family"
        return True, round(min(rk.confidence, ro.confidence) * 0.95, 4), f"{how}: {known.why}; {ro.why}"
    for cand, _ in aliases.register_norms(known):
        if close_spelling(other, cand):
            return True, 0.9, f"{known.why}; {other!r} is a close spelling of {cand!r}"
    return False, 0.0, f"{known.why}; {other!r} is not one of its names"


def _same_by_pinyin(na: str, nb: str) -> tuple[bool, float, str] | None:
    """A Chinese name against a Latin one: its pinyin key, the one name the other plus filler words
    at most ("Shenzhen Huaxin Technology" = 华信科技), never two different brand words."""
    cjk, latin = (na, nb) if has_cjk(na) else (nb, na)
    key = cjk_latin_key(cjk)
    if not key:
        return None
    if key.replace(" ", "") == latin.replace(" ", ""):
        return True, 0.95, f"pinyin {key!r} of {cjk!r} is the other name"
    a, b = set(key.split()), set(latin.split())
    distinct_a, distinct_b = a - GENERIC, b - GENERIC
    if distinct_a and distinct_a == distinct_b and (a <= b or b <= a):
        return True, 0.9, f"pinyin {key!r} of {cjk!r} has the same distinctive words as {latin!r}"
    return None
