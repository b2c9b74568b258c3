"""Employer-name matching by class of real-world writing, off the alias tables, beside WRatio.

``python -m evaluation.names_classes`` scores one labelled pair set, with a class for each way people
write a company name that no alias table can list in advance:

==================  ===========================================================================  ========
class               a positive pairs the register's name with                                      source
==================  ===========================================================================  ========
script-ja-ko        its Japanese katakana or Korean hangul name                                    written
kanji               its Japanese name in kanji (with kana at most), read aloud ("本田技研工業")        written
chinese-short       (Chinese) its full legal form "…（上海）有限公司" against the short "…上海"       derived
initials            its first word written as an initial ("E. Lilly and Company")                  derived
legal-abbrev        an abbreviated legal form of another language ("San. ve Tic. Ltd. Şti.",        derived
                    "Sp. z o.o.") against the same form spelt out
site                a site after the name ("… Gdansk Plant", "… Werk Leipzig")                      derived
ticker-short        its one- or two-letter ticker                                                   real
brand-short         the brand its web domain uses (abbreviation, brand or former name)             real
glued               its words run together with the legal form glued on ("@AcmeRoboticsLtd")      derived
one-shared-word     (negatives only) a different company sharing one distinctive word              real
==================  ===========================================================================  ========

"real": pairs taken as they are from a listing package (pytickersymbols: names, tickers, web
domains; tickerdata: Chinese names). "derived": a real company name from those packages with the
writing of the class applied by a stated rule. "written": no installed package ships kana, kanji or
hangul company names, so those pairs are written out below, for real companies, by hand. Every class has
negatives made the same way from a *different*, confusable company (sharing a word, the same
initial, the same ticker letters, a similar sound). Two "off table" figures are reported:

- **off the hand table**: neither name is in the hand-written alias table (``source.yaml``);
- **off every table**: that, and the variant is not a key of the generated listed-company table
  (``listed.json``) either. That table is generated from pytickersymbols, the package the
  ticker-short and brand-short pairs come from, so its hits on those classes are a look-up in the
  same data, not a rule that generalises: "off every table" is the figure for the rules alone.

The same run times the engine (``same_employer``, caches cleared) and WRatio on the same pairs, in
pairs per second: a benchmark printing figures, not a timed test.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from evaluation.names import Counts, _fmt, alias_table_names, register_of, tally, wratio
from evaluation.names_data import Company, load_sources
from evaluation.names_pairs import Pair, derive_pairs
from evaluation.names_text import identity_words, without_legal_form, words
from include.engine import aliases
from include.engine.names import normalise_company
from include.engine.resolve import GENERIC, RegistryIndex, same_employer

CLASSES = ("script-ja-ko", "kanji", "chinese-short", "initials", "legal-abbrev", "site", "ticker-short", "brand-short",
           "glued", "one-shared-word")
SOURCES = {"script-ja-ko": "written", "kanji": "written", "chinese-short": "derived", "initials": "derived", "legal-abbrev": "derived",
           "site": "derived", "ticker-short": "real", "brand-short": "real", "glued": "derived",
           "one-shared-word": "real"}
# Classes no rule can answer without knowing the company (a ticker, a domain's brand): reported, and
# also left out of a second overall line, so that neither figure hides the other.
NEEDS_KNOWLEDGE = frozenset({"ticker-short", "brand-short"})
SEED = 23
PER_CLASS = 150  # positives per derived class at most (negatives as many)

# Real companies' names in katakana / hangul, as their own Japanese and Korean sites write them.
SCRIPT_NAMES = (
    ("パナソニック", "Panasonic Holdings"), ("キーエンス", "Keyence"), ("ファーストリテイリング", "Fast Retailing"),
    ("ソフトバンクグループ", "SoftBank Group"), ("ニトリホールディングス", "Nitori Holdings"), ("オリンパス", "Olympus"),
    ("スズキ", "Suzuki Motor"), ("ヤマハ", "Yamaha Corporation"), ("キヤノン", "Canon"), ("ニコン", "Nikon"),
    ("リコー", "Ricoh"), ("ブリヂストン", "Bridgestone"), ("コナミグループ", "Konami Group"), ("カプコン", "Capcom"),
    ("ファナック", "Fanuc"), ("マツダ", "Mazda Motor"), ("スバル", "Subaru"), ("テルモ", "Terumo"),
    ("シスメックス", "Sysmex"), ("アドバンテスト", "Advantest"), ("トヨタ自動車", "Toyota Motor"),
    ("ダイキン工業", "Daikin Industries"), ("ソニーグループ", "Sony Group"), ("オムロン", "Omron"),
    ("シマノ", "Shimano"), ("ユニ・チャーム", "Unicharm"), ("コーセー", "Kose"), ("サントリー", "Suntory"),
    ("삼성전자", "Samsung Electronics"), ("현대자동차", "Hyundai Motor"), ("기아", "Kia"), ("포스코", "POSCO"),
    ("네이버", "Naver"), ("카카오", "Kakao"), ("셀트리온", "Celltrion"), ("한화", "Hanwha"), ("롯데", "Lotte"),
    ("신한은행", "Shinhan Bank"), ("하나은행", "Hana Bank"), ("농심", "Nongshim"),
)
# Real companies' names as written in Japanese with kanji (their Japanese sites, registers), against
# their English names. Negatives pair each with the English name of another company in the list,
# one of the same group first (三菱電機 against Mitsubishi Heavy Industries), then one alike in sound.
KANJI_NAMES = (
    ("本田技研工業", "Honda Motor"), ("日立製作所", "Hitachi"), ("富士通", "Fujitsu"), ("任天堂", "Nintendo"),
    ("資生堂", "Shiseido"), ("武田薬品工業", "Takeda Pharmaceutical"), ("花王", "Kao"), ("味の素", "Ajinomoto"),
    ("村田製作所", "Murata Manufacturing"), ("三菱電機", "Mitsubishi Electric"), ("住友化学", "Sumitomo Chemical"),
    ("伊藤忠商事", "Itochu"), ("三井物産", "Mitsui & Co."), ("信越化学工業", "Shin-Etsu Chemical"),
    ("第一三共", "Daiichi Sankyo"), ("旭化成", "Asahi Kasei"), ("京セラ", "Kyocera"), ("大和ハウス工業", "Daiwa House"),
    ("積水ハウス", "Sekisui House"), ("小松製作所", "Komatsu"), ("日産自動車", "Nissan Motor"),
    ("三菱重工業", "Mitsubishi Heavy Industries"), ("住友商事", "Sumitomo Corporation"), ("丸紅", "Marubeni"),
    ("塩野義製薬", "Shionogi"), ("中外製薬", "Chugai Pharmaceutical"), ("日本製鉄", "Nippon Steel"),
    ("川崎重工業", "Kawasaki Heavy Industries"), ("凸版印刷", "Toppan"), ("大日本印刷", "Dai Nippon Printing"),
    ("清水建設", "Shimizu"), ("鹿島建設", "Kajima"), ("明治ホールディングス", "Meiji Holdings"),
    ("三菱商事", "Mitsubishi Corporation"), ("住友電気工業", "Sumitomo Electric Industries"), ("東レ", "Toray"),
    ("三井不動産", "Mitsui Fudosan"), ("大成建設", "Taisei"), ("出光興産", "Idemitsu Kosan"), ("電通", "Dentsu"),
)
# Legal forms spelt out as a register holds them, and abbreviated as people write them.
LEGAL_FORMS = (
    ("Sanayi ve Ticaret Limited Şirketi", "San. ve Tic. Ltd. Şti."),
    ("Sanayi ve Ticaret Anonim Şirketi", "San. ve Tic. A.Ş."),
    ("spółka z ograniczoną odpowiedzialnością", "Sp. z o.o."),
    ("Gesellschaft mit beschränkter Haftung", "Ges.m.b.H."),
    ("Società per Azioni", "S.p.A."),
    ("Sociedad Anónima de Capital Variable", "S.A. de C.V."),
    ("Kabushiki Kaisha", "K.K."),
    ("Aktiengesellschaft", "AG"),
    ("Private Limited Company", "Pvt. Ltd."),
    ("Aktiebolag", "AB"),
)
SITES = ("{} Gdansk Plant", "{} Werk Leipzig", "{} Pune Factory", "{} Monterrey Plant", "{} Suzhou Site",
         "{} Toulouse Facility", "{} Plant Kraków")
GLUED_FORMS = ("Ltd", "Inc", "Corp", "GmbH", "AG", "LLC")
ZH_CITIES = ("上海", "北京", "深圳", "中国", "苏州")


@dataclass(frozen=True)
class Item:
    cls: str
    variant: str
    company: str
    same: bool

    def as_pair(self) -> Pair:
        return Pair(self.cls, self.cls, self.variant, self.company, self.same, "", "")


def _base(c: Company) -> str:
    return without_legal_form(c.name).strip(" ,")


def _distinctive(name: str) -> list[str]:
    return [w for w in words(name) if normalise_company(w) not in GENERIC and len(w) >= 3]


def _neighbours(companies: Sequence[Company]) -> dict[str, list[Company]]:
    """Companies sharing a distinctive word of another's name (the confusable ones)."""
    by_word: dict[str, list[Company]] = defaultdict(list)
    for c in companies:
        for w in set(_distinctive(_base(c))):
            by_word[w].append(c)
    out: dict[str, list[Company]] = defaultdict(list)
    for group in by_word.values():
        if 2 <= len(group) <= 15:
            for c in group:
                out[c.key].extend(o for o in group if o.key != c.key and identity_words(o.name) != identity_words(c.name))
    return out


def _camel(text: str) -> str:
    return "".join(w[:1].upper() + w[1:] for w in words(text))


def build(companies: list[Company], chinese: list[Company], seed: int = SEED) -> list[Item]:
    """The labelled items, deterministic for a seed."""
    rng = random.Random(seed)
    cs = sorted((c for c in companies if len(_distinctive(_base(c))) >= 1), key=lambda c: c.key)
    near = _neighbours(cs)
    items: list[Item] = []

    def other(c: Company) -> Company:
        pool = near.get(c.key) or cs
        o = rng.choice(pool)
        return o if o.key != c.key else cs[(cs.index(c) + 1) % len(cs)]

    # script: each written name against its company, and against another company's name that sounds alike
    eng = [e for _, e in SCRIPT_NAMES]
    for script, english in SCRIPT_NAMES:
        items.append(Item("script-ja-ko", script, english, True))
        others = sorted((e for e in eng if e != english), key=lambda e: (e[0] != english[0], e))
        items.append(Item("script-ja-ko", script, others[0], False))
    # kanji: each written name against its company, and against another company's English name
    keng = [e for _, e in KANJI_NAMES]
    for script, english in KANJI_NAMES:
        items.append(Item("kanji", script, english, True))
        first = english.split()[0]
        others = sorted((e for e in keng if e != english), key=lambda e: (e.split()[0] != first, e[0] != english[0], e))
        items.append(Item("kanji", script, others[0], False))
    # Chinese: the full legal form with a city in brackets against the short form with the city after
    for c in chinese:
        if not c.zh_name:
            continue
        city = rng.choice(ZH_CITIES)
        brand = c.zh_name.removesuffix("公司").removesuffix("集团")
        items.append(Item("chinese-short", f"{brand}（{city}）有限公司", f"{brand}{city}", True))
        o = rng.choice([x for x in chinese if x.key != c.key and x.zh_name])
        items.append(Item("chinese-short", f"{brand}（{city}）有限公司",
                          f"{(o.zh_name or '').removesuffix('公司').removesuffix('集团')}{city}", False))
    sample = rng.sample(cs, min(len(cs), PER_CLASS * 2))
    # initials: a name of two words or more, its first word an initial
    n = 0
    for c in sample:
        ws = _base(c).split()
        if len(ws) < 2 or not ws[0].isalpha() or len(ws[0]) < 3 or not _distinctive(" ".join(ws[1:])):
            continue
        variant = f"{ws[0][0]}. {' '.join(ws[1:])}"
        items.append(Item("initials", variant, c.name, True))
        rivals = [o for o in near.get(c.key, []) if o.name.split()[0][:1] != ws[0][:1]] or [other(c)]
        items.append(Item("initials", variant, rng.choice(rivals).name, False))
        n += 1
        if n >= PER_CLASS:
            break
    for c in sample[:PER_CLASS]:
        full, short = rng.choice(LEGAL_FORMS)
        items.append(Item("legal-abbrev", f"{_base(c)} {short}", f"{_base(c)} {full}", True))
        items.append(Item("legal-abbrev", f"{_base(c)} {short}", f"{_base(other(c))} {full}", False))
        site = rng.choice(SITES)
        items.append(Item("site", site.format(_base(c)), c.name, True))
        items.append(Item("site", site.format(_base(c)), other(c).name, False))
        glued = ("@" if rng.random() < 0.5 else "") + _camel(_base(c)) + rng.choice(GLUED_FORMS)
        items.append(Item("glued", glued, c.name, True))
        items.append(Item("glued", glued, other(c).name, False))
    # tickers of one or two letters, against the company and against a company with those initials
    by_initials: dict[str, list[Company]] = defaultdict(list)
    for c in cs:
        by_initials["".join(w[0] for w in words(_base(c)))[:2].upper()].append(c)
    for c in cs:
        for t in c.tickers[:1]:
            if 1 <= len(t) <= 2 and t.isalpha():
                items.append(Item("ticker-short", t, c.name, True))
                rivals = [o for o in by_initials.get(t, []) if o.key != c.key and t not in o.tickers]
                items.append(Item("ticker-short", t, (rng.choice(rivals) if rivals else other(c)).name, False))
    # real pairs: the web-domain brands and the shared-word negatives of the listing-package set
    for p in derive_pairs(companies, chinese, seed):
        if p.rule == "domain (abbreviation, brand or former name)":
            items.append(Item("brand-short", p.variant, p.company, p.same))
        elif p.rule == "shares a distinctive word":
            items.append(Item("one-shared-word", p.variant, p.company, False))
    return list(dict.fromkeys(items))


@dataclass
class Report:
    items: list[Item]
    engine: list[bool]
    wratio: list[bool]
    off_table: list[bool]  # off the hand table
    lines: list[str]
    off_every: list[bool] = field(default_factory=list)  # off the hand table and the generated listed table

    def counts(self, cls: str | None, off_table_only: bool = True, every: bool = False) -> Counts:
        off = self.off_every if every else self.off_table
        sel = [i for i, it in enumerate(self.items)
               if (cls is None or it.cls == cls) and (off[i] or not off_table_only)]
        return tally([self.items[i].as_pair() for i in sel], [self.engine[i] for i in sel])

    def by_rule(self) -> Counts:
        """Off the hand table, the classes a rule can reach (no ticker or brand look-up needed)."""
        sel = [i for i, it in enumerate(self.items) if self.off_table[i] and it.cls not in NEEDS_KNOWLEDGE]
        return tally([self.items[i].as_pair() for i in sel], [self.engine[i] for i in sel])


def _bench(items: Sequence[Item], index: RegistryIndex) -> tuple[float, float, float]:
    """Pairs per second: the engine from cold caches, then WRatio, on the same pairs; and the seconds
    the engine's one-time loads take (pykakasi's dictionaries, the alias tables), timed apart."""
    t = time.perf_counter()
    for a, b in (("山田製作所", "Yamada"), ("AX", "Axos Financial"), ("华信科技", "Huaxin Technology")):
        same_employer(a, b, index)
    load = time.perf_counter() - t
    index.same_cache.clear()
    index._cache.clear()  # a cold start is what is measured
    t0 = time.perf_counter()
    for it in items:
        same_employer(it.variant, it.company, index)
    t1 = time.perf_counter()
    for it in items:
        wratio(it.as_pair())
    t2 = time.perf_counter()
    return len(items) / max(t1 - t0, 1e-9), len(items) / max(t2 - t1, 1e-9), load


def listed_keys() -> tuple[str, dict[str, list[str]]]:
    """The generated listed-company table's keys (``normalise_company`` without spaces) and provenance."""
    data = aliases.listed()
    return aliases.listed_provenance(), dict(data.get("keys") or {})


def _on_listed(it: Item, listed: dict[str, list[str]]) -> bool:
    """Whether the generated listed table can answer the pair: its variant is a ticker, listing or brand
    there, or both names are names of one listed company written differently. (A variant that
    normalises to the company's own name is answered by normalisation, whichever table lists the
    name; names of two listed companies are not answered by the table, which never says "different".)"""
    kv = normalise_company(it.variant).replace(" ", "")
    kc = normalise_company(it.company).replace(" ", "")
    entry = listed.get(kv)
    if entry is None:
        return False
    return entry[1] != "name" or (kv != kc and kc in listed and listed[kc][0] == entry[0])


def evaluate(seed: int = SEED) -> Report:
    sources = load_sources()
    items = build(sources.companies, sources.chinese, seed)
    register = sorted({c.key: c for c in [*sources.companies, *sources.chinese]}.values(), key=lambda c: c.key)
    index = register_of(register)
    engine_pps, wratio_pps, load_s = _bench(items, index)
    engine = [same_employer(it.variant, it.company, index)[0] for it in items]
    base = [wratio(it.as_pair()) >= 90.0 for it in items]
    table = alias_table_names()
    names = table[1] if table else frozenset()
    off = [normalise_company(it.variant) not in names and normalise_company(it.company) not in names for it in items]
    listed_from, listed = listed_keys()
    every = [o and not _on_listed(it, listed) for it, o in zip(items, off, strict=True)]
    rep = Report(items, engine, base, off, [], every)
    lines = [f"Employer names by class of writing (seed {seed}); data: " + "; ".join(sources.description),
             f"  hand alias table: {table[0] if table else 'none'}; generated listed table: {listed_from}", ""]
    head = "  P      R      tp   fp   fn"

    def block(c: Counts) -> str:
        return f"{_fmt(c.precision):>6} {_fmt(c.recall):>6} {c.tp:>5} {c.fp:>4} {c.fn:>4}"

    rows: list[tuple[str, Callable[[Item], bool]]] = [(c, lambda it, c=c: it.cls == c) for c in CLASSES]
    for title, mask, extra in (
        ("OFF THE HAND TABLE (neither name in source.yaml's table)", off,
         [("overall", lambda it: True), ("overall by rule", lambda it: it.cls not in NEEDS_KNOWLEDGE)]),
        ("OFF EVERY TABLE (also: the variant is no key of the generated listed table)", every,
         [("overall", lambda it: True)]),
    ):
        lines.append(title)
        lines.append(f"{'class':<16}{'source':<9}{'pairs':>16}   {'engine same_employer':<28}   WRatio >= 90")
        lines.append(f"{'':<16}{'':<9}{'same':>8}{'diff':>8}   {head}   {head}")
        for label, keep in rows + extra:
            sel = [i for i, it in enumerate(items) if keep(it) and mask[i]]
            ps = [items[i].as_pair() for i in sel]
            e, b = tally(ps, [engine[i] for i in sel]), tally(ps, [base[i] for i in sel])
            lines.append(f"{label:<16}{SOURCES.get(label, ''):<9}{e.tp + e.fn:>8}{e.fp + e.tn:>8}   "
                         f"{block(e)}   {block(b)}")
        lines.append("")
    lines.append("('overall by rule' leaves out " + ", ".join(sorted(NEEDS_KNOWLEDGE)) + ": no rule can know a "
                 "ticker or a domain's brand without a table. The generated listed table comes from the same "
                 "package as those classes' pairs, so off the hand table they measure a look-up in that data)")
    in_table = sum(not o for o in off)
    lines.append(f"(left out as in the hand alias table: {in_table} of {len(items)} pairs; with them the engine "
                 f"scores P {_fmt(rep.counts(None, False).precision)} R {_fmt(rep.counts(None, False).recall)})")
    with_load = len(items) / (len(items) / engine_pps + load_s)
    lines.append(f"speed on these {len(items):,} pairs: engine {engine_pps:,.0f} pairs/s from cold caches, "
                 f"WRatio {wratio_pps:,.0f} pairs/s (the engine's one-time loads of pypinyin, pykakasi and the "
                 f"alias tables took {load_s:.2f} s, timed apart; counting them: {with_load:,.0f} pairs/s)")
    rep.lines = lines
    return rep


def errors(rep: Report, limit: int) -> list[str]:
    out: list[str] = []
    per: dict[str, int] = defaultdict(int)
    for it, said, off in zip(rep.items, rep.engine, rep.off_table, strict=True):
        if off and said != it.same and per[it.cls] < max(1, limit // len(CLASSES)):
            per[it.cls] += 1
            out.append(f"  {'false match' if said else 'missed':<11} {it.cls:<15} {it.variant!r} vs {it.company!r}")
    return out[:limit]


def main(argv: list[str] | None = None, out: Callable[[str], None] = print) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--min-precision", type=float, default=None, help="exit 1 if precision off the hand table or off every table is lower")
    ap.add_argument("--min-recall", type=float, default=None,
                    help="exit 1 if recall off the hand table or off every table is lower")
    ap.add_argument("--show-errors", type=int, default=0, metavar="N", help="print up to N misclassified pairs")
    args = ap.parse_args(argv)
    rep = evaluate(args.seed)
    for line in rep.lines:
        out(line)
    for line in errors(rep, args.show_errors):
        out(line)
    failed = []
    for label, c in (("off the hand table", rep.counts(None)), ("off every table", rep.counts(None, every=True))):
        if args.min_precision is not None and (c.precision or 0.0) < args.min_precision:
            failed.append(f"{label}: precision {_fmt(c.precision)} < {args.min_precision}")
        if args.min_recall is not None and (c.recall or 0.0) < args.min_recall:
            failed.append(f"{label}: recall {_fmt(c.recall)} < {args.min_recall}")
    for f in failed:
        out(f"BELOW THRESHOLD: {f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
