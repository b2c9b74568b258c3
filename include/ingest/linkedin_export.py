"""LinkedIn member data export: ``Positions.csv``, uploaded by the candidate as an ATS attachment.

There is no LinkedIn API here: the file is what LinkedIn's "Download your data" produces, so the
parser is strict about the header (a renamed or reordered column means it is not that file) and
lenient about everything people's tools do to a CSV on the way (BOM, Windows code pages, CRLF,
multi-line quoted descriptions, HTML entities such as ``&amp;`` that LinkedIn leaves in the text).

Errors name the line and the problem, never a cell's content: cells hold personal data.
"""

from __future__ import annotations

import csv
import html
import io
import re

HEADER = ("Company Name", "Title", "Description", "Location", "Started On", "Finished On")

_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
                "october", "november", "december")
_MONTHS = {**{n: i for i, n in enumerate(_MONTH_NAMES, 1)}, **{n[:3]: i for i, n in enumerate(_MONTH_NAMES, 1)},
           "sept": 9}
_MONTH_YEAR = re.compile(r"^([A-Za-z]{3,9})\.?[\s\-]+(\d{4})$")
_NUMERIC_MONTH_YEAR = re.compile(r"^(\d{1,2})/(\d{4})$")
_ISO_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2}))?$")


class DateError(ValueError):
    pass


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) first; exports re-saved by spreadsheet tools fall back to cp1252."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")  # never fails: every byte is a character


def parse_linkedin_date(value: str) -> str | None:
    """``Sep 2025`` -> ``2025-09``; ``2019`` -> ``2019``; empty -> None. Precision is kept, never invented."""
    value = value.strip()
    if not value:
        return None
    if m := _MONTH_YEAR.match(value):
        month = _MONTHS.get(m.group(1).lower())
        if month is None:
            raise DateError("unknown month name")
        return f"{m.group(2)}-{month:02d}"
    if m := _NUMERIC_MONTH_YEAR.match(value):
        month = int(m.group(1))
        if not 1 <= month <= 12:
            raise DateError("month out of range")
        return f"{m.group(2)}-{month:02d}"
    if m := _ISO_PARTIAL.match(value):
        if m.group(2) and not 1 <= int(m.group(2)) <= 12:
            raise DateError("month out of range")
        return value
    raise DateError("unrecognised date format")


def parse_positions_csv(data: bytes) -> tuple[list[dict[str, str | int | None]], list[str]]:
    """Rows of a Positions.csv and the problems found, line by line; a bad row never stops the rest.

    Each row: ``company_name, title, description, location, started_on, finished_on`` (as written,
    entities unescaped), ``start`` / ``end`` (ISO partial dates, ``end`` None = current) and ``line``.
    """
    text = decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error:
        return [], ["line 1: header is not valid CSV"]
    if header is None or not any(h.strip() for h in header):
        return [], ["empty file: no header row"]
    header = [h.strip().lstrip("\ufeff") for h in header]
    if tuple(header) != HEADER:
        missing = [h for h in HEADER if h not in header]
        detail = f"missing columns {missing}" if missing else "columns out of order or extra columns"
        return [], [f"not a LinkedIn Positions.csv: the header must be exactly {','.join(HEADER)!r}; {detail}"]
    rows: list[dict[str, str | int | None]] = []
    errors: list[str] = []
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:
            errors.append(f"line {line}: malformed CSV (unbalanced quotes)")
            break
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(HEADER):
            errors.append(f"line {line}: expected {len(HEADER)} fields, got {len(cells)}")
            continue
        company, title, description, location, started, finished = (html.unescape(c).strip() for c in cells)
        if not company:
            errors.append(f"line {line}: Company Name is empty")
            continue
        try:
            start = parse_linkedin_date(started)
        except DateError as exc:
            errors.append(f"line {line}: bad Started On date ({exc})")
            continue
        try:
            end = parse_linkedin_date(finished)
        except DateError as exc:
            errors.append(f"line {line}: bad Finished On date ({exc})")
            continue
        rows.append({"company_name": company, "title": title or None, "description": description or None,
                     "location": location or None, "started_on": started or None,
                     "finished_on": finished or None, "start": start, "end": end, "line": line})
    return rows, errors
