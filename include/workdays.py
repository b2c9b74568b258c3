"""Working days per jurisdiction, from the ``holidays`` library's public holidays (never a hand list).

A jurisdiction is an ISO 3166 code: a country ("CN", "GB", "DE") or a subdivision ("US-CA", "GB-SCT").
``holidays`` knows each country's weekend, its public holidays with substitute days (the UK's Boxing Day
observed on Monday 28 December 2026) and its working weekend days (China moves weekend days into the
National Day and Spring Festival weeks: Sunday 20 September and Saturday 10 October 2026 are working
days). A subdivision the library does not know falls back to its country; a country it does not know,
or no jurisdiction at all, to Monday to Friday without holidays (said so by ``calendar_name``).

The US FCRA counts *business days*; Crosscheck counts them on the US federal calendar (``FCRA``).
A foundation module (it imports nothing of Crosscheck): the notices package and the report both count
with it (``include.notices.workdays`` names it there).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import holidays

FCRA = "US"  # the calendar of the FCRA's business days: US federal holidays
MAX_SPAN_DAYS = 366 * 2  # a count of working days that finds none in two years is a broken calendar


@dataclass(frozen=True)
class Calendar:
    """The working days of one jurisdiction; ``name`` says which calendar was used (e.g. "GB-ENG")."""

    name: str
    _holidays: Any = None

    def is_working_day(self, day: date) -> bool:
        if self._holidays is None:
            return day.weekday() < 5
        return bool(self._holidays.is_working_day(day))

    def holiday(self, day: date) -> str | None:
        """The public holiday's name on ``day`` (None on an ordinary day or without a calendar)."""
        if self._holidays is None:
            return None
        name = self._holidays.get(day)
        return str(name) if name else None

    def add_working_days(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start`` (``start`` itself never counts); ``n`` = 0: ``start``."""
        if n < 0:
            raise ValueError(f"a number of working days is never negative (got {n})")
        day, left = start, n
        while left:
            day += timedelta(days=1)
            if (day - start).days > MAX_SPAN_DAYS:
                raise ValueError(f"calendar {self.name}: no {n} working days within two years of {start}")
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when ``end`` <= ``start``)."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count


@lru_cache(maxsize=64)
def calendar(jurisdiction: str | None) -> Calendar:
    """The calendar of an ISO 3166 code (``US-CA``, ``CN``, ``GB``); Monday to Friday without one."""
    if not jurisdiction:
        return Calendar("Mon-Fri")
    code = jurisdiction.strip().upper().replace("_", "-")
    country, _, subdiv = code.partition("-")
    country = "GB" if country == "UK" else country
    supported = holidays.list_supported_countries()
    if country not in supported:
        return Calendar("Mon-Fri")
    if subdiv and subdiv in supported[country]:
        return Calendar(f"{country}-{subdiv}", holidays.country_holidays(country, subdiv=subdiv))
    if country == "GB":  # the UK has no nation-wide list: England and Wales' bank holidays are the common case
        return Calendar("GB-ENG", holidays.country_holidays("GB", subdiv="ENG"))
    return Calendar(country, holidays.country_holidays(country))


def add_working_days(jurisdiction: str | None, start: date, n: int) -> date:
    return calendar(jurisdiction).add_working_days(start, n)
