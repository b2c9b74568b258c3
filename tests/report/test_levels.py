"""Candidate levels: computed from the open findings (and the offer's notice when the recruiting timeline
is in the warehouse), stored per run, recomputed when HR clears a finding, shown first on the report."""

from __future__ import annotations

from typing import Any

import pytest

from include.findings import clear_and_rerender
from include.levels import NOTICE_DAYS_YELLOW, levels_of_run, store_levels
from include.report.data import load_report_data
from include.report.render import render_html
from tests.report.report_seed import DAY, RUN
from tests.warehouse.wh_fixtures import pg_session, warehouse, warehouse_spec  # noqa: F401


def test_each_checked_candidate_gets_the_level_of_their_worst_open_finding(seeded: Any) -> None:
    stored = levels_of_run(seeded, RUN)
    assert {cid: v["level"] for cid, v in stored.items()} == {
        "greenhouse:1001": "red",  # an open red finding
        "greenhouse:1002": "yellow",
        "lever:c-3": "yellow",  # its red finding is cleared: the open yellow one decides
        "greenhouse:1005": "yellow",
    }
    red = stored["greenhouse:1001"]["reasons"]
    assert [r["severity"] for r in red] == ["red"]  # blue findings are not reasons
    assert red[0]["reason"] == "finding" and red[0]["finding_id"]


def test_a_candidate_without_open_findings_is_blue(seeded: Any) -> None:
    counts = store_levels(seeded, RUN, ["greenhouse:1001", "nobody:1"])
    assert counts == {"red": 1, "yellow": 0, "blue": 1}
    assert levels_of_run(seeded, RUN)["nobody:1"] == {"level": "blue", "reasons": []}


def test_clearing_the_red_finding_lowers_the_level_and_the_report_follows(seeded: Any, cfg: Any) -> None:
    red = levels_of_run(seeded, RUN)["greenhouse:1001"]["reasons"][0]["finding_id"]
    clear_and_rerender(seeded, red, "Employer confirmed by phone", "HR Tester", cfg)
    assert levels_of_run(seeded, RUN)["greenhouse:1001"]["level"] == "blue"
    data = load_report_data(seeded, DAY, RUN, cfg)
    assert data.counts.levels == {"red": 0, "yellow": 3, "blue": 1}
    assert "greenhouse:1001" not in {lv.candidate_id for lv in data.levels}


RECORDED = {"record_sha256": "0" * 64, "recorded_at": "2026-11-21T06:00:00Z", "run_id": RUN}


def _timeline(wh: Any, cid: str, starts: str, accepted: str) -> None:
    """An accepted offer in the recruiting timeline (migration 009's table), as the timeline ingest stores it."""
    wh.upsert("recruiting_events", [{**RECORDED,
        "event_id": f"ev-{cid}-{starts}", "source": "greenhouse", "candidate_id": cid, "application_id": "a",
        "kind": "offer", "occurred_at": accepted + "T10:00:00Z", "basis": "reported", "record_type": "offer",
        "record_id": "o1", "version": 1,
        "detail": {"status": "accepted", "sent_at": "2026-11-01T09:00:00Z", "resolved_at": accepted + "T10:00:00Z",
                   "created_at": "2026-10-30T09:00:00Z", "starts_at": starts},
    }], ["event_id"])


@pytest.mark.parametrize(("starts", "level"), [("2026-11-20", "blue"), ("2026-11-21", "yellow")])
def test_an_offer_leaving_more_than_15_days_of_notice_is_yellow(seeded: Any, starts: str, level: str) -> None:
    cid = "greenhouse:1001"
    red = levels_of_run(seeded, RUN)[cid]["reasons"][0]["finding_id"]
    seeded.execute("UPDATE discrepancies SET status = 'cleared' WHERE finding_id = ?", [red])
    _timeline(seeded, cid, starts, "2026-11-05")  # 15 days to the 20th: fine; 16 to the 21st: a plan
    store_levels(seeded, RUN, [cid])
    stored = levels_of_run(seeded, RUN)[cid]
    assert stored["level"] == level
    if level == "yellow":
        assert stored["reasons"] == [{"reason": "notice", "severity": "yellow", "offered_on": "2026-11-05",
                                      "starts_on": starts, "notice_days": NOTICE_DAYS_YELLOW + 1}]


def test_levels_come_first_in_the_report_with_their_reasons_in_both_locales(seeded: Any, cfg: Any) -> None:
    _timeline(seeded, "greenhouse:1002", "2027-01-04", "2026-11-20")
    store_levels(seeded, RUN, ["greenhouse:1002"])
    data = load_report_data(seeded, DAY, RUN, cfg)
    assert [lv.level for lv in data.levels] == ["red", "yellow", "yellow", "yellow"]
    html = render_html(data, "en")
    assert html.index('id="levels"') < html.index('id="at-a-glance"') < html.index('id="findings"')
    section = html[html.index('id="levels"'):html.index('id="at-a-glance"')]
    assert 'data-level="red"><span class="num">1<' in section
    assert "is 45 days after the offer of November 20, 2026" in section
    red = data.levels[0].reasons[0].finding
    assert red is not None and f'href="#f-{red.finding_id}"' in section and f'id="f-{red.finding_id}"' in html
    zh = render_html(data, "zh_CN")
    zh_section = zh[zh.index('id="levels"'):zh.index('id="at-a-glance"')]
    assert "候选人等级" in zh_section and "45 天" in zh_section
    assert "<strong>王小明</strong>" in zh_section


def test_candidates_without_consent_have_no_level_shown(seeded: Any, cfg: Any) -> None:
    store_levels(seeded, RUN, ["greenhouse:1004"])  # its consent was withdrawn: stored, never shown
    data = load_report_data(seeded, DAY, RUN, cfg)
    assert "greenhouse:1004" not in {lv.candidate_id for lv in data.levels}
    assert sum(data.counts.levels.values()) == 4


def test_a_level_is_in_the_candidates_export_and_goes_with_their_erasure(seeded: Any, tmp_path: Any) -> None:
    from include.audit.subject import erase_candidate, export_candidate

    export = export_candidate(seeded, "greenhouse:1001", tmp_path)
    assert [r["level"] for r in export["candidate_levels"]] == ["red"]
    erase_candidate(seeded, "greenhouse:1001", tmp_path, "DPO")
    assert "greenhouse:1001" not in levels_of_run(seeded, RUN)


def test_a_newer_offer_that_fell_through_leaves_no_notice(seeded: Any) -> None:
    cid = "greenhouse:1002"
    _timeline(seeded, cid, "2027-01-04", "2026-11-20")
    seeded.upsert("recruiting_events", [{**RECORDED,
        "event_id": "ev-rejected", "source": "greenhouse", "candidate_id": cid, "application_id": "a",
        "kind": "offer", "occurred_at": "2026-11-21T08:00:00Z", "basis": "reported", "record_type": "offer",
        "record_id": "o1", "version": 2, "detail": {"status": "rejected", "starts_at": "2027-01-04",
                                                    "resolved_at": "2026-11-21T08:00:00Z"},
    }], ["event_id"])
    store_levels(seeded, RUN, [cid])
    assert [r["reason"] for r in levels_of_run(seeded, RUN)[cid]["reasons"]] == ["finding"]


def test_levels_are_stored_and_read_alike_on_both_engines(warehouse: Any) -> None:  # noqa: F811
    rows = [
        {"finding_id": f"f{i}", "candidate_id": cid, "kind": "career_gap", "severity": sev, "status": status,
         "last_seen_run": run, "first_seen_run": run}
        for i, (cid, sev, status, run) in enumerate([
            ("c:1", "red", "open", "r2"), ("c:1", "yellow", "open", "r2"), ("c:2", "red", "cleared", "r2"),
            ("c:2", "yellow", "open", "r1"),  # no longer seen by r2: resolved, not a reason
            ("c:3", "blue", "open", "r2")])
    ]
    warehouse.upsert("discrepancies", rows, ["finding_id"])
    assert store_levels(warehouse, "r2", ["c:1", "c:2", "c:3"]) == {"red": 1, "yellow": 0, "blue": 2}
    stored = levels_of_run(warehouse, "r2")
    assert stored["c:1"]["reasons"] == [
        {"reason": "finding", "finding_id": "f0", "kind": "career_gap", "severity": "red"},
        {"reason": "finding", "finding_id": "f1", "kind": "career_gap", "severity": "yellow"}]
    assert levels_of_run(warehouse, "r1") == {}
