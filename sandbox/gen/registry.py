"""Companies rendered as the three registries write them (the shapes in sandbox/WORLD.md).

The same company keeps the same dates and industry codes in every registry it appears in, so a
rule never sees two registries disagree about one entity.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from sandbox.gen import words as W
from sandbox.gen.companies import Company, Registry
from sandbox.gen.ids import ascii_fold, new_lei, timestamp

SIC_TEXT = {
    "26110": "Manufacture of electronic components", "28990": "Manufacture of other special-purpose machinery n.e.c.",
    "62012": "Business and domestic software development", "62020": "Information technology consultancy activities",
    "62090": "Other information technology service activities", "58290": "Other software publishing",
    "26120": "Manufacture of loaded electronic boards", "26200": "Manufacture of computers and peripheral equipment",
    "26309": "Manufacture of other communication equipment", "26511": "Manufacture of electronic measuring instruments",
    "27900": "Manufacture of other electrical equipment", "28290": "Manufacture of other general-purpose machinery",
    "28410": "Manufacture of metal forming machinery", "33200": "Installation of industrial machinery",
    "25620": "Machining", "70229": "Management consultancy activities", "71129": "Other engineering activities",
    "71121": "Engineering design activities for industrial process and production",
    "74909": "Other professional, scientific and technical activities", "64999": "Financial intermediation n.e.c.",
    "66190": "Other activities auxiliary to financial services", "64205": "Activities of financial services holding companies",
    "72190": "Other research and experimental development on natural sciences and engineering",
    "72110": "Research and experimental development on biotechnology", "32500": "Manufacture of medical instruments",
    "26600": "Manufacture of irradiation, electromedical and electrotherapeutic equipment",
    "35110": "Production of electricity", "35140": "Trade of electricity", "52290": "Other transportation support activities",
    "49410": "Freight transport by road", "47910": "Retail sale via mail order houses or via Internet",
    "47190": "Other retail sale in non-specialised stores", "61900": "Other telecommunications activities",
    "61100": "Wired telecommunications activities", "29100": "Manufacture of motor vehicles",
    "29320": "Manufacture of other parts and accessories for motor vehicles", "73110": "Advertising agencies",
    "59111": "Motion picture production activities",
}
NAICS = {"software": ("541511", "Custom Computer Programming Services"),
         "hardware": ("334413", "Semiconductor and Related Device Manufacturing"),
         "machinery": ("333249", "Other Industrial Machinery Manufacturing"),
         "consulting": ("541330", "Engineering Services"),
         "research": ("541715", "Research and Development in the Physical, Engineering, and Life Sciences")}
_LEGAL_FORM = {"GB": "PRIVATE LIMITED COMPANY", "DE": "GMBH", "FR": "SA", "US": "INC", "NL": "BV", "IE": "LTD",
               "IN": "PRIVATE LIMITED", "CN": "YOUXIAN GONGSI", "JP": "KABUSHIKI KAISHA", "HK": "LIMITED",
               "TW": "GUFEN YOUXIAN GONGSI"}
_LANG = {"GB": "en", "DE": "de", "FR": "fr", "US": "en", "NL": "nl", "IE": "en", "IN": "en", "CN": "zh", "JP": "ja", "HK": "zh", "TW": "zh"}
_LOU = ["5493", "2138", "9845", "3912", "8945", "3003"]


def dotted(sic: str) -> str:
    return f"{sic[:2]}.{sic[2:4]}"


def ch_name(c: Company, name: str | None = None, long_form: bool = True) -> str:
    """A name as Companies House writes it: upper case, with LIMITED / LTD / PLC."""
    name = name or c.display
    for suffix in (" Ltd.", " Ltd", " Limited", " plc", " PLC"):
        name = name.removesuffix(suffix)
    tail = "PLC" if c.kind == "plc" else ("LIMITED" if long_form else "LTD")
    return f"{name.upper()} {tail}"


def assign_leis(reg: Registry) -> None:
    """Who is in GLEIF: every foreign company, every family member, PLCs and a few others."""
    r = reg.rng
    parents = {c.parent for c in reg.companies if c.parent}
    for c in reg.companies:
        if c.key == "ballyford" or c.hiring or c.status == "dissolved":
            continue
        in_gleif = (c.country != "GB" or c.parent or c.key in parents or c.kind == "plc" or c.forms
                    or (not c.competitor and r.random() < 0.08))
        if in_gleif:
            c.lei = new_lei(r, r.choice(_LOU))


def render(reg: Registry, day: date) -> dict[str, list[dict[str, Any]]]:
    r = random.Random(reg.rng.random())
    out: dict[str, list[dict[str, Any]]] = {"companies_house": [], "gleif": [], "opencorporates": []}
    for c in reg.companies:
        long_form = r.random() < 0.7
        if c.ch_number:
            out["companies_house"].append(_ch(c, r, long_form, day))
        if c.lei:
            out["gleif"].append(_gleif(c, reg, r, day))
        if c.oc:
            out["opencorporates"].append(_oc(c, long_form))
    return out


def _address(c: Company, r: random.Random) -> dict[str, Any]:
    area = next((a for city, _n, a in W.UK_CITIES if city == c.city), "EC")
    nation = next((n for city, n, _a in W.UK_CITIES if city == c.city), "England")
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return {"address_line_1": f"{r.randint(1, 240)} {r.choice(W.STREETS)} {r.choice(W.STREET_KINDS)}",
            "locality": c.city, "postal_code": f"{area}{r.randint(1, 19)} {r.randint(1, 9)}{r.choice(letters)}{r.choice(letters)}",
            "country": nation}


def _officers(c: Company, r: random.Random, day: date) -> list[dict[str, Any]]:
    given, family = W.PEOPLE["GB"]
    out = []
    last = (c.dissolved or day) - timedelta(days=1)
    for i in range(r.randint(1, 3)):
        appointed = min(c.created + timedelta(days=r.randint(0, 3000)), last)
        resigned = None
        if r.random() < 0.25 and appointed + timedelta(days=200) < last:
            resigned = min(appointed + timedelta(days=r.randint(200, 2500)), last).isoformat()
        out.append({"name": f"{r.choice(family).upper()}, {r.choice(given)}",
                    "officer_role": "secretary" if i == 2 else "director",
                    "appointed_on": appointed.isoformat(), "resigned_on": resigned})
    return out


def _ch(c: Company, r: random.Random, long_form: bool, day: date) -> dict[str, Any]:
    return {
        "company_number": c.ch_number, "company_name": ch_name(c, long_form=long_form),
        "company_status": c.status, "type": "plc" if c.kind == "plc" else "ltd",
        "date_of_creation": c.created.isoformat(),
        "date_of_cessation": c.dissolved.isoformat() if c.dissolved else None,
        "sic_codes": list(c.sic),
        "previous_company_names": [{"name": ch_name(c, old), "effective_from": start.isoformat(),
                                    "ceased_on": until.isoformat()} for old, start, until in c.previous],
        "registered_office_address": _address(c, r),
        "officers": _officers(c, r, day),
    }


def _gleif(c: Company, reg: Registry, r: random.Random, day: date) -> dict[str, Any]:
    lang = _LANG[c.country]
    other: list[dict[str, str]] = []
    translit: list[dict[str, str]] = []
    if c.native:
        legal = {"name": c.native, "language": lang}
        other.append({"name": c.display, "language": "en", "type": "ALTERNATIVE_LANGUAGE_LEGAL_NAME"})
        kind = "AUTO_ASCII_TRANSLITERATED_LEGAL_NAME" if r.random() < 0.6 else "PREFERRED_ASCII_TRANSLITERATED_LEGAL_NAME"
        translit.append({"name": c.translit or "", "language": "en", "type": kind})
    else:
        name = c.legal or (f"{c.core} {'PLC' if c.kind == 'plc' else 'Limited'}" if c.country == "GB" else c.display)
        legal = {"name": name, "language": lang}
        if ascii_fold(name) != name:
            translit.append({"name": ascii_fold(name).upper(), "language": lang,
                             "type": "AUTO_ASCII_TRANSLITERATED_LEGAL_NAME"})
    for old, _start, _until in c.previous:
        other.append({"name": old, "language": lang if not c.native else "en", "type": "PREVIOUS_LEGAL_NAME"})
    if c.trading:
        other.append({"name": c.trading, "language": "en", "type": "TRADING_OR_OPERATING_NAME"})
    for alias, cls in c.aliases:  # brands, tickers and Chinese short names, as GLEIF lists trading names
        other.append({"name": alias, "language": "zh" if cls == "zh_brand" else "en", "type": "TRADING_OR_OPERATING_NAME"})
    parent = reg.by_key.get(c.parent or "")
    top = reg.by_key.get(c.family) if c.family != c.key else None
    jurisdiction = "US-DE" if c.country == "US" else c.country
    updated = day - timedelta(days=r.randint(1, 720))
    return {
        "lei": c.lei, "legal_name": legal, "other_names": other, "transliterated_other_names": translit,
        "jurisdiction": jurisdiction, "legal_form": _LEGAL_FORM[c.country],
        "status": "ACTIVE" if c.status != "dissolved" else "INACTIVE", "creation_date": c.created.isoformat(),
        "registration_status": "ISSUED" if r.random() < 0.88 else "LAPSED",
        "direct_parent": parent.lei if parent and parent.lei else None,
        "ultimate_parent": top.lei if top and top.lei else None,
        "headquarters_country": c.country, "last_update": timestamp(updated, r),
    }


def _oc(c: Company, long_form: bool) -> dict[str, Any]:
    jur, number = c.oc or ("", "")
    if jur == "gb":
        codes = [{"code": dotted(s), "description": SIC_TEXT.get(s, ""), "code_scheme_id": "uk_sic_2007"} for s in c.sic]
        name = ch_name(c, long_form=long_form)
        ctype = "Public Limited Company" if c.kind == "plc" else "Private Limited Company"
        previous = [{"company_name": ch_name(c, old), "start_date": s.isoformat(), "end_date": u.isoformat()}
                    for old, s, u in c.previous]
    else:
        if jur.startswith("us"):
            code, text = NAICS.get(c.sector, NAICS["software"])
            codes = [{"code": code, "description": text, "code_scheme_id": "us_naics_2017"}]
        else:
            codes = [{"code": dotted(s), "description": SIC_TEXT.get(s, ""), "code_scheme_id": "eu_nace_2"} for s in c.sic]
        name = c.display
        ctype = {"de": "Gesellschaft mit beschränkter Haftung", "fr": "Société anonyme", "us_de": "Corporation",
                 "nl": "Besloten Vennootschap", "ie": "Private Company Limited by Shares"}.get(jur, "Company")
        previous = [{"company_name": old, "start_date": s.isoformat(), "end_date": u.isoformat()}
                    for old, s, u in c.previous]
    status = {"active": "Active", "dissolved": "Dissolved", "liquidation": "In Liquidation"}[c.status]
    return {"jurisdiction_code": jur, "company_number": number, "name": name,
            "incorporation_date": c.created.isoformat(),
            "dissolution_date": c.dissolved.isoformat() if c.dissolved else None, "current_status": status,
            "company_type": ctype, "previous_names": previous, "industry_codes": codes,
            "alternative_names": [{"company_name": a, "type": "trading", "language": "zh" if cls == "zh_brand" else "en"}
                                  for a, cls in c.aliases]}
