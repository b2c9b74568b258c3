"""Employer-brand signals from review sites: the hiring company's rating trend, its new negative reviews
with their topics, and a context line for each candidate's latest employer.

Topics come from keyword lists (English and Chinese) rather than a model: HR can read the lists, and
the same review always gets the same topics. Only a review's negative parts (title, cons, advice to
management) are classified, so "great management" in the pros never tags a review as "management".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

from include.report.models import EmployerBrand, EmployerContext, MonthRating, ReviewView

NEGATIVE_MAX_RATING = 2
# A negative review of the hiring company is answered within 24 hours. The feed dates a review by day only,
# so the 24 hours run from the end of that day: the answer is due by the end of the next day (UTC).
RESPONSE_DAYS = 1


def response_status(review_day: date, responded_at: Any, report_day: date) -> tuple[str, date, str | None]:
    """(status, due day, answer time): ``answered`` by the due day's end, ``answered_late`` after it;
    unanswered, ``due`` up to the due day and ``overdue`` from the day after it."""
    due = review_day + timedelta(days=RESPONSE_DAYS)
    answered = _day(responded_at)
    if answered is not None:
        return ("answered" if answered <= due else "answered_late"), due, str(responded_at)
    return ("due" if report_day <= due else "overdue"), due, None
TREND_MONTHS = 12
LAYOFF_WINDOW_DAYS = 90
FIRST_REPORT_WINDOW_DAYS = 30  # a first report (no earlier run) shows the reviews of the last 30 days

# Latin keywords match at the start of a word ("layoff" matches "layoffs"); CJK ones anywhere.
TOPIC_KEYWORDS: dict[str, tuple[str, ...]] = {
    "overtime": (
        "overtime",
        "long hours",
        "long working hours",
        "unpaid overtime",
        "weekend work",
        "work-life balance",
        "work life balance",
        "burnout",
        "加班",
        "996",
        "工作时间长",
        "没有周末",
    ),
    "pay": (
        "unpaid",
        "late salary",
        "late pay",
        "salary late",
        "paid late",
        "wage arrears",
        "arrears",
        "underpaid",
        "low pay",
        "low salary",
        "salary",
        "wages",
        "bonus",
        "拖欠工资",
        "欠薪",
        "工资",
        "薪水",
        "薪资",
        "奖金",
    ),
    "management": (
        "management",
        "manager",
        "leadership",
        "executive",
        "boss",
        "micromanag",
        "管理",
        "领导",
        "老板",
        "上司",
    ),
    "layoffs": (
        "layoff",
        "lay off",
        "laid off",
        "redundanc",
        "made redundant",
        "job cuts",
        "restructur",
        "裁员",
        "优化",
        "辞退",
        "n+1",
    ),
    "culture": ("culture", "toxic", "politics", "bullying", "morale", "文化", "氛围", "内卷", "勾心斗角"),
}
TOPICS: tuple[str, ...] = tuple(TOPIC_KEYWORDS)


def _pattern(words: Iterable[str]) -> re.Pattern[str]:
    parts = []
    for w in words:
        if w.isascii():
            parts.append(r"(?<![0-9a-z])" + re.escape(w.casefold()))
        else:
            parts.append(re.escape(w))
    return re.compile("|".join(parts))


_TOPIC_RE = {topic: _pattern(words) for topic, words in TOPIC_KEYWORDS.items()}


def classify_topics(*texts: str | None) -> list[str]:
    """Topics (in TOPICS order) whose keywords occur in any of the texts."""
    text = " ".join(t for t in texts if t).casefold()
    if not text:
        return []
    return [topic for topic, rx in _TOPIC_RE.items() if rx.search(text)]


def review_topics(review: dict[str, Any]) -> list[str]:
    return classify_topics(review.get("title"), review.get("cons"), review.get("advice_to_management"))


def company_key() -> Callable[[str], str]:
    """``normalise_company`` from the engine, so that "Example Robotics Ltd" matches "EXAMPLE ROBOTICS
    LIMITED"; casefold when the engine is not importable."""
    try:
        from include.engine.names import normalise_company
    except ImportError:  # pragma: no cover - only while the engine is being written
        return lambda name: " ".join((name or "").casefold().split())
    return normalise_company


def _day(value: Any) -> date | None:
    try:
        return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _month_starts(report_day: date, months: int) -> list[str]:
    y, m = report_day.year, report_day.month
    out = []
    for _ in range(months):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return out[::-1]


def rating_trend(
    reviews: list[dict[str, Any]], report_day: date, months: int = TREND_MONTHS
) -> list[MonthRating]:
    """Monthly average rating for the last ``months`` calendar months up to the report day's month."""
    buckets: dict[str, list[int]] = {m: [] for m in _month_starts(report_day, months)}
    for r in reviews:
        d = _day(r.get("date"))
        if d is None or d > report_day:
            continue
        key = f"{d.year:04d}-{d.month:02d}"
        if key in buckets and r.get("rating") is not None:
            buckets[key].append(int(r["rating"]))
    return [
        MonthRating(month=m, count=len(v), average=round(sum(v) / len(v), 2) if v else None)
        for m, v in buckets.items()
    ]


def brand_window(report_day: date, previous_report_day: date | None) -> tuple[date, str]:
    """(first day, kind) of the reviews a report calls new; both ends are inclusive.

    After an earlier report, the day after that report's day (its own window ended on its report day, so
    no review is shown twice and none is skipped): kind ``since_last_report``. On a first report, the last
    ``FIRST_REPORT_WINDOW_DAYS`` days up to and including the report day: kind ``first_report``.
    """
    if previous_report_day is not None and previous_report_day < report_day:
        return previous_report_day + timedelta(days=1), "since_last_report"
    return report_day - timedelta(days=FIRST_REPORT_WINDOW_DAYS - 1), "first_report"


def employer_brand(
    reviews: list[dict[str, Any]], employer: str, report_day: date, since: date, window: str = "since_last_report"
) -> EmployerBrand:
    """The hiring company's section: ``reviews`` may hold any employer's; only the hiring company's count.

    The window runs from ``since`` to ``report_day``, both inclusive: a review dated on the report day is in.
    """
    key = company_key()
    target = key(employer)
    mine = [r for r in reviews if key(str(r.get("employer") or "")) == target]
    negative = []
    window_ratings: list[int] = []
    for r in mine:
        d = _day(r.get("date"))
        if d is None or not (since <= d <= report_day):
            continue
        if r.get("rating") is not None:
            window_ratings.append(int(r["rating"]))
        if int(r.get("rating") or 0) > NEGATIVE_MAX_RATING:
            continue
        response, due, responded_at = response_status(d, r.get("response_at"), report_day)
        negative.append(
            ReviewView(
                review_id=str(r["review_id"]),
                date=d.isoformat(),
                rating=int(r["rating"]),
                title=r.get("title"),
                cons=r.get("cons"),
                job_title=r.get("job_title"),
                employment_status=r.get("employment_status"),
                topics=review_topics(r),
                response=response,
                response_due=due.isoformat(),
                responded_at=responded_at,
            )
        )
    negative.sort(key=lambda v: (v.date, v.review_id), reverse=True)
    counts = {t: sum(t in v.topics for v in negative) for t in TOPICS}
    return EmployerBrand(
        employer=employer,
        since=since,
        until=report_day,
        window=window,
        window_reviews=len(window_ratings),
        window_average=round(sum(window_ratings) / len(window_ratings), 2) if window_ratings else None,
        window_lowest=min(window_ratings) if window_ratings else None,
        trend=rating_trend(mine, report_day),
        new_negative=negative,
        topic_counts=counts,
        total_reviews=sum(1 for r in mine if (_day(r.get("date")) or report_day) <= report_day),
        responses_overdue=sum(
            1 for r in mine
            if int(r.get("rating") or 0) <= NEGATIVE_MAX_RATING and (d := _day(r.get("date"))) is not None
            and d <= report_day and response_status(d, r.get("response_at"), report_day)[0] == "overdue"
        ),
    )


def employer_contexts(
    reviews: list[dict[str, Any]], employers: dict[str, str], report_day: date
) -> dict[str, EmployerContext]:
    """candidate_id -> context line, for ``employers`` = candidate_id -> latest resume employer."""
    key = company_key()
    by_employer: dict[str, list[dict[str, Any]]] = {}
    for r in reviews:
        d = _day(r.get("date"))
        if d is not None and d <= report_day:
            by_employer.setdefault(key(str(r.get("employer") or "")), []).append(r)
    window_start = report_day - timedelta(days=LAYOFF_WINDOW_DAYS)
    out = {}
    for cid, employer in employers.items():
        mine = by_employer.get(key(employer), []) if key(employer) else []
        ratings = [int(r["rating"]) for r in mine if r.get("rating") is not None]
        layoffs = sum(
            1
            for r in mine
            if (_day(r.get("date")) or report_day) > window_start
            and "layoffs"
            in classify_topics(r.get("title"), r.get("pros"), r.get("cons"), r.get("advice_to_management"))
        )
        out[cid] = EmployerContext(
            employer=employer,
            review_count=len(mine),
            layoff_mentions_90d=layoffs,
            average_rating=round(sum(ratings) / len(ratings), 1) if ratings else None,
        )
    return out


def _job_sort_key(job: dict[str, Any]) -> tuple[int, tuple[int, int, int]]:
    """Current jobs first, then the latest start; an unparseable start sorts as oldest."""
    from include.engine.dates import is_current, parse_partial_date

    end = job.get("end_raw")
    current = end is None or not str(end).strip() or is_current(end)
    try:
        start = parse_partial_date(job.get("start_raw"))
    except ValueError:
        start = None
    start_key = (start.year, start.month or 0, start.day or 0) if start else (0, 0, 0)
    return (1 if current else 0, start_key)


def latest_employers(jobs: list[dict[str, Any]]) -> dict[str, str]:
    """candidate_id -> employer of the candidate's latest resume job."""
    best: dict[str, dict[str, Any]] = {}
    for job in jobs:
        if not job.get("employer"):
            continue
        cid = job["candidate_id"]
        if cid not in best or _job_sort_key(job) > _job_sort_key(best[cid]):
            best[cid] = job
    return {cid: str(job["employer"]) for cid, job in best.items()}
