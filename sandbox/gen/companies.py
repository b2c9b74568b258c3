"""The fictional corporate world: companies, their names in every form, families and competitors.

A ``Company`` is the ground truth the generator plants against; ``sandbox.gen.registry``
renders it as Companies House, GLEIF and OpenCorporates records. Every employer a resume names
resolves to exactly one ``Company`` (or to none, when fabricated), and two employers are "the same"
for docs/KINDS.md when they share a ``family``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from rapidfuzz import fuzz, process

from sandbox.gen import words as W
from sandbox.gen.ids import month_of
from sandbox.gen.vocab import Vocabulary, get

_ABBREV = {"Technologies": "Tech", "Technology": "Tech", "International": "Intl", "Laboratories": "Labs",
           "Manufacturing": "Mfg"}


@dataclass
class Company:
    key: str
    country: str  # ISO 3166 alpha-2
    sector: str
    city: str
    core: str  # the name without legal form: "Halcyon Software"
    display: str  # as people write it in full: "Halcyon Software Ltd"
    created: date
    dissolved: date | None = None
    status: str = "active"  # active | dissolved | liquidation
    kind: str = "ltd"  # ltd | plc | foreign
    sic: list[str] = field(default_factory=list)  # UK SIC 2007, 5 digits
    native: str | None = None  # the legal name in Chinese / Japanese
    translit: str | None = None
    previous: list[tuple[str, date, date]] = field(default_factory=list)  # (display name, from, until)
    trading: str | None = None  # an acronym it trades under (in GLEIF)
    handle: str = ""  # its GitHub organisation handle
    competitor: str | None = None  # why the hiring company counts it as a competitor
    ch_number: str | None = None
    lei: str | None = None
    oc: tuple[str, str] | None = None  # (jurisdiction_code, company_number)
    oc_codes: list[tuple[str, str]] = field(default_factory=list)  # (code, scheme) for OpenCorporates
    parent: str | None = None  # key of the direct parent
    family: str = ""  # key of the ultimate parent (itself when it has none)
    hiring: bool = False
    bare_ok: bool = True  # False when another company has the same core ("Acme Automation" Inc. / GmbH)
    legal: str | None = None  # the exact legal name registries carry, when not derived from core/display
    aliases: list[tuple[str, str]] = field(default_factory=list)  # (name, class) registries carry as alias
    forms: list[tuple[str, str]] = field(default_factory=list)  # (name, class) people write beyond the legal name
    real: bool = False  # a real, well-known company (written only in variant spellings)

    @property
    def created_m(self) -> int:
        return month_of(self.created)

    @property
    def dissolved_m(self) -> int | None:
        return month_of(self.dissolved) if self.dissolved else None

    def alive(self, start_m: int, end_m: int) -> bool:
        """Clearly alive for the whole tenure (a month of margin either side)."""
        gone = self.dissolved_m
        return self.created_m <= start_m - 1 and (gone is None or gone >= end_m + 1)

    def renamed_m(self) -> int | None:
        return month_of(self.previous[-1][2]) if self.previous else None


def _suffix_forms(c: Company) -> list[str]:
    if c.kind == "plc":
        return [f"{c.core} plc", f"{c.core} PLC"]
    if c.country == "GB":
        return [f"{c.core} Ltd", f"{c.core} Limited", f"{c.core} Ltd."]
    if c.country == "IN":
        return [c.display, f"{c.core} Pvt Ltd"]
    return [c.display]


def resume_names(c: Company, start_m: int) -> list[str]:
    """Names a candidate writes on a resume, all of which a registry knows (suffix variants aside)."""
    if c.forms:
        return [name for name, _ in c.forms]
    if c.native:
        return [c.native, c.display]
    forms = _suffix_forms(c) + ([c.core] if c.bare_ok else [])
    renamed = c.renamed_m()
    if renamed is not None and start_m < renamed:
        forms += [c.previous[-1][0]] * 2
    return forms


def abbreviated(core: str) -> str | None:
    words = core.split()
    out = [_ABBREV.get(w, w) for w in words]
    if out != words:
        return " ".join(out)
    if " & " in core:
        return core.replace(" & ", " and ")
    return None


def _far_from_fake(word: str, fake: tuple[str, ...] | list[str] = tuple(W.FAKE_WORDS)) -> bool:
    return all(fuzz.ratio(word.lower(), f.lower()) < 65 for f in fake)


def _tier1_size(v: Vocabulary) -> int:
    return sum(_far_from_fake(h + t, v.fake_words) and h + t not in v.real_words
               for h in v.overflow_heads for t in v.overflow_tails)


# How many two-part words the first overflow tier can coin; once all are taken, the second tier starts.
# (every real word is taken by then, so a coined word that is also a real word does not count).
_TIER1_SIZE = _tier1_size(get("default"))


class Registry:
    """The companies of one world, with the pools the candidate builder draws employers from."""

    def __init__(self, rng: random.Random, day: date, vocab: Vocabulary | None = None):
        self.rng = rng
        self.day = day
        self.vocab = vocab or get("default")
        self.companies: list[Company] = []
        self.by_key: dict[str, Company] = {}
        self._words = [w for w in self.vocab.real_words if _far_from_fake(w, self.vocab.fake_words)]
        rng.shuffle(self._words)
        self._used_numbers: set[str] = set()
        self._taken: set[str] = set()
        self._cores: list[str] = []
        self._tier1_left = _TIER1_SIZE if self.vocab.name == "default" else _tier1_size(self.vocab)
        self._tier2: list[str] | None = None
        self._buckets: dict[tuple[str, str], list[Company]] = {}
        self._competitors: list[Company] = []
        self._families: dict[str, list[Company]] = {}
        self._indexed = 0
        self.namesakes: dict[str, list[str]] = {}  # company key -> keys of different companies with a shared name word

    def _fresh(self, make: Callable[[], str]) -> str:
        """A new name core not confusable with any existing one (token-sort similarity below 85)."""
        while True:
            core = make()
            if process.extractOne(core.lower(), self._cores, scorer=fuzz.token_sort_ratio, score_cutoff=85) is None:
                return core

    # -- identifiers -------------------------------------------------------------------------
    def _word(self) -> str:
        if self._words:
            word = self._words.pop()
        elif self._tier1_left:  # a big world: coin place-like words, kept unique and far from the fabricated ones
            while True:
                word = self.rng.choice(self.vocab.overflow_heads) + self.rng.choice(self.vocab.overflow_tails)
                if word not in self._taken and _far_from_fake(word, self.vocab.fake_words):
                    break
            self._tier1_left -= 1
        else:  # a very big world (benchmarks): three-part words, drawn without replacement
            if self._tier2 is None:
                coined = [h + m + t for h in W.OVERFLOW_HEADS2 for m in W.OVERFLOW_MIDDLES for t in W.OVERFLOW_TAILS2]
                self._tier2 = [w for w in coined if _far_from_fake(w, self.vocab.fake_words)]
                self.rng.shuffle(self._tier2)
            if not self._tier2:
                raise RuntimeError(f"the sandbox ran out of company words after {len(self._taken)}: "
                                   "generate a smaller world or add words to sandbox/gen/words.py")
            word = self._tier2.pop()
            assert word not in self._taken
        self._taken.add(word)
        return word

    def _unique(self, make) -> str:
        while True:
            value = make()
            if value not in self._used_numbers:
                self._used_numbers.add(value)
                return value

    def ch_number(self, country: str) -> str:
        r = self.rng
        if country == "Scotland":
            return self._unique(lambda: f"SC{r.randint(100000, 799999)}")
        return self._unique(lambda: f"{r.randint(1000000, 14999999):08d}")

    def add(self, c: Company) -> Company:
        c.family = c.family or c.key
        if not c.handle:
            c.handle = c.core.split()[0].lower().replace("&", "")
        self.companies.append(c)
        self.by_key[c.key] = c
        return c

    # -- company factories --------------------------------------------------------------------
    def _created(self, lo: int = 1972, hi: int = 2016) -> date:
        r = self.rng
        return date(r.randint(lo, hi), r.randint(1, 12), r.randint(1, 28))

    def uk(self, sector: str, *, core: str | None = None, created: date | None = None,
           dissolved: date | None = None, plc: bool = False, key: str | None = None,
           sic: list[str] | None = None) -> Company:
        r = self.rng
        fields, codes = W.SECTORS[sector]
        if core is None:
            def make() -> str:
                w, shape = self._word(), r.random()
                single = [f for f in fields if " " not in f and f not in W.GENERIC] or fields
                if shape < 0.55:
                    return f"{w} {r.choice(fields)}"
                if shape < 0.75:
                    return f"{w} {r.choice(single)} {r.choice(W.GENERIC[:6])}"
                if shape < 0.95:
                    return f"{w} {r.choice(W.GENERIC)}"
                return f"{w} & {self._word()} {r.choice(single)}"
            core = self._fresh(make)
        self._cores.append(core.lower())
        city, nation, _ = r.choice(W.UK_CITIES)
        c = Company(key=key or f"gb-{len(self.companies)}", country="GB", sector=sector, city=city, core=core,
                    display=f"{core} {'plc' if plc else 'Ltd'}", created=created or self._created(),
                    kind="plc" if plc else "ltd",
                    sic=sic or r.sample(codes, k=min(len(codes), r.choice([1, 1, 2]))))
        c.ch_number = self.ch_number(nation)
        if dissolved:
            c.dissolved, c.status = dissolved, "dissolved"
        if r.random() < 0.6 or plc:
            c.oc = ("gb", c.ch_number)
        return self.add(c)

    def foreign(self, country: str, sector: str, *, core: str | None = None, key: str | None = None,
                created: date | None = None) -> Company:
        r = self.rng
        suffix, _form, jur, cities = W.FOREIGN[country]
        fields, codes = W.SECTORS[sector]
        if core is None:
            extra = {"DE": W.DE_FIELDS, "FR": W.FR_FIELDS}.get(country, fields + W.GENERIC[:4])
            core = self._fresh(lambda: f"{self._word()} {r.choice(extra)}")
        self._cores.append(core.lower())
        sep = ", " if country == "US" and r.random() < 0.5 else " "
        c = Company(key=key or f"{country.lower()}-{len(self.companies)}", country=country, sector=sector,
                    city=r.choice(cities), core=core, display=f"{core}{sep}{suffix}", created=created or self._created(),
                    kind="foreign", sic=list(codes[:1]))
        if jur and r.random() < 0.45:
            number = {"de": lambda: f"HRB {r.randint(10000, 99999)}", "fr": lambda: f"{r.randint(300, 899)}{r.randint(100000, 999999)}",
                      "us_de": lambda: f"{r.randint(2000000, 7999999)}", "nl": lambda: f"{r.randint(10000000, 89999999)}",
                      "ie": lambda: f"{r.randint(100000, 799999)}"}[jur]
            c.oc = (jur, self._unique(number))
        return self.add(c)

    def chinese(self, sector: str = "hardware") -> Company:
        r = self.rng
        words = self.vocab.zh_words
        zh, py = words[len([c for c in self.companies if c.country == "CN" and not c.forms]) % len(words)]
        fzh, fpy, fen = r.choice(W.ZH_FIELDS)
        czh, cpy, cen = r.choice(W.ZH_CITIES)
        native = f"{czh}{zh}{fzh}有限公司"
        c = Company(key=f"cn-{len(self.companies)}", country="CN", sector=sector, city=cen,
                    core=f"{py} {fen}", display=f"{cen} {py} {fen} Co., Ltd.", created=self._created(1990, 2015),
                    kind="foreign", native=native, handle=py.lower(),
                    translit=f"{cpy} {py} {fpy} YOUXIAN GONGSI".upper())
        return self.add(c)

    def japanese(self, i: int) -> Company:
        native, en, translit, city = self.vocab.jp_companies[i]
        core = en.replace(" Co., Ltd.", "")
        return self.add(Company(key=f"jp-{i}", country="JP", sector="hardware", city=city, core=core, display=en,
                                created=self._created(1950, 2005), kind="foreign", native=native, translit=translit))

    def rename(self, c: Company, new_core: str | None = None) -> None:
        """Give ``c`` a former name: it traded as ``old`` from creation until a rename date."""
        r = self.rng
        old_display = c.display
        lo = max(c.created.year + 2, 2008)
        if lo > 2023:
            return
        when = date(r.randint(lo, 2023), r.randint(1, 12), r.randint(1, 28))
        if new_core is None:
            tail = c.core.split(" ", 1)[1] if " " in c.core else ""
            new_core = self._fresh(lambda: f"{self._word()} {tail}".strip())
        self._cores.append(new_core.lower())
        c.previous.append((old_display, c.created, when))
        c.display = c.display.replace(c.core, new_core)
        c.core = new_core
        c.handle = new_core.split()[0].lower()

    # -- pools ---------------------------------------------------------------------------------
    def n_companies(self) -> int:
        return len(self.companies)

    def _sync(self) -> None:
        """Index the companies added since the last call (the pools below then cost no registry scan).

        Used once candidates are being built: ``build_registry.build_registry`` sets flags and families after ``add``,
        but nothing changes them afterwards, and companies added later keep the flags they are made with.
        """
        for c in self.companies[self._indexed:]:
            if c.competitor:
                self._competitors.append(c)
            elif not c.hiring:
                self._buckets.setdefault((c.country, c.sector), []).append(c)
            self._families.setdefault(c.family, []).append(c)
        self._indexed = len(self.companies)

    def employers(self) -> list[Company]:
        return [c for c in self.companies if not c.hiring and not c.competitor]

    def employer_buckets(self) -> dict[tuple[str, str], list[Company]]:
        """``employers()`` grouped by (country, sector), each in registry order."""
        self._sync()
        return self._buckets

    def competitors(self) -> list[Company]:
        self._sync()
        return list(self._competitors)

    def family_of(self, c: Company) -> list[Company]:
        self._sync()
        return [o for o in self._families.get(c.family, ()) if o.key != c.key]
