"""Working days per jurisdiction come from the holidays library: China's National Day week and its
substituted weekend workdays, UK bank holidays with substitute days and Easter, US federal holidays for
the FCRA's business days, and Monday to Friday where no calendar is known."""

from __future__ import annotations

from datetime import date

import pytest

from include.notices.workdays import FCRA, add_working_days, calendar


def test_china_national_day_week_2026_and_its_substituted_weekend_workdays() -> None:
    cn = calendar("CN")
    # 1-7 October 2026 are holidays; Sunday 20 September and Saturday 10 October are working days
    assert [cn.is_working_day(date(2026, 10, d)) for d in range(1, 8)] == [False] * 7
    assert cn.is_working_day(date(2026, 9, 20)) and cn.is_working_day(date(2026, 10, 10))
    assert not cn.is_working_day(date(2026, 10, 11))  # an ordinary Sunday
    # decided on Wednesday 30 September: Oct 1-7 off, Oct 8 (Thu), 9 (Fri), 10 (the working Saturday)
    assert add_working_days("CN", date(2026, 9, 30), 3) == date(2026, 10, 10)
    # a plain Mon-Fri count would have said Monday 5 October
    assert add_working_days(None, date(2026, 9, 30), 3) == date(2026, 10, 5)
    # Friday 18 September + 1: the working Sunday 20 September
    assert add_working_days("CN", date(2026, 9, 18), 1) == date(2026, 9, 20)


def test_uk_christmas_boxing_day_substitute_and_easter_2026() -> None:
    gb = calendar("GB")
    assert gb.name == "GB-ENG"
    # Christmas is Friday 25 December, Boxing Day Saturday 26: Monday 28 December is the substitute day
    assert not gb.is_working_day(date(2026, 12, 28))
    assert gb.holiday(date(2026, 12, 28)) == "Boxing Day (observed)"
    # Thursday 24 December + 3 working days: 29, 30, 31 December
    assert add_working_days("GB", date(2026, 12, 24), 3) == date(2026, 12, 31)
    # Easter 2026: Good Friday 3 April and Easter Monday 6 April are bank holidays
    assert add_working_days("GB", date(2026, 4, 2), 1) == date(2026, 4, 7)
    assert add_working_days("GB-SCT", date(2026, 4, 2), 1) == date(2026, 4, 6)  # Scotland works Easter Monday


def test_fcra_business_days_skip_a_us_federal_holiday() -> None:
    # a pre-adverse notice delivered on Monday 23 November 2026: Thanksgiving (Thursday 26) does not count
    assert add_working_days(FCRA, date(2026, 11, 23), 5) == date(2026, 12, 1)
    assert add_working_days(None, date(2026, 11, 23), 5) == date(2026, 11, 30)


def test_a_subdivision_uses_its_own_holidays_and_an_unknown_one_its_country() -> None:
    assert not calendar("US-CA").is_working_day(date(2026, 3, 31))  # César Chávez Day in California
    assert calendar("US").is_working_day(date(2026, 3, 31))
    assert calendar("US-ZZ").name == "US"
    assert calendar("XX").name == "Mon-Fri"


def test_zero_and_negative_counts() -> None:
    assert add_working_days("GB", date(2026, 12, 25), 0) == date(2026, 12, 25)
    with pytest.raises(ValueError, match="never negative"):
        add_working_days("GB", date(2026, 12, 25), -1)
    assert calendar("GB").working_days_between(date(2026, 12, 24), date(2026, 12, 31)) == 3
