"""Employer-brand signals: topic keywords (English and Chinese), the monthly trend, new negative reviews."""

from __future__ import annotations

from datetime import date

import pytest

from include.report.reviews import (
    FIRST_REPORT_WINDOW_DAYS,
    brand_window,
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


def test_brand_window_is_inclusive_at_both_ends():
    """A 1-star review dated on the report day, and one on the window's first day, are both new."""
    reviews = [
        {"review_id": "first-day", "employer": "Example Robotics Ltd", "date": "2026-11-20", "rating": 1},
        {"review_id": "report-day", "employer": "Example Robotics Ltd", "date": "2026-11-21", "rating": 1},
        {"review_id": "before", "employer": "Example Robotics Ltd", "date": "2026-11-19", "rating": 1},
        {"review_id": "good", "employer": "Example Robotics Ltd", "date": "2026-11-21", "rating": 5},
    ]
    brand = employer_brand(reviews, "Example Robotics Ltd", DAY, since=date(2026, 11, 20))
    assert [r.review_id for r in brand.new_negative] == ["report-day", "first-day"]
    # the summary counts every review in the window, not only the negative ones
    assert (brand.window_reviews, brand.window_average, brand.window_lowest) == (3, 2.33, 1)


def test_brand_window_after_an_earlier_report_and_on_a_first_report():
    assert brand_window(DAY, date(2026, 11, 20)) == (DAY, "since_last_report")
    assert brand_window(DAY, date(2026, 11, 14)) == (date(2026, 11, 15), "since_last_report")
    since, kind = brand_window(DAY, None)
    assert kind == "first_report" and (DAY - since).days + 1 == FIRST_REPORT_WINDOW_DAYS == 30


def test_first_report_shows_the_last_30_days_and_need_action(tmp_path):
    """A warehouse with only the report day's run: the brand window is the last 30 days (not one day and
    not empty), and the report says so at the top in both locales."""
    from include.report.data import load_report_data
    from include.report.render import render_html
    from tests.report.report_seed import PREV_RUN, RUN, config, seed, warehouse

    wh = warehouse()
    seed(wh)
    wh.execute("DELETE FROM pipeline_runs WHERE run_id = ?", [PREV_RUN])
    data = load_report_data(wh, DAY, RUN, config(tmp_path))
    wh.close()
    b = data.brand
    assert b is not None and b.window == "first_report" and b.since == date(2026, 10, 23)
    # er-old-neg (the day before) is in on a first report; er-new-3 (5 stars) counts in the summary only
    assert {r.review_id for r in b.new_negative} == {"er-new-1", "er-new-2", "er-old-neg"}
    assert (b.window_reviews, b.window_lowest) == (4, 1) and b.window_average == 2.25
    red = {c.candidate_id for r in data.requisitions for c in r.candidates
           if any(f.severity == "red" and f.status == "open" for f in c.findings)}
    assert data.counts.need_action == len(red) > 0
    en = render_html(data, "en")
    assert 'id="at-a-glance"' in en and en.index('id="at-a-glance"') < en.index('id="summary"')
    assert "First report: reviews of the last 30 days" in en
    assert f'data-glance="need_action"><span class="num">{len(red)}</span>' in en
    assert "at least one red finding about them is open" in en
    zh = render_html(data, "zh_CN")
    assert "首份报告：最近 30 天的评价" in zh and "录用前需处理" in zh
