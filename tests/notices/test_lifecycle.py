"""A decision's life on both engines (DuckDB and a Postgres schema of its own): recorded with its reason,
who and the findings it rests on; its notice written in the candidate's language and delivered; the US
FCRA's waiting period before a final adverse decision; overdue notices; everything sealed and verifiable."""

from __future__ import annotations

import os
import stat
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from include.audit.coverage import verify
from include.notices import (
    DecisionRefused,
    attention,
    deliver_notice,
    history,
    record_decision,
    write_notice,
)
from tests.notices.notice_helpers import app_of, config, populate
from tests.warehouse.wh_fixtures import pg_session, warehouse, warehouse_spec  # noqa: F401

ANA, WEI, OLIVER = "greenhouse:101", "greenhouse:102", "greenhouse:103"


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00").replace(tzinfo=UTC)


def test_fcra_lifecycle_pre_adverse_wait_then_final(warehouse, tmp_path: Path) -> None:  # noqa: F811
    wh, cfg = warehouse, config(tmp_path)
    ids = populate(wh)
    # Monday 23 November 2026, a pre-adverse decision for a Californian candidate
    pre = record_decision(wh, app_of(ANA), "pre_adverse", "employer not confirmed", "Hana HR", cfg,
                          at=at("2026-11-23"))
    assert pre.candidate_id == ANA and pre.jurisdiction == "US-CA"
    assert pre.finding_ids == sorted(ids[ANA][:2])  # the open red and yellow findings, not the blue one
    # 3 working days in California: 24, 25, then Thanksgiving (26th) and the day after (a California
    # state holiday) skipped: Monday 30 November
    assert pre.notice_due_on == "2026-11-30"
    # not delivered yet: due, then overdue after the due day
    assert [a.state for a in attention(wh, date(2026, 11, 24))] == ["due"]
    assert [a.state for a in attention(wh, date(2026, 11, 30))] == ["due"]
    late = attention(wh, date(2026, 12, 2))
    assert [(a.state, a.decision_id, a.days) for a in late] == [("overdue", pre.decision_id, 2)]

    with pytest.raises(DecisionRefused, match="not been delivered"):
        record_decision(wh, app_of(ANA), "final_adverse", "no answer", "Hana HR", cfg, at=at("2026-12-10"))

    letter = write_notice(wh, pre.decision_id, cfg, "Hana HR", at=at("2026-11-23", 11))
    assert letter.locale == "en"
    path = Path(letter.path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and path.is_relative_to(cfg.data_path() / "notices")
    html = path.read_text(encoding="utf-8")
    assert "Fair Credit Reporting Act" in html and "disputes@acme.example" in html
    assert "Halcyon Software Ltd" in html  # the evidence, in plain words

    done = deliver_notice(wh, letter.notice_id, cfg, "handed_over", "Hana HR", note="in person",
                          at=at("2026-11-23", 15))
    # five US business days after Monday 23 November, Thanksgiving skipped: Tuesday 1 December
    assert done.wait_until == "2026-12-01"
    assert [(a.state, a.due_on) for a in attention(wh, date(2026, 11, 30))] == [("waiting", "2026-12-01")]
    with pytest.raises(DecisionRefused, match="runs until 2026-12-01"):
        record_decision(wh, app_of(ANA), "final_adverse", "no answer", "Hana HR", cfg, at=at("2026-12-01"))
    assert [a.state for a in attention(wh, date(2026, 12, 2))] == ["wait_over"]

    final = record_decision(wh, app_of(ANA), "final_adverse", "no answer in the waiting period", "Hana HR", cfg,
                            at=at("2026-12-02"))
    assert final.finding_ids == pre.finding_ids
    assert [a.state for a in attention(wh, date(2026, 12, 2))] == ["due"]  # the final notice is now due
    final_letter = write_notice(wh, final.decision_id, cfg, "Hana HR", at=at("2026-12-02", 11))
    deliver_notice(wh, final_letter.notice_id, cfg, "handed_over", "Hana HR", at=at("2026-12-02", 12))
    assert attention(wh, date(2026, 12, 20)) == []

    story = history(wh, ANA)
    assert [d["decision"] for d in story] == ["pre_adverse", "final_adverse"]
    assert [len(d["letters"]) for d in story] == [1, 1] and [len(d["deliveries"]) for d in story] == [1, 1]
    seals = wh.query("SELECT kind, ref FROM audit_seals ORDER BY seq")
    assert [s["kind"] for s in seals] == ["decision", "notice", "delivery", "decision", "notice", "delivery"]
    report = verify(wh)
    assert report.problems == []


def test_chinese_candidate_gets_a_chinese_letter_and_national_day_counts(warehouse, tmp_path: Path) -> None:  # noqa: F811
    wh, cfg = warehouse, config(tmp_path)
    populate(wh)
    d = record_decision(wh, app_of(WEI), "proceed", "all explained", "Hana HR", cfg, at=at("2026-09-30"))
    assert d.jurisdiction == "CN" and d.finding_ids == []
    assert d.notice_due_on == "2026-10-10"  # after the National Day week, on the working Saturday
    letter = write_notice(wh, d.decision_id, cfg, "Hana HR", at=at("2026-09-30", 12))
    assert letter.locale == "zh_CN"
    html = Path(letter.path).read_text(encoding="utf-8")
    assert 'lang="zh-CN"' in html and "个人信息保护法" in html


def test_refusals_change_nothing(warehouse, tmp_path: Path) -> None:  # noqa: F811
    wh, cfg = warehouse, config(tmp_path)
    ids = populate(wh)
    with pytest.raises(DecisionRefused, match="unknown decision"):
        record_decision(wh, app_of(ANA), "reject", "x", "Hana", cfg)
    with pytest.raises(DecisionRefused, match="a reason is required"):
        record_decision(wh, app_of(ANA), "proceed", "  ", "Hana", cfg)
    with pytest.raises(DecisionRefused, match="NUL"):
        record_decision(wh, app_of(ANA), "proceed", "ok\0", "Hana", cfg)
    with pytest.raises(KeyError, match="no application"):
        record_decision(wh, "greenhouse:app-nope", "proceed", "ok", "Hana", cfg)
    with pytest.raises(DecisionRefused, match="not about this candidate"):
        record_decision(wh, app_of(ANA), "pre_adverse", "x", "Hana", cfg, finding_ids=[ids[WEI][0]])
    with pytest.raises(DecisionRefused, match="follows a pre-adverse notice"):
        record_decision(wh, app_of(ANA), "final_adverse", "x", "Hana", cfg)
    assert wh.query("SELECT count(*) AS n FROM notice_decisions")[0]["n"] == 0
    assert wh.query("SELECT count(*) AS n FROM audit_seals")[0]["n"] == 0


def test_a_letter_changed_on_disk_is_never_delivered(warehouse, tmp_path: Path) -> None:  # noqa: F811
    wh, cfg = warehouse, config(tmp_path)
    populate(wh)
    d = record_decision(wh, app_of(OLIVER), "withdrawn", "withdrew by phone", "Hana HR", cfg)
    assert d.jurisdiction == "GB"
    letter = write_notice(wh, d.decision_id, cfg, "Hana HR")
    assert "UK General Data Protection Regulation" in Path(letter.path).read_text(encoding="utf-8")
    os.chmod(letter.path, 0o600)
    Path(letter.path).write_text("<p>edited</p>", encoding="utf-8")
    with pytest.raises(DecisionRefused, match="changed since it was written"):
        deliver_notice(wh, letter.notice_id, cfg, "handed_over", "Hana HR")
    assert wh.query("SELECT count(*) AS n FROM notice_deliveries")[0]["n"] == 0
