"""LinkedIn Positions.csv: the exact header, encodings, multi-line fields, entities, dates, bad rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from include.ingest.linkedin_export import HEADER, DateError, parse_linkedin_date, parse_positions_csv

EXPORTS = Path(__file__).resolve().parent / "recorded" / "linkedin"


def export(name: str) -> bytes:
    return (EXPORTS / name).read_bytes()


HEAD = ",".join(HEADER)


def test_recorded_export_with_bom_crlf_multiline_entities_and_chinese():
    rows, errors = parse_positions_csv(export("Positions.csv"))
    assert errors == []
    assert [r["company_name"] for r in rows] == ["Halcyon Software", "Acme Automation, Inc.", "华为技术有限公司"]
    first, second, third = rows
    assert first["description"] == "Led the platform team.\r\nBuilt R&D tooling; mentored 4 engineers."
    assert (first["start"], first["end"], first["finished_on"]) == ("2019-03", None, None)  # current job
    assert second["description"] == "Robot fleet 'autopilot'" and second["location"] == "Manchester, United Kingdom"
    assert (second["start"], second["end"]) == ("2016-07", "2019-02")
    assert (third["start"], third["end"]) == ("2014", "2016")  # bare years stay years
    assert [r["line"] for r in rows] == [2, 4, 5]  # the quoted description spans lines 2-3


def test_cp1252_export_falls_back_and_keeps_accents():
    rows, errors = parse_positions_csv(export("Positions_cp1252.csv"))
    assert errors == [] and rows[0]["company_name"] == "Société Générale"
    assert rows[0]["description"] == "\u201cgreat\u201d team"


def test_another_export_file_is_refused_with_a_clear_error_and_no_content():
    rows, errors = parse_positions_csv(export("Connections.csv"))
    assert rows == [] and len(errors) == 1
    assert "not a LinkedIn Positions.csv" in errors[0] and HEAD in errors[0]
    assert "Jane" not in errors[0] and "janedoe" not in errors[0]


@pytest.mark.parametrize("header", [
    "Company Name,Title,Description,Location,Started On",  # a column missing
    "Title,Company Name,Description,Location,Started On,Finished On",  # reordered
    "Company Name,Title,Description,Location,Started On,Finished On,Notes",  # extra column
    "company name,title,description,location,started on,finished on",  # case matters
])
def test_header_must_be_exact(header):
    rows, errors = parse_positions_csv(f"{header}\nAcme,Dev,,,2020,\n".encode())
    assert rows == [] and errors and errors[0].startswith("not a LinkedIn Positions.csv")


def test_empty_file_and_header_only():
    assert parse_positions_csv(b"") == ([], ["empty file: no header row"])
    assert parse_positions_csv(f"{HEAD}\r\n".encode()) == ([], [])


def test_bad_rows_are_reported_by_line_and_the_rest_goes_on():
    data = (f"{HEAD}\n"
            "Acme,Dev,,,Sep 2025,\n"
            "Secret Employer Name,Dev,,,Smarch 2020,\n"
            ",Dev,,,2019,2020\n"
            "Beta,Dev,,,13/2020,\n"
            "Gamma,Dev,,Leeds\n"
            "Delta,QA,,,2018,Jan 2019\n").encode()
    rows, errors = parse_positions_csv(data)
    assert [r["company_name"] for r in rows] == ["Acme", "Delta"]
    assert errors == ["line 3: bad Started On date (unknown month name)", "line 4: Company Name is empty",
                      "line 5: bad Started On date (month out of range)", "line 6: expected 6 fields, got 4"]
    assert not any("Secret" in e for e in errors)


def test_unterminated_quote_from_a_truncated_file_stops_with_an_error():
    data = f'{HEAD}\nAcme,Dev,,,2019,\nBeta,Dev,"half a descrip'.encode()
    rows, errors = parse_positions_csv(data)
    assert [r["company_name"] for r in rows] == ["Acme"]
    assert errors == ["line 3: malformed CSV (unbalanced quotes)"]


def test_undecodable_bytes_never_crash():
    rows, errors = parse_positions_csv(HEAD.encode() + b"\n\x81\x8d\x8f,Dev,,,2019,\n")
    assert errors == [] and len(rows) == 1  # latin-1 keeps every byte


@pytest.mark.parametrize(("text", "iso"), [
    ("Sep 2025", "2025-09"), ("September 2025", "2025-09"), ("sept 2021", "2021-09"), ("Sep. 2020", "2020-09"),
    ("2019", "2019"), ("03/2018", "2018-03"), ("2017-11", "2017-11"), ("", None), ("  ", None),
])
def test_dates(text, iso):
    assert parse_linkedin_date(text) == iso


@pytest.mark.parametrize("text", ["Foo 2020", "2020-13", "13/2020", "Sep", "last year", "20190"])
def test_bad_dates(text):
    with pytest.raises(DateError):
        parse_linkedin_date(text)
