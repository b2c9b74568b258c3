"""Which employers a run asks the review feed about (include/ingest/review_plan.py)."""

from __future__ import annotations

from datetime import date, timedelta

from include.ingest.review_plan import LOOKBACK_DAYS, employer_key, select_employers

DAY = date(2026, 12, 6)
HIRING = "Example Robotics Ltd"


def _ago(days: int) -> str:
    return (DAY - timedelta(days=days)).isoformat()


def _by_key(plan):
    return {a.key: a for a in plan.asks}


def test_due_reasons_and_since():
    last = {employer_key(HIRING): _ago(1), "fresh co": _ago(6), "stale co": _ago(7), "old co": _ago(30)}
    plan = select_employers(HIRING, ["Fresh Co", "Stale Co", "Old Co", "New Co"], last, DAY, 7, 100)
    asks = _by_key(plan)
    assert set(asks) == {"example robotics ltd", "stale co", "old co", "new co"}
    assert asks["example robotics ltd"].reason == "hiring" and asks["example robotics ltd"].since == _ago(1)
    assert asks["new co"].reason == "new" and asks["new co"].since == _ago(LOOKBACK_DAYS)
    # from its own last read day, inclusive
    assert (asks["stale co"].reason, asks["stale co"].since) == ("stale", _ago(7))
    assert (asks["old co"].reason, asks["old co"].since) == ("stale", _ago(30))
    assert plan.due == {"hiring": 1, "new": 1, "stale": 2} and plan.fresh == 1 and plan.pending == 0
    summary = plan.summary()
    assert summary["asked"] == 4 and summary["asked_by_reason"] == {"hiring": 1, "new": 1, "stale": 2}
    assert summary["read_day"] == DAY.isoformat()


def test_the_hiring_company_is_asked_on_every_run_whatever_the_budget():
    last = {employer_key(HIRING): DAY.isoformat(), "a": _ago(40)}
    plan = select_employers(HIRING, ["A", "B"], last, DAY, 7, 0)
    assert [(a.employer, a.reason, a.since) for a in plan.asks] == [(HIRING, "hiring", DAY.isoformat())]
    assert plan.pending == 2
    never = select_employers(HIRING, [], {}, DAY, 7, 5)  # never read: the full look-back
    assert [(a.reason, a.since) for a in never.asks] == [("hiring", _ago(LOOKBACK_DAYS))]


def test_a_candidates_employer_with_the_hiring_company_name_is_asked_once_as_hiring():
    plan = select_employers(HIRING, ["  EXAMPLE robotics LTD ", "Other"], {}, DAY, 7, 10)
    assert [(a.key, a.reason) for a in plan.asks] == [("example robotics ltd", "hiring"), ("other", "new")]
    assert plan.asks[0].employer == HIRING


def test_max_age_zero_asks_every_employer_every_run():
    last = {employer_key(HIRING): DAY.isoformat(), "a": DAY.isoformat(), "b": _ago(1)}
    plan = select_employers(HIRING, ["A", "B"], last, DAY, 0, 100)
    assert {a.key: (a.reason, a.since) for a in plan.asks} == {
        "example robotics ltd": ("hiring", DAY.isoformat()), "a": ("stale", DAY.isoformat()),
        "b": ("stale", _ago(1))}
    assert plan.fresh == 0


def test_budget_takes_new_then_oldest_stale_and_leaves_the_rest_pending():
    last = {"s1": _ago(9), "s2": _ago(20), "s3": _ago(8), "f": _ago(2)}
    names = ["S1", "S2", "S3", "F", "N2", "N1"]
    plan = select_employers(HIRING, names, last, DAY, 7, 4)  # the hiring company and three more
    assert [a.key for a in plan.asks] == ["example robotics ltd", "n1", "n2", "s2"]
    assert plan.pending == 2 and plan.fresh == 1
    assert plan.due == {"hiring": 1, "new": 2, "stale": 3}

    # the next day, those asked moved to that day: the pending ones come first, oldest read first
    nxt = DAY + timedelta(days=1)
    read = {**last, **{a.key: DAY.isoformat() for a in plan.asks}}
    second = select_employers(HIRING, names, read, nxt, 7, 4)
    assert [a.key for a in second.asks] == ["example robotics ltd", "s1", "s3"]
    assert [a.since for a in second.asks[1:]] == [_ago(9), _ago(8)]
    assert second.pending == 0 and second.fresh == 4


def test_since_never_reaches_past_the_look_back_and_bad_days_count_as_never_read():
    plan = select_employers(HIRING, ["Gone Long", "Bad Day"], {"gone long": _ago(2000), "bad day": "soon"},
                            DAY, 7, 10)
    asks = _by_key(plan)
    assert (asks["gone long"].reason, asks["gone long"].since) == ("stale", _ago(LOOKBACK_DAYS))
    assert (asks["bad day"].reason, asks["bad day"].since) == ("new", _ago(LOOKBACK_DAYS))


def test_a_read_day_after_the_run_day_is_fresh_not_rewound():
    """A backfill of an earlier report day: an employer read up to a later day is not asked again."""
    later = (DAY + timedelta(days=3)).isoformat()
    plan = select_employers(HIRING, ["A"], {"a": later, employer_key(HIRING): later}, DAY, 7, 10)
    assert [(a.key, a.since) for a in plan.asks] == [("example robotics ltd", later)]
    assert plan.fresh == 1
