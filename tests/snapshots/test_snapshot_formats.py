"""The generated files are in the real formats: exact headers, quoting, date and SIC text forms."""

from __future__ import annotations

import csv
import re

import pytest

from include.snapshots import companies_house, gleif
from include.snapshots.companies_house import MalformedRow

# Copied from the header line of the real BasicCompanyDataAsOneFile file (leading spaces included).
REAL_CH_HEADER = (
    "CompanyName, CompanyNumber,RegAddress.CareOf,RegAddress.POBox,RegAddress.AddressLine1, RegAddress.AddressLine2,"
    "RegAddress.PostTown,RegAddress.County,RegAddress.Country,RegAddress.PostCode,CompanyCategory,CompanyStatus,"
    "CountryOfOrigin,DissolutionDate,IncorporationDate,Accounts.AccountRefDay,Accounts.AccountRefMonth,"
    "Accounts.NextDueDate,Accounts.LastMadeUpDate,Accounts.AccountCategory,Returns.NextDueDate,"
    "Returns.LastMadeUpDate,Mortgages.NumMortCharges,Mortgages.NumMortOutstanding,Mortgages.NumMortPartSatisfied,"
    "Mortgages.NumMortSatisfied,SICCode.SicText_1,SICCode.SicText_2,SICCode.SicText_3,SICCode.SicText_4,"
    "LimitedPartnerships.NumGenPartners,LimitedPartnerships.NumLimPartners,URI,PreviousName_1.CONDATE, "
    "PreviousName_1.CompanyName, PreviousName_2.CONDATE, PreviousName_2.CompanyName,PreviousName_3.CONDATE, "
    "PreviousName_3.CompanyName,PreviousName_4.CONDATE, PreviousName_4.CompanyName,PreviousName_5.CONDATE, "
    "PreviousName_5.CompanyName,PreviousName_6.CONDATE, PreviousName_6.CompanyName,PreviousName_7.CONDATE, "
    "PreviousName_7.CompanyName,PreviousName_8.CONDATE, PreviousName_8.CompanyName,PreviousName_9.CONDATE, "
    "PreviousName_9.CompanyName,PreviousName_10.CONDATE, PreviousName_10.CompanyName,ConfStmtNextDueDate, "
    "ConfStmtLastMadeUpDate"
)

# The LEI-CDF 3.1 golden copy columns the loader reads, and their neighbours, in file order.
GLEIF_PREFIX = [
    "LEI",
    "Entity.LegalName",
    "Entity.LegalName.xmllang",
    "Entity.OtherEntityNames.OtherEntityName.1",
    "Entity.OtherEntityNames.OtherEntityName.1.xmllang",
    "Entity.OtherEntityNames.OtherEntityName.1.type",
    "Entity.OtherEntityNames.OtherEntityName.2",
]
GLEIF_IN_ORDER = [
    "Entity.OtherEntityNames.OtherEntityName.5.type",
    "Entity.TransliteratedOtherEntityNames.TransliteratedOtherEntityName.1",
    "Entity.TransliteratedOtherEntityNames.TransliteratedOtherEntityName.1.xmllang",
    "Entity.TransliteratedOtherEntityNames.TransliteratedOtherEntityName.1.type",
    "Entity.LegalAddress.xmllang",
    "Entity.LegalAddress.FirstAddressLine",
    "Entity.HeadquartersAddress.xmllang",
    "Entity.OtherAddresses.OtherAddress.1.xmllang",
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
    "Entity.EntityStatus",
    "Entity.EntityCreationDate",
    "Entity.EntityExpirationDate",
    "Entity.EntityExpirationReason",
    "Entity.SuccessorEntity.1.SuccessorLEI",
    "Entity.SuccessorEntity.1.SuccessorEntityName",
    "Entity.SuccessorEntity.1.SuccessorEntity.xmllang",
    "Entity.LegalEntityEvents.LegalEntityEvent.1.group_type",
    "Registration.InitialRegistrationDate",
    "Registration.LastUpdateDate",
    "Registration.RegistrationStatus",
    "Registration.NextRenewalDate",
    "Registration.ManagingLOU",
    "Registration.ValidationSources",
    "Registration.ValidationAuthority.ValidationAuthorityID",
    "Registration.OtherValidationAuthorities.OtherValidationAuthority.5.ValidationAuthorityEntityID",
    "ConformityFlag",
]


def _lines(path, n=3):
    with open(path, encoding="utf-8", newline="") as fh:
        return [next(fh) for _ in range(n)]


def test_companies_house_header_is_the_real_one(snapshot_files):
    header, first, _ = _lines(snapshot_files.companies_house)
    assert header == REAL_CH_HEADER + "\r\n"
    assert header.startswith("CompanyName, CompanyNumber,") and not header.startswith('"')
    fields = next(csv.reader([first]))
    assert len(fields) == 55
    assert first.startswith('"') and first.count('","') == 54  # every data field quoted


def test_companies_house_values_look_like_the_product(snapshot_files):
    with open(snapshot_files.companies_house, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    rows = [{k.strip(): v for k, v in r.items()} for r in rows]
    assert all(re.fullmatch(r"\d{2}/\d{2}/\d{4}", r["IncorporationDate"]) for r in rows)
    assert all(re.fullmatch(r"\d{5} - .+", r["SICCode.SicText_1"]) for r in rows)
    assert all(re.fullmatch(r"[A-Z0-9]{8}", r["CompanyNumber"]) for r in rows)
    assert any(
        r["PreviousName_1.CompanyName"] and re.fullmatch(r"\d{2}/\d{2}/\d{4}", r["PreviousName_1.CONDATE"])
        for r in rows
    )
    assert all(r["URI"] == f"http://business.data.gov.uk/id/company/{r['CompanyNumber']}" for r in rows)


def test_gleif_header_is_lei_cdf_3_1(snapshot_files):
    with open(snapshot_files.gleif, encoding="utf-8", newline="") as fh:
        raw = fh.readline()
        header = next(csv.reader([raw]))
        rows = list(csv.reader(fh))
    assert raw.startswith('"LEI","Entity.LegalName","Entity.LegalName.xmllang",')
    assert header[: len(GLEIF_PREFIX)] == GLEIF_PREFIX
    positions = [header.index(c) for c in GLEIF_IN_ORDER]
    assert positions == sorted(positions)
    assert header[-1] == "ConformityFlag" and len(header) == len(set(header)) == 338
    assert rows and all(len(r) == len(header) for r in rows)
    idx = {c: i for i, c in enumerate(header)}
    assert all(gleif.lei_checksum_ok(r[idx["LEI"]]) for r in rows)
    assert all(
        re.fullmatch(r"\d{4}-\d{2}-\d{2}T00:00:00(Z|[+-]\d{2}:\d{2})", r[idx["Entity.EntityCreationDate"]])
        for r in rows
    )
    types = {r[idx["Entity.OtherEntityNames.OtherEntityName.1.type"]] for r in rows} - {""}
    assert types <= {"ALTERNATIVE_LANGUAGE_LEGAL_NAME", "PREVIOUS_LEGAL_NAME", "TRADING_OR_OPERATING_NAME"}
    assert "ALTERNATIVE_LANGUAGE_LEGAL_NAME" in types


def test_companies_house_row_becomes_an_entity():
    index = companies_house.column_index(companies_house.HEADER)
    row = dict.fromkeys(companies_house.COLUMNS, "")
    row.update(
        {
            "CompanyName": "HALCYON ROBOTICS LIMITED",
            "CompanyNumber": "01234567",
            "CompanyStatus": "Active",
            "IncorporationDate": "29/06/2011",
            "SICCode.SicText_1": "26110 - Manufacture of electronic components",
            "SICCode.SicText_2": "None Supplied",
            "PreviousName_1.CompanyName": "HALCYON ROBOTS LTD",
            "PreviousName_1.CONDATE": "15/07/2015",
        }
    )
    ent = companies_house.parse_row([row[c] for c in companies_house.COLUMNS], index)
    assert (
        ent.entity_id == "companies_house:01234567" and ent.created == "2011-06-29" and ent.dissolved is None
    )
    assert [(n.name, n.kind) for n in ent.names] == [
        ("HALCYON ROBOTICS LIMITED", "legal"),
        ("HALCYON ROBOTS LTD", "previous"),
    ]
    assert [(c.scheme, c.code) for c in ent.industry_codes] == [("uk_sic_2007", "26110")]
    row["IncorporationDate"] = "31/02/2011"
    with pytest.raises(MalformedRow, match="IncorporationDate"):
        companies_house.parse_row([row[c] for c in companies_house.COLUMNS], index)
    with pytest.raises(MalformedRow, match="fields"):
        companies_house.parse_row(["HALCYON", "01234567"], index)


def test_gleif_row_becomes_an_entity():
    index = gleif.column_index(gleif.HEADER)
    lei = gleif.lei_with_check_digits("529900ABCDEFGHIJKL")
    row = dict.fromkeys(gleif.HEADER, "")
    other = "Entity.OtherEntityNames.OtherEntityName"
    trans = "Entity.TransliteratedOtherEntityNames.TransliteratedOtherEntityName"
    row.update(
        {
            "LEI": lei,
            "Entity.LegalName": "深圳市华信科技有限公司",
            "Entity.LegalName.xmllang": "zh",
            f"{other}.1": "Shenzhen Huaxin Technology Co., Ltd.",
            f"{other}.1.xmllang": "en",
            f"{other}.1.type": "ALTERNATIVE_LANGUAGE_LEGAL_NAME",
            f"{other}.2": "Huaxin Old Name Ltd",
            f"{other}.2.type": "PREVIOUS_LEGAL_NAME",
            f"{trans}.1": "Shenzhen Huaxin Keji Youxian Gongsi",
            f"{trans}.1.xmllang": "zh-Latn",
            "Entity.LegalJurisdiction": "CN",
            "Entity.EntityStatus": "INACTIVE",
            "Entity.EntityCreationDate": "2003-05-01T00:00:00+08:00",
            "Entity.EntityExpirationDate": "2020-01-31T00:00:00Z",
        }
    )
    ent = gleif.parse_row([row[c] for c in gleif.HEADER], index)
    assert ent.entity_id == f"gleif:{lei}" and ent.created == "2003-05-01" and ent.dissolved == "2020-01-31"
    assert [(n.kind, n.language) for n in ent.names] == [
        ("legal", "zh"),
        ("other", "en"),
        ("previous", None),
        ("transliterated", "zh-Latn"),
    ]
    row["LEI"] = lei[:-2] + ("00" if lei[-2:] != "00" else "01")
    with pytest.raises(MalformedRow, match="LEI"):
        gleif.parse_row([row[c] for c in gleif.HEADER], index)


def test_gleif_name_kinds_follow_the_api_path():
    from include.ingest.registries import GLEIF_NAME_KINDS

    assert gleif.NAME_KINDS == GLEIF_NAME_KINDS
