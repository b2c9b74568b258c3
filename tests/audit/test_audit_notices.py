"""Decisions, letters and deliveries are sealed when they are recorded (and the head signed): the trail
verifies after each, and ``crosscheck audit verify`` (the installed executable) exits 1 naming the table
and the row when one is edited or deleted behind the API's back."""

from __future__ import annotations

from typing import Any

import pytest

from include.notices import deliver_notice, record_decision, write_notice
from tests.audit.test_audit_coverage import ANA, World, broken

APP = f"greenhouse:app-{ANA.split(':')[1]}"


@pytest.fixture
def noticed(tmp_path, monkeypatch) -> tuple[World, dict[str, Any]]:
    w = World(tmp_path, monkeypatch)
    w.run()
    wh = w.open()
    try:
        d = record_decision(wh, APP, "pre_adverse", "employer not confirmed", "Hana HR", w.config)
        letter = write_notice(wh, d.decision_id, w.config, "Hana HR")
        done = deliver_notice(wh, letter.notice_id, w.config, "handed_over", "Hana HR", note="in person")
    finally:
        wh.close()
    return w, {"decision": d.decision_id, "notice": letter.notice_id, "delivery": done.delivery_id}


def test_each_step_is_sealed_signed_and_verifies(noticed) -> None:
    w, ids = noticed
    res = w.verify()
    assert res.rc == 0, res.err
    wh = w.open()
    try:
        kinds = [(s["kind"], s["ref"]) for s in wh.query("SELECT kind, ref FROM audit_seals ORDER BY seq")][-3:]
    finally:
        wh.close()
    assert kinds == [("decision", ids["decision"]), ("notice", ids["notice"]), ("delivery", ids["delivery"])]
    anchored = w.anchor_log.read_text(encoding="utf-8").splitlines()
    assert [line for line in anchored if '"kind": "delivery"' in line]  # the head after the delivery is signed


@pytest.mark.parametrize(("table", "statement", "key"), [
    ("notice_decisions", "UPDATE notice_decisions SET reason = 'a better reason'", "decision"),
    ("notice_letters", "UPDATE notice_letters SET sha256 = 'x'", "notice"),
    ("notice_deliveries", "UPDATE notice_deliveries SET delivered_on = '2026-01-01'", "delivery"),
])
def test_an_edit_is_named(noticed, table, statement, key) -> None:
    w, ids = noticed
    w.sql(statement)
    broken(w.verify(), f"{table} {ids[key]}: edited")


def test_a_deleted_decision_is_named(noticed) -> None:
    w, ids = noticed
    w.sql("DELETE FROM notice_decisions")
    broken(w.verify(), f"notice_decisions {ids['decision']}: deleted")
