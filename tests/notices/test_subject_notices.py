"""A candidate's decisions, letters and deliveries are in their export and their dispute file (dossier),
and an erasure removes the rows and the letter files, leaving the trail verifiable."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from include.audit.coverage import verify
from include.audit.subject import erase_candidate, export_candidate
from include.notices import deliver_notice, record_decision, write_notice
from include.report.dossier import dossier_data, render_html
from tests.notices.notice_helpers import app_of, config, populate

ANA, WEI = "greenhouse:101", "greenhouse:102"


@pytest.fixture
def wh(tmp_path: Path) -> Iterator[Any]:
    from include.warehouse import connect

    w = connect({"conn_type": "duckdb", "host": str(tmp_path / "warehouse.duckdb")})
    w.migrate()
    yield w
    w.close()


def _noticed(wh: Any, cfg: Any, candidate: str) -> tuple[Any, Any, Any]:
    d = record_decision(wh, app_of(candidate), "pre_adverse", "employer not confirmed", "Hana HR", cfg)
    letter = write_notice(wh, d.decision_id, cfg, "Hana HR")
    done = deliver_notice(wh, letter.notice_id, cfg, "handed_over", "Hana HR", note="at the interview")
    return d, letter, done


def test_export_and_dossier_hold_the_decisions(wh, tmp_path) -> None:
    cfg = config(tmp_path)
    populate(wh)
    d, letter, done = _noticed(wh, cfg, ANA)
    out = export_candidate(wh, ANA, cfg.landing_path())
    assert [r["decision_id"] for r in out["notice_decisions"]] == [d.decision_id]
    assert [r["notice_id"] for r in out["notice_letters"]] == [letter.notice_id]
    assert [r["delivery_id"] for r in out["notice_deliveries"]] == [done.delivery_id]
    assert export_candidate(wh, WEI, cfg.landing_path())["notice_decisions"] == []  # only their own
    data = dossier_data(wh, ANA)
    [x] = data["decisions"]
    assert x["decision"] == "pre_adverse" and x["finding_ids"] == d.finding_ids
    assert [v["wait_until"] for v in x["deliveries"]] == [done.wait_until]
    page = render_html(data, "digest", "2026-12-06T00:00:00+00:00", "zh_CN")
    assert "决定与通知" in page and "不利决定预先通知" in page and d.decision_id in page


def test_erasure_removes_rows_and_letter_files(wh, tmp_path) -> None:
    cfg = config(tmp_path)
    populate(wh)
    _, letter, _ = _noticed(wh, cfg, ANA)
    _, other, _ = _noticed(wh, cfg, WEI)
    assert Path(letter.path).is_file()
    report = erase_candidate(wh, ANA, cfg.landing_path(), "dpo", data_root=cfg.data_path())
    assert report["tables"]["notice_decisions"] == 1 and report["tables"]["notice_letters"] == 1
    assert report["tables"]["notice_deliveries"] == 1
    assert not Path(letter.path).exists() and Path(other.path).is_file()
    assert any(f["path"] == letter.path and f["deleted"] for f in report["files"])
    assert not [p for p in report["residual_files"] if "notices" in p]
    assert wh.query("SELECT count(*) AS n FROM notice_decisions WHERE candidate_id = ?", [ANA])[0]["n"] == 0
    assert verify(wh).problems == []
