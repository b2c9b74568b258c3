"""Employer-brand signals: topic keywords (English and Chinese), the monthly trend, new negative reviews."""

from __future__ import annotations

from datetime import date

import pytest

from include.report.reviews import (
    classify_topics,
    employer_brand,
    employer_contexts,
    latest_employers,
    rating_trend,
    review_topics,
)

DAY = date(2026, 11, 21)


@pytest.mark.parametrize(
    "text,topics",
    [
        ("Endless overtime and long hours", ["overtime"]),
        ("996 是常态，天天加班", ["overtime"]),
        ("Salary paid late again, wage arrears for months", ["pay"]),
        ("公司拖欠工资，欠薪三个月", ["pay"]),
        ("Poor management; my manager never listens", ["management"]),
        ("领导只会画饼，管理混乱", ["management"]),
        ("Half the office was laid off; more layoffs coming", ["layoffs"]),
        ("Made redundant after restructuring", ["layoffs"]),
        ("今年裁员，说是优化", ["layoffs"]),
        ("Toxic culture", ["culture"]),
        ("公司氛围压抑，文化差", ["culture"]),
        ("Nice office, free coffee", []),
    ],
)
def test_classify_topics(text, topics):
    assert classify_topics(text) == topics


def test_keywords_match_at_word_starts_only():
    assert classify_topics("payday") == []  # "pay" alone is not a keyword; "late pay" is
    assert classify_topics("Subculture of cyclists") == []  # "culture" inside a word does not count
    assert classify_topics("Cultures clash") == ["culture"]


def test_only_negative_parts_of_a_review_are_classified():
    review = {"title": "Great place", "pros": "Good management, no layoffs, great culture", "cons": "Parking"}
    assert review_topics(review) == []
    assert review_topics({**review, "advice_to_management": "Stop the overtime"}) == ["overtime"]


def test_rating_trend_is_twelve_calendar_months():
    reviews = [
        {"date": "2026-11-03", "rating": 1},
        {"date": "2026-11-20", "rating": 4},
        {"date": "2025-12-01", "rating": 5},
        {"date": "2025-11-30", "rating": 1},  # 13 months ago: out
        {"date": "2026-11-22", "rating": 1},  # after the report day: out
        {"date": "not a date", "rating": 1},
    ]
    trend = rating_trend(reviews, DAY)
    assert [m.month for m in trend][:2] == ["2025-12", "2026-01"] and trend[-1].month == "2026-11"
    assert len(trend) == 12
    assert (trend[-1].average, trend[-1].count) == (2.5, 2)
    assert (trend[0].average, trend[0].count) == (5.0, 1)
    assert trend[1].average is None and trend[1].count == 0


def test_rating_trend_over_a_year_boundary_in_january():
    trend = rating_trend([{"date": "2026-01-31", "rating": 3}], date(2026, 1, 31))
    assert trend[0].month == "2025-02" and trend[-1].month == "2026-01" and trend[-1].average == 3.0


def test_brand_matches_spelling_variants_and_keeps_new_negative_only():
    reviews = [
        {
            "review_id": "a",
            "employer": "EXAMPLE ROBOTICS LIMITED",
            "date": "2026-11-21",
            "rating": 2,
            "cons": "Layoffs",
        },
        {
            "review_id": "b",
            "employer": "Example Robotics Ltd.",
            "date": "2026-11-19",
            "rating": 1,
            "cons": "x",
        },
        {
            "review_id": "c",
            "employer": "Example Robotics Ltd",
            "date": "2026-11-21",
            "rating": 3,
            "cons": "meh",
        },
        {
            "review_id": "d",
            "employer": "Other Robotics Ltd",
            "date": "2026-11-21",
            "rating": 1,
            "cons": "toxic",
        },
    ]
    brand = employer_brand(reviews, "Example Robotics Ltd", DAY, since=date(2026, 11, 20))
    assert [r.review_id for r in brand.new_negative] == ["a"]
    assert brand.new_negative[0].topics == ["layoffs"]
    assert brand.topic_counts == {"overtime": 0, "pay": 0, "management": 0, "layoffs": 1, "culture": 0}
    assert brand.total_reviews == 3


def test_latest_employer_prefers_current_then_latest_start():
    jobs = [
        {"candidate_id": "c1", "employer": "Old", "start_raw": "2015", "end_raw": "2018"},
        {"candidate_id": "c1", "employer": "Now", "start_raw": "2019-03", "end_raw": "Present"},
        {"candidate_id": "c1", "employer": "Side gig", "start_raw": "2012", "end_raw": None},
        {"candidate_id": "c2", "employer": "A", "start_raw": "2010", "end_raw": "2012"},
        {"candidate_id": "c2", "employer": "B", "start_raw": "2013-05", "end_raw": "2014"},
        {"candidate_id": "c3", "employer": "", "start_raw": "2013", "end_raw": None},
    ]
    assert latest_employers(jobs) == {"c1": "Now", "c2": "B"}


def test_employer_context_counts_layoffs_in_the_last_90_days():
    reviews = [
        {"employer": "Halcyon Software", "date": "2026-10-01", "rating": 2, "title": "laid off"},
        {"employer": "HALCYON SOFTWARE LTD", "date": "2026-06-01", "rating": 4, "cons": "redundancies"},
        {"employer": "Halcyon Software", "date": "2026-11-25", "rating": 1, "cons": "layoffs"},
    ]  # future
    ctx = employer_contexts(reviews, {"c1": "Halcyon Software Ltd", "c2": "Nobody Ltd"}, DAY)
    assert (ctx["c1"].review_count, ctx["c1"].average_rating, ctx["c1"].layoff_mentions_90d) == (2, 3.0, 1)
    assert ctx["c2"].review_count == 0 and ctx["c2"].average_rating is None
