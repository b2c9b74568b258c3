"""Partial dates as people write them on resumes and profiles.

A resume says "2019" or "Sep 2025", a registry says "2019-03-14": the precision is part of the claim.
"2019" means "some time in 2019", so the rules compare ranges (first day .. last day) rather than
inventing a January the candidate never wrote. Parsing is strict: garbage raises ``ValueError`` so
ingest can quarantine it, and an empty value is ``None`` (no date, not an error).
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Literal

from dateutil import parser as du_parser

Precision = Literal["year", "month", "day"]

CURRENT_WORDS = frozenset(
    {"present", "current", "now", "today", "ongoing", "to date", "till date", "till now",
     "至今", "现在", "現在", "目前", "今", "迄今", "至今日", "现今"}
)

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}

_Y = r"(?P<y>(?:19|20|21)\d\d)"
_M = r"(?P<m>0?[1-9]|1[0-2])"
_D = r"(?P<d>0?[1-9]|[12]\d|3[01])"
_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        rf"^{_Y}$",
        rf"^{_Y}[-./]{_M}$",
        rf"^{_Y}-{_M}-{_D}(?:[T ][0-9:.,]+(?:Z|[+-]\d\d:?\d\d)?)?$",
        rf"^{_Y}[./]{_M}[./]{_D}$",
        rf"^{_M}[/.-]{_Y}$",
        rf"^{_Y}\s*年$",
        rf"^{_Y}\s*年\s*{_M}\s*月(?:份)?$",
        rf"^{_Y}\s*年\s*{_M}\s*月\s*{_D}\s*日$",
        rf"^{_Y}(?P<m>0[1-9]|1[0-2])$",
        rf"^{_Y}(?P<m>0[1-9]|1[0-2])(?P<d>0[1-9]|[12]\d|3[01])$",
    )
)
_MONTH_NAME = re.compile(r"^(?P<mn>[a-z]+)\.?,?\s+(?:(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+)?" + _Y + "$")
_DAY_MONTH_NAME = re.compile(r"^(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?P<mn>[a-z]+)\.?,?\s+" + _Y + "$")


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to year, month or day precision."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.year <= 9999:
            raise ValueError("year out of range")
        if self.month is None and self.day is not None:
            raise ValueError("a day needs a month")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError("month out of range")
        if self.day is not None:
            date(self.year, self.month or 1, self.day)  # raises ValueError on 31 February

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    def first_day(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> date:
        month = self.month or 12
        return date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    def first_month_index(self) -> int:
        """Months since year 0 of the earliest month this date can mean (Jan for a bare year)."""
        return self.year * 12 + (self.month or 1) - 1

    def last_month_index(self) -> int:
        """Months since year 0 of the latest month this date can mean (Dec for a bare year)."""
        return self.year * 12 + (self.month or 12) - 1

    def month_index(self) -> int:
        """The month index for month/day precision; for a bare year, the first month."""
        return self.first_month_index()

    def isoformat(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def __str__(self) -> str:
        return self.isoformat()

    @classmethod
    def from_date(cls, d: date) -> PartialDate:
        return cls(d.year, d.month, d.day)


def month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def months_between(a: date, b: date) -> int:
    """Whole calendar months from a to b (negative when b is earlier)."""
    return month_index(b) - month_index(a)


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().casefold()


def is_current(text: str | None) -> bool:
    """True for words meaning "still there" ("Present", "至今", ...). Empty ends are the caller's call."""
    if text is None:
        return False
    return _clean(text) in CURRENT_WORDS


def parse_partial_date(text: str | None) -> PartialDate | None:
    """Parse a date as written, keeping its precision.

    Returns ``None`` for an empty value or a "still there" word; raises ``ValueError`` on garbage.
    """
    if text is None:
        return None
    s = _clean(text)
    if not s or s in CURRENT_WORDS:
        return None
    return _parse_cached(s)


@lru_cache(maxsize=65536)
def _parse_cached(s: str) -> PartialDate:
    for pattern in _PATTERNS:
        m = pattern.match(s)
        if m:
            g = m.groupdict()
            return PartialDate(int(g["y"]), _int(g.get("m")), _int(g.get("d")))
    for pattern in (_MONTH_NAME, _DAY_MONTH_NAME):
        m = pattern.match(s)
        if m and m.group("mn") in _MONTHS:
            return PartialDate(int(m.group("y")), _MONTHS[m.group("mn")], _int(m.group("d")))
    return _parse_with_dateutil(s)


def _int(v: str | None) -> int | None:
    return int(v) if v else None


_DEFAULT_A = datetime(2001, 1, 1)
_DEFAULT_B = datetime(2002, 2, 2)


def _parse_with_dateutil(s: str) -> PartialDate:
    """Last resort for other spellings; two defaults reveal which parts the text actually gave."""
    if not re.search(r"\d{4}", s):
        raise ValueError("unrecognised date")
    try:
        a = du_parser.parse(s, default=_DEFAULT_A, fuzzy=False)
        b = du_parser.parse(s, default=_DEFAULT_B, fuzzy=False)
    except (ValueError, OverflowError, du_parser.ParserError):
        raise ValueError("unrecognised date") from None
    if a.year != b.year:
        raise ValueError("unrecognised date")
    month = a.month if a.month == b.month else None
    day = a.day if (a.day == b.day and month is not None) else None
    return PartialDate(a.year, month, day)


@dataclass(frozen=True)
class Span:
    """A job's or a degree's time as month-index ranges: each end is known only to its precision.

    ``start_lo..start_hi`` are the earliest and latest months the start can mean ("2019" = Jan..Dec);
    the same for the end. A current job ends in the report day's month.
    """

    start: PartialDate | None
    end: PartialDate | None
    current: bool
    start_lo: int | None
    start_hi: int | None
    end_lo: int
    end_hi: int


def job_span(start_raw: str | None, end_raw: str | None, report_day: date) -> Span:
    """Parse a start/end pair; an empty end or a "Present" word is current. Raises ``ValueError``."""
    start = parse_partial_date(start_raw)
    end = parse_partial_date(end_raw)
    today = month_index(report_day)
    if end is None:
        if end_raw is not None and end_raw.strip() and not is_current(end_raw):
            raise ValueError("unrecognised end date")
        lo = hi = today
        current = True
    else:
        lo, hi = end.first_month_index(), end.last_month_index()
        current = False
    return Span(start, end, current,
                start.first_month_index() if start else None, start.last_month_index() if start else None,
                lo, hi)


def range_distance(a_lo: int, a_hi: int, b_lo: int, b_hi: int) -> int:
    """Months between two month ranges; 0 when they can mean the same month."""
    return max(0, a_lo - b_hi, b_lo - a_hi)
