"""The GLEIF Golden Copy LEI-CDF v3.1 CSV ("lei2" concatenated file), one row per LEI record.

Repeating XML groups are flattened to numbered columns (five of each): other entity names with
their language and type, transliterated names, addresses, successor entities, legal entity events
and validation authorities. Every field, header included, is quoted. Dates are ISO 8601 date-times
with the issuer's offset ("2011-06-29T00:00:00+02:00"); the entity's creation date is taken as the
date written. Parents live in the separate Level 2 relationship file and are not read here.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import IO

from include.models import Registry, RegistryEntity, RegistryName
from include.snapshots.companies_house import MalformedRow

REGISTRY: Registry = "gleif"
RECORD_URL = "https://search.gleif.org/#/record/{lei}"
# As include.ingest.registries maps the API's otherNames types, so both paths store the same kinds.
NAME_KINDS = {"PREVIOUS_LEGAL_NAME": "previous", "TRADING_OR_OPERATING_NAME": "trading"}

_N = range(1, 6)
_ADDRESS = (
    "FirstAddressLine",
    "AddressNumber",
    "AddressNumberWithinBuilding",
    "MailRouting",
    "AdditionalAddressLine.1",
    "AdditionalAddressLine.2",
    "AdditionalAddressLine.3",
    "City",
    "Region",
    "Country",
    "PostalCode",
)
_EVENT = (
    "group_type",
    "event_status",
    "group_id",
    "group_sequence_no",
    "LegalEntityEventType",
    "LegalEntityEventEffectiveDate",
    "LegalEntityEventRecordedDate",
    "ValidationDocuments",
    "ValidationReference",
)
_AUTHORITY = ("ValidationAuthorityID", "OtherValidationAuthorityID", "ValidationAuthorityEntityID")


def _header() -> tuple[str, ...]:
    h = ["LEI", "Entity.LegalName", "Entity.LegalName.xmllang"]
    for n in _N:
        h += [f"Entity.OtherEntityNames.OtherEntityName.{n}" + s for s in ("", ".xmllang", ".type")]
    for n in _N:
        h += [
            f"Entity.TransliteratedOtherEntityNames.TransliteratedOtherEntityName.{n}" + s
            for s in ("", ".xmllang", ".type")
        ]
    for block in ("Entity.LegalAddress", "Entity.HeadquartersAddress"):
        h += [f"{block}.xmllang"] + [f"{block}.{f}" for f in _ADDRESS]
    for block in (
        "Entity.OtherAddresses.OtherAddress",
        "Entity.TransliteratedOtherAddresses.TransliteratedOtherAddress",
    ):
        for n in _N:
            h += [f"{block}.{n}.xmllang", f"{block}.{n}.type"] + [f"{block}.{n}.{f}" for f in _ADDRESS]
    h += [
        "Entity.RegistrationAuthority.RegistrationAuthorityID",
        "Entity.RegistrationAuthority.OtherRegistrationAuthorityID",
        "Entity.RegistrationAuthority.RegistrationAuthorityEntityID",
        "Entity.LegalJurisdiction",
        "Entity.EntityCategory",
        "Entity.EntitySubCategory",
        "Entity.LegalForm.EntityLegalFormCode",
        "Entity.LegalForm.OtherLegalForm",
        "Entity.AssociatedEntity.type",
        "Entity.AssociatedEntity.AssociatedLEI",
        "Entity.AssociatedEntity.AssociatedEntityName",
        "Entity.AssociatedEntity.AssociatedEntityName.xmllang",
        "Entity.EntityStatus",
        "Entity.EntityCreationDate",
        "Entity.EntityExpirationDate",
        "Entity.EntityExpirationReason",
    ]
    for n in _N:
        h += [
            f"Entity.SuccessorEntity.{n}.SuccessorLEI",
            f"Entity.SuccessorEntity.{n}.SuccessorEntityName",
            f"Entity.SuccessorEntity.{n}.SuccessorEntity.xmllang",
        ]
    for n in _N:
        ev = f"Entity.LegalEntityEvents.LegalEntityEvent.{n}"
        h += [f"{ev}.{f}" for f in _EVENT]
        for m in _N:
            h += [f"{ev}.AffectedFields.{m}.AffectedField", f"{ev}.AffectedFields.{m}.field_xpath"]
    h += [
        "Registration.InitialRegistrationDate",
        "Registration.LastUpdateDate",
        "Registration.RegistrationStatus",
        "Registration.NextRenewalDate",
        "Registration.ManagingLOU",
        "Registration.ValidationSources",
    ]
    h += [f"Registration.ValidationAuthority.{f}" for f in _AUTHORITY]
    for n in _N:
        h += [f"Registration.OtherValidationAuthorities.OtherValidationAuthority.{n}.{f}" for f in _AUTHORITY]
    h.append("ConformityFlag")
    return tuple(h)


HEADER: tuple[str, ...] = _header()
REQUIRED = (
    "LEI",
    "Entity.LegalName",
    "Entity.EntityStatus",
    "Entity.EntityCreationDate",
    "Entity.LegalJurisdiction",
)
OTHER_NAMES = tuple(
    tuple(f"Entity.OtherEntityNames.OtherEntityName.{n}{s}" for s in ("", ".xmllang", ".type")) for n in _N
)
TRANSLITERATED = tuple(
    tuple(
        f"Entity.TransliteratedOtherEntityNames.TransliteratedOtherEntityName.{n}{s}"
        for s in ("", ".xmllang", ".type")
    )
    for n in _N
)
_LEI = re.compile(r"^[A-Z0-9]{18}[0-9]{2}$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def lei_checksum_ok(lei: str) -> bool:
    """ISO 17442 / ISO 7064 MOD 97-10: the LEI read as a number (A=10 ... Z=35) is 1 modulo 97."""
    return int("".join(str(int(c, 36)) for c in lei)) % 97 == 1


def lei_with_check_digits(base18: str) -> str:
    number = int("".join(str(int(c, 36)) for c in base18) + "00")
    return f"{base18}{98 - number % 97:02d}"


def format_datetime(value: date | None, offset: str = "Z") -> str:
    return f"{value.isoformat()}T00:00:00{offset}" if value else ""


def parse_date(value: str, column: str) -> str | None:
    """The date part of an ISO date-time as written; empty -> None."""
    value = value.strip()
    if not value:
        return None
    m = _ISO_DATE.match(value)
    if not m:
        raise MalformedRow(f"{column} is not an ISO date")
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        raise MalformedRow(f"{column} is not a calendar date") from None


def is_header(header: Sequence[str]) -> bool:
    names = {h.strip().lstrip("\ufeff") for h in header}
    return "LEI" in names and "Entity.LegalName" in names


def column_index(header: Sequence[str]) -> dict[str, int]:
    index = {name.strip().lstrip("\ufeff"): i for i, name in enumerate(header)}
    missing = [c for c in REQUIRED if c not in index]
    if missing:
        raise ValueError(f"not a GLEIF golden copy LEI-CDF file: no column(s) {missing}")
    return index


def parse_row(values: Sequence[str], index: Mapping[str, int]) -> RegistryEntity:
    """One LEI record -> the entity: legal name, then other names (previous / trading / other) and
    transliterated names in the file's order."""
    if len(values) != len(index):
        raise MalformedRow(f"{len(values)} fields, expected {len(index)}")

    def get(col: str) -> str:
        i = index.get(col)
        return values[i].strip() if i is not None else ""

    lei = get("LEI").upper()
    if not _LEI.match(lei) or not lei_checksum_ok(lei):
        raise MalformedRow("LEI is not a valid ISO 17442 code")
    legal = get("Entity.LegalName")
    if not legal:
        raise MalformedRow("Entity.LegalName is empty")
    names = [RegistryName(name=legal, kind="legal", language=get("Entity.LegalName.xmllang") or None)]
    seen = {(legal, "legal")}
    for group, translit in ((OTHER_NAMES, False), (TRANSLITERATED, True)):
        for name_col, lang_col, type_col in group:
            name = get(name_col)
            if not name:
                continue
            kind = "transliterated" if translit else NAME_KINDS.get(get(type_col), "other")
            if (name, kind) in seen:
                continue
            seen.add((name, kind))
            names.append(RegistryName(name=name, kind=kind, language=get(lang_col) or None))  # type: ignore[arg-type]
    return RegistryEntity(
        entity_id=f"{REGISTRY}:{lei}",
        registry=REGISTRY,
        names=names,
        status=get("Entity.EntityStatus") or None,
        created=parse_date(get("Entity.EntityCreationDate"), "Entity.EntityCreationDate"),
        dissolved=parse_date(get("Entity.EntityExpirationDate"), "Entity.EntityExpirationDate"),
        jurisdiction=get("Entity.LegalJurisdiction") or None,
        record_url=RECORD_URL.format(lei=lei),
    )


def row_writer(fh: IO[str], header: Sequence[str] = HEADER) -> Callable[[Mapping[str, str]], None]:
    """Write the quoted header, then return a function writing one record (column -> text).
    Every golden copy file is written this way (the Level 2 file passes its own ``header``)."""
    out = csv.writer(fh, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    out.writerow(header)

    def write(row: Mapping[str, str]) -> None:
        out.writerow([row.get(c, "") for c in header])

    return write
