"""Letters in the candidate's language with the rights of their jurisdiction; HR's text is escaped; the
pre-adverse letter states the waiting period; the rights family of each jurisdiction."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from include.notices import record_decision, write_notice
from include.notices.letters import rights_family
from tests.notices.notice_helpers import app_of, config, populate


@pytest.fixture
def wh(tmp_path: Path) -> Iterator[Any]:
    from include.warehouse import connect

    w = connect({"conn_type": "duckdb", "host": str(tmp_path / "warehouse.duckdb")})
    w.migrate()
    yield w
    w.close()


@pytest.mark.parametrize(("code", "family"), [("US-CA", "US"), ("US", "US"), ("GB", "GB"), ("DE", "EU"),
                                               ("NO", "EU"), ("CN", "CN"), ("JP", ""), (None, "")])
def test_rights_family(code, family) -> None:
    assert rights_family(code) == family


@pytest.mark.parametrize(("candidate", "locale", "needles"), [
    ("greenhouse:101", "en", ("Fair Credit Reporting Act", "5 working days")),
    ("greenhouse:104", "en", ("Article 22 of the EU General Data Protection Regulation",)),
    ("greenhouse:103", "en", ("Article 22 of the UK General Data Protection Regulation",)),
    ("greenhouse:102", "zh_CN", ("《中华人民共和国个人信息保护法》第二十四条", "不利决定预先通知", "5 个工作日")),
])
def test_pre_adverse_letter_per_jurisdiction(wh, tmp_path, candidate, locale, needles) -> None:
    cfg = config(tmp_path)
    ids = populate(wh)
    d = record_decision(wh, app_of(candidate), "pre_adverse", "<script>alert(1)</script> not confirmed", "Hana",
                        cfg)
    letter = write_notice(wh, d.decision_id, cfg, "Hana")
    html = Path(letter.path).read_text(encoding="utf-8")
    assert letter.locale == locale
    for n in needles:
        assert n in html, n
    assert "<script>" not in html and "&lt;script&gt;" in html  # HR's reason is text, never markup
    for fid in ids[candidate][:2]:  # the red and yellow findings it rests on, not the blue one
        assert f'id="f-{fid}"' in html
    assert f'id="f-{ids[candidate][2]}"' not in html
    assert "disputes@acme.example" in html


def test_the_language_can_be_chosen_and_a_proceed_letter_has_no_waiting_period(wh, tmp_path) -> None:
    cfg = config(tmp_path)
    populate(wh)
    d = record_decision(wh, app_of("greenhouse:102"), "proceed", "all explained", "Hana", cfg)
    letter = write_notice(wh, d.decision_id, cfg, "Hana", locale="en")
    html = Path(letter.path).read_text(encoding="utf-8")
    assert letter.locale == "en" and "we proceed with your application" in html
    assert "waiting period" not in html and "Personal Information Protection Law" in html
    with pytest.raises(ValueError, match="unsupported report locale"):
        write_notice(wh, d.decision_id, cfg, "Hana", locale="fr")


def test_a_letter_that_cannot_be_recorded_leaves_no_file(wh, tmp_path, monkeypatch) -> None:
    from include.audit import coverage

    cfg = config(tmp_path)
    populate(wh)
    d = record_decision(wh, app_of("greenhouse:101"), "proceed", "fine", "Hana", cfg)

    def broken(*_a: Any, **_k: Any) -> Any:
        raise coverage.CoverageError("seal failed")

    monkeypatch.setattr(coverage, "seal_locked", broken)
    with pytest.raises(coverage.CoverageError):
        write_notice(wh, d.decision_id, cfg, "Hana")
    assert not list((cfg.data_path() / "notices").rglob("*.html"))
    assert wh.query("SELECT count(*) AS n FROM notice_letters")[0]["n"] == 0
