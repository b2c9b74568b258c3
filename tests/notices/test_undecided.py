"""Every checked candidate hears the result: an active application of a checked candidate without any
decision is listed from the first report day that checked them plus the configured working days, on
their jurisdiction's calendar, until HR records a decision."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from include.notices import attention, record_decision
from tests.notices.notice_helpers import app_of, config, populate
from tests.warehouse.wh_fixtures import pg_session, warehouse, warehouse_spec  # noqa: F401

ANA, WEI, OLIVER = "greenhouse:101", "greenhouse:102", "greenhouse:103"


@pytest.fixture
def wh(warehouse: Any) -> Any:  # noqa: F811 - DuckDB and a Postgres schema of its own
    return warehouse


def checked(wh: Any, run_id: str, day: str, seq: int, ids: list[str]) -> None:
    wh.upsert("pipeline_runs", [{"run_id": run_id, "seq": seq, "report_day": day, "prev_hash": "0", "hash": run_id}],
              ["run_id"])
    wh.upsert("candidate_levels", [{"run_id": run_id, "candidate_id": c, "level": "red", "reasons": []} for c in ids],
              ["run_id", "candidate_id"])


def test_checked_candidates_without_a_decision_are_listed_until_one_is_recorded(wh, tmp_path) -> None:
    cfg = config(tmp_path)
    populate(wh)
    checked(wh, "r1", "2026-09-30", 1, [WEI])  # China: the National Day week follows
    checked(wh, "r2", "2026-12-24", 2, [WEI, OLIVER])  # a later run does not move Wei's first check
    wh.execute("UPDATE applications SET status = 'rejected' WHERE application_id = ?", [app_of(ANA)])
    checked(wh, "r3", "2026-12-24", 3, [ANA])  # not active: nothing to tell through this list
    lines = {a.candidate_id: a for a in attention(wh, date(2026, 12, 30), cfg)}
    assert set(lines) == {WEI, OLIVER}
    assert (lines[WEI].state, lines[WEI].due_on, lines[WEI].decision) == ("result_overdue", "2026-10-10", "")
    # the UK: 24 December + 3 working days, Christmas, Boxing Day and its substitute Monday skipped
    assert (lines[OLIVER].state, lines[OLIVER].due_on) == ("result_due", "2026-12-31")
    assert attention(wh, date(2026, 12, 30)) == []  # without the configuration: decisions only
    record_decision(wh, app_of(WEI), "proceed", "fine", "Hana", cfg, at=datetime(2026, 12, 29, 10, tzinfo=UTC))
    after = attention(wh, date(2026, 12, 30), cfg)
    assert {(a.candidate_id, a.state) for a in after} == {(OLIVER, "result_due"), (WEI, "due")}


def test_results_awaiting_a_decision_fold_under_a_count_and_decisions_stay_in_view() -> None:
    from types import SimpleNamespace

    from include.report.models import NoticeView
    from include.report.render import environment

    def view(i: int, state: str) -> NoticeView:
        return NoticeView(state=state, candidate_id=f"c{i}", name=f"N{i}", application_id=f"a{i}",
                          decision_id="d" if state == "overdue" else "", decision="pre_adverse" if state == "overdue"
                          else "", due_on="2026-12-01", days=3)

    many = [view(0, "overdue"), *[view(i, "result_overdue") for i in range(1, 13)], view(13, "result_due")]
    for locale, needle in (("en", "13 checked applications await a decision (12 past"), ("zh_CN", "13 份已核查的申请")):
        html = environment(locale).get_template("notices_block.html.j2").render(
            data=SimpleNamespace(notices=many, notices_day=date(2026, 12, 4), report_day=date(2026, 12, 4),
                                 notices_cap=None))
        assert needle in html
        assert '<details class="results">' in html  # more than 10: folded
        assert html.index('data-notice-state="overdue"') < html.index("<details")


def test_the_day_report_shows_the_most_urgent_notices_and_counts_the_rest() -> None:
    """A day report must not grow with the history: of thousands of applications awaiting a decision it
    lists ``notices_cap`` (the most urgent first) and says how many more the HR page's Needs action view
    lists; the count in the summary is the full one. Without a cap (the Needs action view) all are listed."""
    from types import SimpleNamespace

    from include.report.models import NoticeView
    from include.report.render import environment

    def view(i: int, state: str) -> NoticeView:
        return NoticeView(state=state, candidate_id=f"c{i}", name=f"N{i}", application_id=f"a{i}",
                          decision_id="d" if state == "overdue" else "", decision="pre_adverse" if state == "overdue"
                          else "", due_on="2026-12-01", days=3)

    many = [*[view(i, "overdue") for i in range(60)], *[view(100 + i, "result_due") for i in range(3000)]]
    for locale, more in (("en", "and 2950 more: the HR page"), ("zh_CN", "另有 2950 项")):
        env = environment(locale).get_template("notices_block.html.j2")
        capped = env.render(data=SimpleNamespace(notices=many, notices_day=date(2026, 12, 4),
                                                 report_day=date(2026, 12, 4), notices_cap=50))
        assert capped.count('data-notice-state="result_due"') == 50 and capped.count('data-notice-state="overdue"') == 50
        assert more in capped and capped.count('data-more="notices"') == 2
        assert "3000" in capped  # the summary counts every one
        full = env.render(data=SimpleNamespace(notices=many, notices_day=date(2026, 12, 4),
                                               report_day=date(2026, 12, 4), notices_cap=None))
        assert full.count('data-notice-state="result_due"') == 3000 and 'data-more="notices"' not in full
        assert len(capped) * 20 < len(full)
