"""A sandbox world's registers as bulk snapshot files, for runs that resolve employers locally first.

``export_snapshots`` writes the world's Companies House companies as the *Free Company Data Product*
CSV and its GLEIF records as a *Golden Copy* LEI-CDF CSV (the formats ``include.snapshots`` loads), and
can pad both with generated entities up to a register of a given size. Like the real products:

- the Companies House file lists live companies only (dissolved ones are not in it), so a dissolved
  employer is still looked up through the API;
- the golden copy's parents are in its separate Level 2 relationship file (``IS_DIRECTLY_CONSOLIDATED_BY``,
  ``IS_ULTIMATELY_CONSOLIDATED_BY``), written from the world's ``direct_parent`` / ``ultimate_parent``;
- OpenCorporates has no bulk product here: its companies are found through its API.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from include.snapshots import companies_house as ch
from include.snapshots import gleif, gleif_rr

DATE_TAG = "2026-11-01"


@dataclass
class WorldSnapshot:
    companies_house: Path
    gleif: Path
    relationships: Path
    counts: dict[str, int]


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def ch_row(company: Mapping[str, Any]) -> dict[str, str]:
    """A sandbox Companies House company (API shape) as a free-data-product row."""
    address = company.get("registered_office_address") or {}
    row = {
        "CompanyName": str(company["company_name"]),
        "CompanyNumber": str(company["company_number"]),
        "RegAddress.AddressLine1": str(address.get("address_line_1") or ""),
        "RegAddress.PostTown": str(address.get("locality") or ""),
        "RegAddress.PostCode": str(address.get("postal_code") or ""),
        "RegAddress.Country": str(address.get("country") or ""),
        "CompanyCategory": "Private Limited Company",
        "CompanyStatus": str(company.get("company_status") or "").replace("-", " ").capitalize(),
        "CountryOfOrigin": "United Kingdom",
        "IncorporationDate": ch.format_date(_day(company.get("date_of_creation"))),
        "DissolutionDate": ch.format_date(_day(company.get("date_of_cessation"))),
        "URI": f"http://business.data.gov.uk/id/company/{company['company_number']}",
    }
    for k, sic in enumerate((company.get("sic_codes") or [])[:4], start=1):
        row[f"SICCode.SicText_{k}"] = str(sic)
    for k, prev in enumerate((company.get("previous_company_names") or [])[:10], start=1):
        row[f"PreviousName_{k}.CompanyName"] = str(prev["name"])
        row[f"PreviousName_{k}.CONDATE"] = ch.format_date(_day(prev.get("ceased_on")))
    return row


def gleif_row(record: Mapping[str, Any]) -> dict[str, str]:
    """A sandbox GLEIF record (API shape) as a golden-copy level-1 row."""
    legal = record["legal_name"]
    row = {
        "LEI": str(record["lei"]),
        "Entity.LegalName": str(legal["name"]),
        "Entity.LegalName.xmllang": str(legal.get("language") or ""),
        "Entity.LegalJurisdiction": str(record.get("jurisdiction") or ""),
        "Entity.EntityCategory": "GENERAL",
        "Entity.EntityStatus": str(record.get("status") or ""),
        "Entity.EntityCreationDate": gleif.format_datetime(_day(record.get("creation_date"))),
        "Registration.RegistrationStatus": str(record.get("registration_status") or ""),
        "Registration.LastUpdateDate": str(record.get("last_update") or ""),
    }
    for group, names in ((gleif.OTHER_NAMES, record.get("other_names")),
                         (gleif.TRANSLITERATED, record.get("transliterated_other_names"))):
        for (name_col, lang_col, type_col), name in zip(group, names or [], strict=False):
            row[name_col], row[lang_col], row[type_col] = name["name"], name.get("language") or "", name["type"]
    return row


def rr_rows(record: Mapping[str, Any]) -> Iterator[dict[str, str]]:
    """A sandbox GLEIF record's parents as golden-copy Level 2 relationship rows."""
    for field, rel_type in (("direct_parent", "IS_DIRECTLY_CONSOLIDATED_BY"),
                            ("ultimate_parent", "IS_ULTIMATELY_CONSOLIDATED_BY")):
        if record.get(field):
            yield {gleif_rr.START: str(record["lei"]), "Relationship.StartNode.NodeIDType": "LEI",
                   gleif_rr.END: str(record[field]), "Relationship.EndNode.NodeIDType": "LEI",
                   gleif_rr.TYPE: rel_type, gleif_rr.STATUS: "ACTIVE",
                   "Relationship.Period.1.periodType": "RELATIONSHIP_PERIOD",
                   "Registration.RegistrationStatus": "PUBLISHED",
                   "Registration.LastUpdateDate": str(record.get("last_update") or "")}


def _world_rows(world: Mapping[str, Any]) -> Iterator[tuple[str, dict[str, str]]]:
    for company in world.get("companies_house") or []:
        if str(company.get("company_status") or "").casefold() != "dissolved":
            yield "companies_house", ch_row(company)
    for record in world.get("gleif") or []:
        yield "gleif", gleif_row(record)


def export_snapshots(world: Mapping[str, Any], out_dir: str | Path, pad_to: int = 0, seed: int = 1) -> WorldSnapshot:
    """Write both files into ``out_dir``; with ``pad_to``, generated entities fill the register up to that size."""
    from sandbox.registry_files.generate import entity_stream

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ch_path = out / f"BasicCompanyDataAsOneFile-{DATE_TAG}.csv"
    lei_path = out / f"{DATE_TAG.replace('-', '')}-0800-gleif-goldencopy-lei2-golden-copy.csv"
    rr_path = out / f"{DATE_TAG.replace('-', '')}-0800-gleif-goldencopy-rr-golden-copy.csv"
    counts = {"companies_house": 0, "gleif": 0, "generated": 0, "relationships": 0}
    with ch_path.open("w", encoding="utf-8", newline="") as fch, lei_path.open("w", encoding="utf-8", newline="") as fl:
        writers = {"companies_house": ch.row_writer(fch), "gleif": gleif.row_writer(fl)}
        for registry, row in _world_rows(world):
            writers[registry](row)
            counts[registry] += 1
        for entity in entity_stream(max(0, pad_to - counts["companies_house"] - counts["gleif"]), seed):
            writers[entity.registry](entity.row)
            counts["generated"] += 1
    with rr_path.open("w", encoding="utf-8", newline="") as frr:
        write = gleif_rr.row_writer(frr)
        for record in world.get("gleif") or []:
            for row in rr_rows(record):
                write(row)
                counts["relationships"] += 1
    return WorldSnapshot(ch_path, lei_path, rr_path, counts)
