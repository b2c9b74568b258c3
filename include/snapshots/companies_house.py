"""The Companies House "Free Company Data Product" CSV (BasicCompanyDataAsOneFile / BasicCompanyData-part*).

One row per live company: name, number, registered address, category, status, dates written
dd/mm/yyyy, up to four SIC texts ("62012 - Business and domestic software development") and up to
ten previous names with their change dates. The real header line has a leading space before some
names (" CompanyNumber", " RegAddress.AddressLine2", ...), so names are stripped before use; data
fields are all quoted.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import IO

from include.models import IndustryCode, Registry, RegistryEntity, RegistryName

REGISTRY: Registry = "companies_house"
RECORD_URL = "https://find-and-update.company-information.service.gov.uk/company/{number}"

# The header line exactly as Companies House writes it (leading spaces included).
HEADER_LINE = (
    "CompanyName, CompanyNumber,RegAddress.CareOf,RegAddress.POBox,RegAddress.AddressLine1, RegAddress.AddressLine2,"
    "RegAddress.PostTown,RegAddress.County,RegAddress.Country,RegAddress.PostCode,CompanyCategory,CompanyStatus,"
    "CountryOfOrigin,DissolutionDate,IncorporationDate,Accounts.AccountRefDay,Accounts.AccountRefMonth,"
    "Accounts.NextDueDate,Accounts.LastMadeUpDate,Accounts.AccountCategory,Returns.NextDueDate,Returns.LastMadeUpDate,"
    "Mortgages.NumMortCharges,Mortgages.NumMortOutstanding,Mortgages.NumMortPartSatisfied,Mortgages.NumMortSatisfied,"
    "SICCode.SicText_1,SICCode.SicText_2,SICCode.SicText_3,SICCode.SicText_4,LimitedPartnerships.NumGenPartners,"
    "LimitedPartnerships.NumLimPartners,URI,PreviousName_1.CONDATE, PreviousName_1.CompanyName, PreviousName_2.CONDATE,"
    " PreviousName_2.CompanyName,PreviousName_3.CONDATE, PreviousName_3.CompanyName,PreviousName_4.CONDATE,"
    " PreviousName_4.CompanyName,PreviousName_5.CONDATE, PreviousName_5.CompanyName,PreviousName_6.CONDATE,"
    " PreviousName_6.CompanyName,PreviousName_7.CONDATE, PreviousName_7.CompanyName,PreviousName_8.CONDATE,"
    " PreviousName_8.CompanyName,PreviousName_9.CONDATE, PreviousName_9.CompanyName,PreviousName_10.CONDATE,"
    " PreviousName_10.CompanyName,ConfStmtNextDueDate, ConfStmtLastMadeUpDate"
)
HEADER: tuple[str, ...] = tuple(HEADER_LINE.split(","))
COLUMNS: tuple[str, ...] = tuple(h.strip() for h in HEADER)
REQUIRED = ("CompanyName", "CompanyNumber", "CompanyStatus", "IncorporationDate", "DissolutionDate")
PREVIOUS = tuple((f"PreviousName_{i}.CompanyName", f"PreviousName_{i}.CONDATE") for i in range(1, 11))
SIC_COLUMNS = tuple(f"SICCode.SicText_{i}" for i in range(1, 5))

_NUMBER = re.compile(r"^[A-Z0-9]{8}$")
_SIC = re.compile(r"^\s*(\d{4,5})\b")


class MalformedRow(ValueError):
    """A row that cannot become an entity; the message is the reason (never the row's values)."""


def format_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def parse_date(value: str, column: str) -> str | None:
    """dd/mm/yyyy -> ISO; empty -> None."""
    value = value.strip()
    if not value:
        return None
    try:
        return datetime.strptime(value, "%d/%m/%Y").date().isoformat()
    except ValueError:
        raise MalformedRow(f"{column} is not a dd/mm/yyyy date") from None


def column_index(header: Sequence[str]) -> dict[str, int]:
    """Column name (stripped) -> position; raises ValueError when a required column is missing."""
    index = {name.strip().lstrip("\ufeff"): i for i, name in enumerate(header)}
    missing = [c for c in REQUIRED if c not in index]
    if missing:
        raise ValueError(f"not a Companies House basic company data file: no column(s) {missing}")
    return index


def is_header(header: Sequence[str]) -> bool:
    names = {h.strip().lstrip("\ufeff") for h in header}
    return "CompanyNumber" in names and "CompanyName" in names


def parse_row(values: Sequence[str], index: Mapping[str, int]) -> RegistryEntity:
    """One data row -> the entity (legal name first, then previous names newest first)."""
    if len(values) != len(index):
        raise MalformedRow(f"{len(values)} fields, expected {len(index)}")

    def get(col: str) -> str:
        i = index.get(col)
        return values[i].strip() if i is not None else ""

    number = get("CompanyNumber").upper()
    if not _NUMBER.match(number):
        raise MalformedRow("CompanyNumber is not 8 letters or digits")
    legal = get("CompanyName")
    if not legal:
        raise MalformedRow("CompanyName is empty")
    created = parse_date(get("IncorporationDate"), "IncorporationDate")
    dissolved = parse_date(get("DissolutionDate"), "DissolutionDate")
    names = [RegistryName(name=legal, kind="legal")]
    seen = {legal}
    for name_col, _ in PREVIOUS:
        prev = get(name_col)
        if prev and prev not in seen:
            seen.add(prev)
            names.append(RegistryName(name=prev, kind="previous"))
    codes: list[IndustryCode] = []
    for col in SIC_COLUMNS:
        m = _SIC.match(get(col))
        if m and m.group(1) not in {c.code for c in codes}:
            codes.append(IndustryCode(scheme="uk_sic_2007", code=m.group(1)))
    return RegistryEntity(
        entity_id=f"{REGISTRY}:{number}",
        registry=REGISTRY,
        names=names,
        status=get("CompanyStatus") or None,
        created=created,
        dissolved=dissolved,
        jurisdiction="GB",
        industry_codes=codes,
        record_url=RECORD_URL.format(number=number),
    )


def row_writer(fh: IO[str]) -> Callable[[Mapping[str, str]], None]:
    """Write the header line as Companies House does, then return a function writing one row
    (a mapping of stripped column name -> text; absent columns are empty), every field quoted."""
    fh.write(HEADER_LINE + "\r\n")
    out = csv.writer(fh, quoting=csv.QUOTE_ALL, lineterminator="\r\n")

    def write(row: Mapping[str, str]) -> None:
        out.writerow([row.get(c, "") for c in COLUMNS])

    return write
