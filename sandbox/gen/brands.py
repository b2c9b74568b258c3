"""The real-world name classes: brands, tickers, Chinese forms, real companies and namesakes.

Each company here knows every form people write it in (``Company.forms``, with a class such as
``ticker`` or ``zh_script``) and which of those forms the registries carry as aliases
(``Company.aliases``: GLEIF ``otherNames`` of type TRADING_OR_OPERATING_NAME, OpenCorporates
``alternative_names``). Fictional companies are identifiable from the registries alone; the real
ones (a minority) are written only in variant spellings that need general knowledge (I.B.M., NYSE: IBM).
Namesakes are *different* companies sharing a distinctive word: hard negatives that must stay apart.
"""

from __future__ import annotations

from datetime import date

from sandbox.gen import words as W
from sandbox.gen.companies import Company, Registry
from sandbox.gen.vocab import convert, pinyin

ZH_COUNTRIES = {"CN", "HK", "TW"}
CITY = {"CN": "Shenzhen", "HK": "Hong Kong", "TW": "Taipei", "US": "Seattle", "DE": "Munich", "GB": "London"}
_LEGAL_TAIL = (" Co., Ltd.", " Limited", " (Hong Kong) Limited", " (HK) Limited")


def add_all(reg: Registry) -> None:
    """Add the vocabulary's brand groups, Chinese brands, real companies and namesakes to ``reg``."""
    for entry in reg.vocab.brands:
        _brand_group(reg, *entry)
    for i, zh in enumerate(reg.vocab.zh_brands):
        c = _zh_brand(reg, i, *zh)
        if i < len(reg.vocab.zh_namesakes):
            n = _zh_plain(reg, f"zhn-{i}", *reg.vocab.zh_namesakes[i])
            _link(reg, c, n)
    by_legal: dict[str, Company] = {}
    for legal, country, sector, year, native, parent, variants in reg.vocab.real:
        c = _real(reg, legal, country, sector, year, native, variants)
        if parent in by_legal:
            c.parent = c.family = by_legal[parent].key
        by_legal[legal] = c


def _created(reg: Registry, lo: int, hi: int) -> date:
    r = reg.rng
    return date(r.randint(lo, hi), r.randint(1, 12), r.randint(1, 28))


def _brand_group(reg: Registry, core: str, country: str, sector: str, brand: str, ticker: str, exch: str) -> None:
    created = _created(reg, 1985, 2006)
    if country == "GB":
        c = reg.uk(sector, core=core, plc=True, created=created)
    else:
        c = reg.foreign(country, sector, core=core, created=created)
    c.aliases = [(brand, "brand"), (ticker, "ticker")]
    c.forms = [(c.display, "legal"), (c.core, "legal"), (brand, "brand"), (brand, "brand"), (ticker, "ticker"),
               (f"{exch}: {ticker}", "ticker_exchange"), (f"{exch}:{ticker}", "ticker_exchange")]
    c.handle = brand.split()[0].lower()
    sub = reg.vocab.sub_brands.get(core)
    if sub:
        s = reg.uk(sector, core=sub[0], created=_created(reg, max(created.year + 1, 1995), 2010))
        s.parent, s.family = c.key, c.key
        s.aliases = [(sub[1], "brand")]
        s.forms = [(s.display, "legal"), (s.core, "legal"), (sub[1], "brand"), (sub[1], "brand")]
        s.handle = sub[1].split()[0].lower()
    # a namesake: another company with the group's distinctive word, in another line of business
    word = core.split()[0].split("-")[0]
    other = "Dental Supplies" if sector != "medical" else "Property Services"
    n = reg.uk("retail" if sector != "retail" else "media", core=f"{word} {other}", created=_created(reg, 1990, 2010))
    _link(reg, c, n)


def _link(reg: Registry, a: Company, b: Company) -> None:
    reg.namesakes.setdefault(a.key, []).append(b.key)
    reg.namesakes.setdefault(b.key, []).append(a.key)


def _other_script(text: str, country: str) -> str:
    return convert(text, "t2s") if country in ("HK", "TW") else convert(text, "s2t")


def _zh_brand(reg: Registry, i: int, legal: str, short: str, en_brand: str, en_legal: str, region: str) -> Company:
    core = en_legal
    for tail in _LEGAL_TAIL:
        core = core.removesuffix(tail)
    sector = "hardware" if any(w in legal for w in ("电子", "電子", "半导体", "精密", "设备")) else "software"
    c = Company(key=f"zhb-{i}", country=region, sector=sector, city=CITY[region], core=core, display=en_legal,
                created=_created(reg, 1995, 2012), kind="foreign", native=legal, handle=en_brand.replace(" ", "").lower(),
                translit=_translit(legal, short), sic=list(W.SECTORS[sector][1][:1]))
    c.aliases = [(short, "zh_brand"), (en_brand, "en_brand")]
    c.forms = [(legal, "zh_legal"), (_other_script(legal, region), "zh_script"), (short, "zh_brand"),
               (_other_script(short, region), "zh_script"), (pinyin(short), "pinyin"), (en_brand, "en_brand"),
               (en_legal, "en_legal")]
    reg._cores.append(core.lower())
    return reg.add(c)


def _translit(legal: str, short: str) -> str:
    """The ASCII transliteration as GLEIF shows it, cut at the brand so pinyin words stay whole."""
    head, _, tail = legal.partition(short)
    return " ".join(pinyin(part) for part in (head, short, tail) if part).upper()


def _zh_plain(reg: Registry, key: str, legal: str, en_legal: str) -> Company:
    core = en_legal.removesuffix(" Co., Ltd.")
    c = Company(key=key, country="CN", sector="retail", city=en_legal.split()[0], core=core, display=en_legal,
                created=_created(reg, 1998, 2012), kind="foreign", native=legal, translit=pinyin(legal).upper(),
                sic=list(W.SECTORS["retail"][1][:1]))
    c.forms = [(legal, "zh_legal"), (en_legal, "en_legal")]
    reg._cores.append(core.lower())
    return reg.add(c)


def _real(reg: Registry, legal: str, country: str, sector: str, year: int, native: str | None,
          variants: list[str]) -> Company:
    core = legal
    for tail in (", Inc.", " Inc.", " Corporation", " Co., Ltd.", " Limited", " LLC", " Aktiengesellschaft", " SE"):
        core = core.removesuffix(tail)
    c = Company(key="real-" + core.lower().replace(" ", "-").replace(".", ""), country=country, sector=sector,
                city=CITY.get(country, "New York"), core=core, display=legal, legal=legal,
                created=date(year, reg.rng.randint(1, 12), reg.rng.randint(1, 28)), kind="foreign", native=native,
                real=True, sic=list(W.SECTORS[sector][1][:1]), handle=_handle(core))
    if native:
        c.translit = pinyin(native).upper()
    c.forms = [(v, "real_variant") for v in variants]
    reg._cores.append(core.lower())
    return reg.add(c)


def _handle(core: str) -> str:
    """The GitHub organisation people put as their company: initials of a long name (@ibm), else its first word."""
    words = core.replace(".", "").split()
    return "".join(w[0] for w in words).lower() if len(words) >= 3 else words[0].lower().strip(",")


def form_class(c: Company | None, name: str) -> str:
    """The class of a written name of ``c`` (empty for the ordinary forms the sandbox always wrote)."""
    if c is None:
        return ""
    return next((cls for form, cls in c.forms if form == name), "")


def named(reg: Registry) -> list[Company]:
    """The ordinary employers that carry one of the classes (brand groups, Chinese brands, real companies)."""
    return [c for c in reg.employers() if c.forms]
