"""Fictional registry snapshots in the real file formats, and employer names labelled against them.

Deterministic for a seed: ``entity_stream(n, seed)`` yields the same entities every time, so a
benchmark can write the files once and draw its labelled employer sample later from the same
stream. Every name is unique after ``normalise_company`` across both registries, so a label is
never ambiguous.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from include.engine.names import normalise_company
from include.snapshots import companies_house as ch
from include.snapshots import gleif
from sandbox.registry_files import words as W

LEI_PREFIXES = ("5493", "2138", "9695", "3157", "8945", "7245", "2549", "6354")
_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass
class FakeEntity:
    """Ground truth for one generated record; ``names`` are (name, kind) with the legal name first."""

    entity_id: str
    registry: str
    names: list[tuple[str, str]]
    row: dict[str, str] = field(repr=False)
    traditional: str | None = None  # a CJK legal name in traditional characters, when there is one


class NameFactory:
    """Unique company-name cores with a real register's token statistics."""

    def __init__(self, rng: random.Random | None = None) -> None:
        self.rng = rng or random.Random(0)
        self.seen: set[str] = set()

    def coined(self) -> str:
        r = self.rng
        word = "".join(r.choice(W.REAL_SYLLABLES) for _ in range(r.choice((2, 2, 3)))) + r.choice(W.ENDINGS)
        return word.capitalize()

    def core(self) -> str:
        r = self.rng
        ind = r.choice(W.INDUSTRY_GENERIC) if r.random() < 0.5 else r.choice(W.INDUSTRY_OTHER)
        p = r.random()
        if p < 0.30:
            return f"{self.coined()} {ind}"
        if p < 0.40:
            return self.coined()
        if p < 0.50:
            return f"{r.choice(W.DESCRIPTORS)} {self.coined()}"
        if p < 0.58:
            return f"{r.choice(W.SURNAMES)} {ind}"
        if p < 0.63:
            return f"{r.choice(W.SURNAMES)} & {r.choice(W.SURNAMES)}"
        if p < 0.71:
            return f"{r.choice(W.PLACES)} {ind}"
        if p < 0.77:
            return f"{r.choice(W.DESCRIPTORS)} {ind}"
        if p < 0.87:
            return f"{r.choice(W.DESCRIPTORS)} {r.choice(W.SURNAMES)} {ind}"
        if p < 0.94:
            return f"{self.coined()} {ind} {r.choice(W.INDUSTRY_OTHER)}"
        return f"{r.choice(W.PLACES)} {r.choice(W.DESCRIPTORS)} {ind}"

    def claim(self, name: str) -> bool:
        """Reserve a name's normalised form; False when another entity already has it."""
        norm = normalise_company(name)
        if not norm or norm in self.seen:
            return False
        self.seen.add(norm)
        return True

    def unique(self, suffix: str = "", upper: bool = False) -> str:
        while True:
            name = f"{self.core()} {suffix}".strip()
            name = name.upper() if upper else name
            if self.claim(name):
                return name


def _day(r: random.Random, start: int, end: int) -> date:
    return date(start, 1, 1) + timedelta(days=r.randrange((date(end, 12, 31) - date(start, 1, 1)).days))


def _ch_number(i: int, suffix: str, r: random.Random) -> str:
    if suffix == "LLP":
        return f"OC{i % 1_000_000:06d}"
    if r.random() < 0.08:
        return f"SC{i % 1_000_000:06d}"
    return f"{(i * 7919 + 1_000_003) % 100_000_000:08d}"


def _companies_house(i: int, r: random.Random, names: NameFactory) -> FakeEntity:
    suffix = r.choice(W.CH_SUFFIXES)
    legal = names.unique(suffix, upper=True)
    number = _ch_number(i, suffix, r)
    created = _day(r, 1960, 2024)
    status = r.choice(W.CH_STATUSES)
    dissolved = _day(r, max(created.year + 1, 2015), 2025) if status == "Dissolved" else None
    town, county, pc = r.choice(W.TOWNS)
    row = {
        "CompanyName": legal,
        "CompanyNumber": number,
        "RegAddress.AddressLine1": f"{r.randint(1, 240)} {r.choice(W.STREETS).upper()}",
        "RegAddress.PostTown": town,
        "RegAddress.County": county,
        "RegAddress.Country": "UNITED KINGDOM",
        "RegAddress.PostCode": f"{pc} {r.randint(1, 9)}{r.choice('ABDEFGHJ')}{r.choice('LNPQRSTUW')}",
        "CompanyCategory": W.CH_CATEGORIES[suffix],
        "CompanyStatus": status,
        "CountryOfOrigin": "United Kingdom",
        "DissolutionDate": ch.format_date(dissolved),
        "IncorporationDate": ch.format_date(created),
        "Accounts.AccountRefDay": str(r.choice((28, 30, 31))),
        "Accounts.AccountRefMonth": str(r.randint(1, 12)),
        "Accounts.AccountCategory": r.choice(
            ("TOTAL EXEMPTION FULL", "MICRO ENTITY", "SMALL", "FULL", "DORMANT", "NO ACCOUNTS FILED")
        ),
        "Mortgages.NumMortCharges": "0",
        "Mortgages.NumMortOutstanding": "0",
        "Mortgages.NumMortPartSatisfied": "0",
        "Mortgages.NumMortSatisfied": "0",
        "LimitedPartnerships.NumGenPartners": "0",
        "LimitedPartnerships.NumLimPartners": "0",
        "URI": f"http://business.data.gov.uk/id/company/{number}",
        "ConfStmtNextDueDate": ch.format_date(_day(r, 2026, 2027)),
        "ConfStmtLastMadeUpDate": ch.format_date(_day(r, 2024, 2025)),
    }
    for k, sic in enumerate(r.sample(W.SIC_CODES, r.choice((1, 1, 1, 2, 3))), start=1):
        row[f"SICCode.SicText_{k}"] = sic
    all_names = [(legal, "legal")]
    if r.random() < 0.15:
        when = _day(r, max(created.year, 2000), 2025)
        for k in range(1, r.choice((1, 1, 2, 3)) + 1):
            prev = names.unique(r.choice(("LIMITED", "LTD")), upper=True)
            row[f"PreviousName_{k}.CompanyName"] = prev
            row[f"PreviousName_{k}.CONDATE"] = ch.format_date(when)
            all_names.append((prev, "previous"))
            when = max(created, when - timedelta(days=r.randint(200, 2000)))
    return FakeEntity(f"companies_house:{number}", "companies_house", all_names, row)


def _lei(r: random.Random) -> str:
    return gleif.lei_with_check_digits(r.choice(LEI_PREFIXES) + "00" + "".join(r.choices(_ALNUM, k=12)))


def _cjk_names(r: random.Random, names: NameFactory, trad: bool) -> tuple[str, str, str, str]:
    """(legal, traditional legal, English name, pinyin) of a fictional Chinese company."""
    while True:
        chars = r.sample(list(W.CJK_CHARS), r.choice((2, 2, 3)))
        ind, ind_py, ind_en, ind_tr = r.choice(W.CJK_INDUSTRY)
        city, city_en, city_tr = r.choice(W.CJK_CITIES)
        form, form_tr = ("股份有限公司", "股份有限公司") if trad else ("有限公司", "有限公司")
        simple = f"{city}{''.join(chars)}{ind}{form}"
        tradname = f"{city_tr}{''.join(W.CJK_CHARS[c][1] for c in chars)}{ind_tr}{form_tr}"
        pinyin = "".join(W.CJK_CHARS[c][0] for c in chars).capitalize()
        english = f"{city_en} {pinyin} {ind_en} Co., Ltd.".strip()
        translit = (
            f"{city_en} {pinyin} {ind_py.capitalize()} {'Gufen ' if trad else ''}Youxian Gongsi".strip()
        )
        if names.claim(simple):
            if names.claim(english):
                names.claim(translit)
                return (tradname if trad else simple), tradname, english, translit
            names.seen.discard(normalise_company(simple))


def _gleif(r: random.Random, names: NameFactory) -> FakeEntity:
    jur, forms, lang = r.choice(W.GLEIF_JURISDICTIONS)
    lei = _lei(r)
    created = _day(r, 1950, 2023)
    active = r.random() < 0.93
    expired = None if active else _day(r, max(created.year + 1, 2013), 2025)
    row = {
        "LEI": lei,
        "Entity.LegalJurisdiction": jur,
        "Entity.EntityCategory": "GENERAL",
        "Entity.EntityStatus": "ACTIVE" if active else "INACTIVE",
        "Entity.EntityCreationDate": gleif.format_datetime(created, r.choice(("Z", "+01:00", "+02:00"))),
        "Entity.EntityExpirationDate": gleif.format_datetime(expired),
        "Entity.EntityExpirationReason": "" if active else r.choice(("DISSOLVED", "CORPORATE_ACTION")),
        "Entity.LegalAddress.xmllang": lang,
        "Entity.LegalAddress.FirstAddressLine": f"{r.randint(1, 99)} Main",
        "Entity.LegalAddress.City": "Springfield",
        "Entity.LegalAddress.Country": jur[:2],
        "Registration.InitialRegistrationDate": gleif.format_datetime(_day(r, max(created.year, 2012), 2025)),
        "Registration.LastUpdateDate": gleif.format_datetime(_day(r, 2025, 2025)),
        "Registration.RegistrationStatus": r.choice(("ISSUED",) * 8 + ("LAPSED",)) if active else "RETIRED",
        "Registration.NextRenewalDate": gleif.format_datetime(_day(r, 2026, 2026)),
        "Registration.ManagingLOU": lei[:4] + "00" + "0" * 12 + "00",
        "Registration.ValidationSources": r.choice(("FULLY_CORROBORATED", "PARTIALLY_CORROBORATED")),
        "ConformityFlag": r.choice(("CONFORMING", "NON_CONFORMING", "")),
    }
    all_names: list[tuple[str, str]] = []
    others: list[tuple[str, str, str]] = []
    translits: list[tuple[str, str, str]] = []
    traditional = None
    if jur in ("CN", "TW"):
        legal, traditional, english, translit = _cjk_names(r, names, trad=jur == "TW")
        others.append((english, "en", "ALTERNATIVE_LANGUAGE_LEGAL_NAME"))
        translits.append((translit, "zh-Latn", "AUTO_ASCII_TRANSLITERATED_LEGAL_NAME"))
    else:
        legal = names.unique(r.choice(forms))
        if r.random() < 0.10:
            others.append((names.unique(r.choice(forms)), lang, "PREVIOUS_LEGAL_NAME"))
        if r.random() < 0.10:
            trading = names.unique()
            others.append((trading, lang, "TRADING_OR_OPERATING_NAME"))
    row["Entity.LegalName"], row["Entity.LegalName.xmllang"] = legal, lang
    all_names.append((legal, "legal"))
    for k, (name, nlang, kind) in enumerate(others, start=1):
        base = f"Entity.OtherEntityNames.OtherEntityName.{k}"
        row[base], row[f"{base}.xmllang"], row[f"{base}.type"] = name, nlang, kind
        all_names.append((name, gleif.NAME_KINDS.get(kind, "other")))
    for k, (name, nlang, kind) in enumerate(translits, start=1):
        base = f"Entity.TransliteratedOtherEntityNames.TransliteratedOtherEntityName.{k}"
        row[base], row[f"{base}.xmllang"], row[f"{base}.type"] = name, nlang, kind
        all_names.append((name, "transliterated"))
    return FakeEntity(f"gleif:{lei}", "gleif", all_names, row, traditional)


def entity_stream(
    n: int, seed: int = 1, gleif_share: float = 0.15, names: NameFactory | None = None
) -> Iterator[FakeEntity]:
    """``n`` entities, Companies House and GLEIF interleaved, the same ones for the same seed.
    Pass a fresh ``NameFactory`` to see the normalised names claimed (``names.seen``) afterwards."""
    r = random.Random(seed)
    names = names or NameFactory()
    names.rng = r
    for i in range(n):
        yield _gleif(r, names) if r.random() < gleif_share else _companies_house(i, r, names)


@dataclass
class SnapshotFiles:
    companies_house: Path
    gleif: Path
    counts: dict[str, int]


def write_snapshot(
    out_dir: str | Path, n: int, seed: int = 1, gleif_share: float = 0.15, date_tag: str = "2026-02-01"
) -> SnapshotFiles:
    """Write ``BasicCompanyDataAsOneFile-<date>.csv`` and ``<date>-gleif-goldencopy-lei2-golden-copy.csv``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ch_path = out / f"BasicCompanyDataAsOneFile-{date_tag}.csv"
    lei_path = out / f"{date_tag.replace('-', '')}-0800-gleif-goldencopy-lei2-golden-copy.csv"
    counts = {"companies_house": 0, "gleif": 0}
    with (
        ch_path.open("w", encoding="utf-8", newline="") as fch,
        lei_path.open("w", encoding="utf-8", newline="") as fl,
    ):
        writers = {"companies_house": ch.row_writer(fch), "gleif": gleif.row_writer(fl)}
        for ent in entity_stream(n, seed, gleif_share):
            writers[ent.registry](ent.row)
            counts[ent.registry] += 1
    return SnapshotFiles(ch_path, lei_path, counts)
