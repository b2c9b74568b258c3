"""The 24-hour response deadline of negative reviews of the hiring company: from the feed's
employer_response, through ingest and the warehouse, to the report."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from include.ingest.profiles import to_review
from include.report.data import load_report_data
from include.report.render import render_html
from include.report.reviews import employer_brand, response_status
from tests.report.report_seed import DAY, RUN

REVIEW = {"review_id": "r1", "employer": "Example Robotics Ltd", "date": "2026-11-18", "rating": 1}


@pytest.mark.parametrize(("responded_at", "report_day", "status"), [
    ("2026-11-18T20:00:00Z", date(2026, 11, 21), "answered"),  # the same day
    ("2026-11-19T23:59:00Z", date(2026, 11, 21), "answered"),  # by the end of the next day
    ("2026-11-20T00:01:00Z", date(2026, 11, 21), "answered_late"),
    (None, date(2026, 11, 19), "due"),
    (None, date(2026, 11, 20), "overdue"),
])
def test_response_status_at_the_edges(responded_at: str | None, report_day: date, status: str) -> None:
    got, due, _ = response_status(date(2026, 11, 18), responded_at, report_day)
    assert (got, due) == (status, date(2026, 11, 19))


def test_the_feeds_employer_response_is_read_and_a_bad_one_quarantined() -> None:
    answered = to_review({**REVIEW, "employer_response": {"responded_at": "2026-11-19T10:30:00+08:00",
                                                          "text": "Thank you"}})
    assert answered.response_at == "2026-11-19T02:30:00Z"
    assert to_review({**REVIEW, "employer_response": None}).response_at is None
    assert to_review(REVIEW).response_at is None  # a feed without the field: not answered
    for bad in ({"responded_at": "yesterday"}, {"responded_at": "2026-11-19T10:30:00"}, {}):
        with pytest.raises(ValueError):
            to_review({**REVIEW, "employer_response": bad})


def test_the_brand_counts_overdue_answers_beyond_the_window() -> None:
    rows = [
        {**REVIEW, "review_id": "old", "date": "2026-10-01", "response_at": None},  # before the window, unanswered
        {**REVIEW, "review_id": "ok", "date": "2026-11-19", "response_at": "2026-11-19T12:00:00Z"},
        {**REVIEW, "review_id": "today", "date": "2026-11-21", "response_at": None},
        {**REVIEW, "review_id": "fine", "date": "2026-10-02", "rating": 4, "response_at": None},
    ]
    brand = employer_brand(rows, "Example Robotics Ltd", DAY, date(2026, 11, 15))
    assert brand.responses_overdue == 1
    assert {r.review_id: r.response for r in brand.new_negative} == {"ok": "answered", "today": "due"}


def test_the_report_shows_each_negative_reviews_answer_in_both_locales(seeded: Any, cfg: Any) -> None:
    data = load_report_data(seeded, DAY, RUN, cfg)
    assert data.brand is not None and data.brand.new_negative
    first = data.brand.new_negative[0]
    seeded.execute("UPDATE reviews SET response_at = ? WHERE review_id = ?",
                   [f"{first.date}T08:00:00Z", first.review_id])
    data = load_report_data(seeded, DAY, RUN, cfg)
    assert data.brand is not None
    statuses = {r.review_id: r.response for r in data.brand.new_negative}
    assert statuses[first.review_id] == "answered"
    html = render_html(data, "en")
    review = html[html.index(f'data-review="{first.review_id}"'):]
    assert 'data-response="answered"' in review[:2000] and "Answered in time" in review[:2000]
    assert f'data-overdue="{data.brand.responses_overdue}"' in html
    assert "已按时回复" in render_html(data, "zh_CN")
