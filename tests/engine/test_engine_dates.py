from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from include.engine.dates import PartialDate, is_current, job_span, parse_partial_date, range_distance

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
LONG = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December"]


@pytest.mark.parametrize(("text", "expected", "precision"), [
    ("2019-03-14", PartialDate(2019, 3, 14), "day"),
    ("2019-03-14T10:00:00Z", PartialDate(2019, 3, 14), "day"),
    ("2025-06-01T10:00:00+01:00", PartialDate(2025, 6, 1), "day"),
    ("2019-03", PartialDate(2019, 3), "month"),
    ("2019", PartialDate(2019), "year"),
    ("Sep 2025", PartialDate(2025, 9), "month"),
    ("September 2025", PartialDate(2025, 9), "month"),
    ("Sept. 2025", PartialDate(2025, 9), "month"),
    ("2019.03", PartialDate(2019, 3), "month"),
    ("03/2019", PartialDate(2019, 3), "month"),
    ("2019年3月", PartialDate(2019, 3), "month"),
    ("2019年", PartialDate(2019), "year"),
    ("２０１９年３月", PartialDate(2019, 3), "month"),
    ("14 March 2019", PartialDate(2019, 3, 14), "day"),
])
def test_forms_keep_precision(text: str, expected: PartialDate, precision: str) -> None:
    parsed = parse_partial_date(text)
    assert parsed == expected
    assert parsed is not None and parsed.precision == precision


@pytest.mark.parametrize("text", ["garbage", "13/2019", "2019-13", "2019-02-30", "Smarch 2019", "yesterday", "19"])
def test_garbage_raises(text: str) -> None:
    with pytest.raises(ValueError):
        parse_partial_date(text)


@pytest.mark.parametrize("text", [None, "", "   "])
def test_empty_is_none(text: str | None) -> None:
    assert parse_partial_date(text) is None


@pytest.mark.parametrize("text", ["Present", "current", "NOW", "至今", "现在"])
def test_current_words(text: str) -> None:
    assert is_current(text)
    assert parse_partial_date(text) is None


def test_not_current() -> None:
    assert not is_current("2019-03") and not is_current(None) and not is_current("")


def test_ranges_of_partial_dates() -> None:
    y = PartialDate(2019)
    assert (y.first_day(), y.last_day()) == (date(2019, 1, 1), date(2019, 12, 31))
    m = PartialDate(2020, 2)
    assert m.last_day() == date(2020, 2, 29)
    assert m.first_month_index() == m.last_month_index() == 2020 * 12 + 1
    assert y.last_month_index() - y.first_month_index() == 11


def test_job_span_current_and_garbage() -> None:
    s = job_span("2019-03", None, date(2026, 11, 21))
    assert s.current and s.end_lo == s.end_hi == 2026 * 12 + 10
    assert job_span("2019", "Present", date(2026, 11, 21)).current
    with pytest.raises(ValueError):
        job_span("2019", "someday", date(2026, 11, 21))


def test_range_distance() -> None:
    assert range_distance(10, 10, 12, 12) == 2
    assert range_distance(0, 11, 5, 5) == 0  # a bare year contains the month


dates = st.dates(min_value=date(1950, 1, 1), max_value=date(2099, 12, 31))


@given(dates, st.sampled_from(["iso", "ym", "y", "mon", "month", "dot", "slash", "zh_ym", "zh_y", "zh_ymd"]))
def test_round_trip(d: date, form: str) -> None:
    text, expected = {
        "iso": (d.isoformat(), PartialDate(d.year, d.month, d.day)),
        "ym": (f"{d.year}-{d.month:02d}", PartialDate(d.year, d.month)),
        "y": (str(d.year), PartialDate(d.year)),
        "mon": (f"{MONTHS[d.month - 1]} {d.year}", PartialDate(d.year, d.month)),
        "month": (f"{LONG[d.month - 1]} {d.year}", PartialDate(d.year, d.month)),
        "dot": (f"{d.year}.{d.month:02d}", PartialDate(d.year, d.month)),
        "slash": (f"{d.month:02d}/{d.year}", PartialDate(d.year, d.month)),
        "zh_ym": (f"{d.year}年{d.month}月", PartialDate(d.year, d.month)),
        "zh_y": (f"{d.year}年", PartialDate(d.year)),
        "zh_ymd": (f"{d.year}年{d.month}月{d.day}日", PartialDate(d.year, d.month, d.day)),
    }[form]
    parsed = parse_partial_date(text)
    assert parsed == expected
    assert parsed is not None and parsed.precision == expected.precision
    assert parse_partial_date(parsed.isoformat()) == parsed
    assert parsed.first_day() <= d <= parsed.last_day()
