"""The dispute file: its answers on a seeded warehouse, its files, and `audit verify --dossier`."""

from __future__ import annotations

import json
import re
import shutil
import stat

import pytest

from include import cli
from include.cli_checks import WAREHOUSE_ENV
from include.report import dossier, i18n
from include.warehouse import connect
from tests.timeline.dossier_seed import CID, seed


@pytest.fixture
def wh_path(tmp_path, monkeypatch):
    path = tmp_path / "wh.duckdb"
    wh = connect({"conn_type": "duckdb", "host": str(path)})
    wh.migrate()
    seed(wh)
    wh.close()
    monkeypatch.setenv(WAREHOUSE_ENV, json.dumps({"conn_type": "duckdb", "host": str(path)}))
    return path


def test_answers_say_what_a_dispute_asks(wh_path):
    wh = connect({"conn_type": "duckdb", "host": str(wh_path)})
    try:
        data = dossier.dossier_data(wh, CID)
    finally:
        wh.close()
    a = data["answers"]
    assert a["offer_sent"] and a["offer_sent_at"] == "2026-09-12T09:00:00.000Z" and a["offer_versions"] == 1
    assert a["offer_accepted"] is False and a["offer_start_date"] == "2026-11-01"
    assert a["offer_stage"] == "Offer intent (verbal)" and a["offer_stage_reached_at"].startswith("2026-09-05")
    assert a["closed"] and a["closed_kind"] == "rejected" and a["closed_at"].startswith("2026-09-20")
    assert a["closed_reason"] == "Offer withdrawn: position closed" and not a["hired"]
    assert [e["kind"] for e in data["timeline"]] == ["applied", "stage", "interview", "stage", "offer", "rejected"]
    assert data["findings"][0]["clearances"][0]["cleared_by"] == "hr@example.com"
    assert data["consent"]["given"] and data["consent"]["source_field"] == "tag:background-check-consent"


def _write(tmp_path, capsys, locale=None):
    argv = ["candidate", "dossier", CID, "--out", str(tmp_path / "out")] + (["--locale", locale] if locale else [])
    assert cli.main(argv) == 0
    return sorted((tmp_path / "out").iterdir())


def test_dossier_files_are_private_and_verify(wh_path, tmp_path, capsys):
    files = _write(tmp_path, capsys)
    names = {f.name for f in files}
    for locale in ("en", "zh_CN"):
        assert {f"dossier-lever_c-1-{locale}.json", f"dossier-lever_c-1-{locale}.html"} <= names
        if shutil.which("chromium"):
            assert f"dossier-lever_c-1-{locale}.pdf" in names
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    page = (tmp_path / "out" / "dossier-lever_c-1-en.html").read_text()
    assert "Offer withdrawn: position closed" in page and "Yes, on 2026-09-12." in page
    for f in files:
        if f.suffix in (".json", ".html"):
            assert cli.main(["audit", "verify", "--dossier", str(f)]) == 0, f.name


def test_verify_catches_an_edited_file(wh_path, tmp_path, capsys):
    _write(tmp_path, capsys, "en")
    js = tmp_path / "out" / "dossier-lever_c-1-en.json"
    doc = json.loads(js.read_text())
    doc["dossier"]["answers"]["offer_sent"] = False
    js.write_text(json.dumps(doc))
    capsys.readouterr()
    assert cli.main(["audit", "verify", "--dossier", str(js)]) == 1
    err = capsys.readouterr().err
    assert "edited" in err and "answers differ" in err
    page = tmp_path / "out" / "dossier-lever_c-1-en.html"
    page.write_text(page.read_text().replace("Yes, on 2026-09-12.", "No formal offer was sent."))
    assert cli.main(["audit", "verify", "--dossier", str(page)]) == 1
    assert "its text was edited" in capsys.readouterr().err


def test_verify_catches_an_edited_warehouse_row(wh_path, tmp_path, capsys):
    _write(tmp_path, capsys, "en")
    wh = connect({"conn_type": "duckdb", "host": str(wh_path)})
    try:
        eid = wh.query("SELECT event_id FROM recruiting_events WHERE kind = 'offer'")[0]["event_id"]
        wh.execute("UPDATE recruiting_events SET occurred_at = '2026-09-30T09:00:00.000Z' WHERE event_id = ?", [eid])
    finally:
        wh.close()
    capsys.readouterr()
    assert cli.main(["audit", "verify", "--dossier", str(tmp_path / "out" / "dossier-lever_c-1-en.json")]) == 1
    err = capsys.readouterr().err
    assert f"timeline: {eid} differs" in err and "edited" not in err


def test_zh_cn_has_no_untranslated_english_sentence(wh_path, tmp_path, capsys):
    _write(tmp_path, capsys, "zh_CN")
    page = (tmp_path / "out" / "dossier-lever_c-1-zh_CN.html").read_text()
    visible = re.sub(r"<script.*?</script>|<style.*?</style>|<[^>]+>", " ", page, flags=re.DOTALL)
    template = (dossier.TEMPLATES / "dossier.html.j2").read_text()
    english = set(re.findall(r'_\("([^"]+)"', template)) | set(i18n.EVENT_LABELS.values())
    tr = i18n.translations("zh_CN")
    for msgid in english:
        assert tr.gettext(msgid) != msgid, f"untranslated: {msgid}"
        fixed = re.split(r"%\(\w+\)s", msgid)
        longest = max(fixed, key=len).strip(" .:")
        if len(longest.split()) >= 2:
            assert longest not in visible, f"English left in the zh-CN dossier: {longest}"
    assert "争议档案" in visible and "于 2026-09-12。" in visible
    assert cli.main(["audit", "verify", "--dossier", str(tmp_path / "out" / "dossier-lever_c-1-zh_CN.html")]) == 0


def _ev(kind, at, **detail):
    return {"kind": kind, "occurred_at": at, "record_id": "r", "version": 1, "detail": detail, "basis": "reported"}


def test_answers_for_a_declined_offer_an_accepted_one_and_a_verbal_intent_only():
    declined = dossier.answers([
        _ev("offer", "2026-01-02", status="rejected", sent_at="2026-01-01", resolved_at="2026-01-02"),
        _ev("withdrawn", "2026-01-03", reason="Candidate declined offer")])
    assert declined["offer_sent"] and declined["offer_accepted"] is False and declined["offer_declined"]
    assert declined["closed_kind"] == "withdrawn" and declined["closed_reason"] == "Candidate declined offer"
    hired = dossier.answers([
        _ev("offer", "2026-02-01", status="deprecated", sent_at="2026-02-01", starts_at="2026-03-01"),
        {**_ev("offer", "2026-02-05", status="accepted", sent_at="2026-02-03", resolved_at="2026-02-05",
               starts_at="2026-03-15"), "record_id": "r2"},
        _ev("hired", "2026-02-06")])
    assert hired["offer_accepted"] and hired["offer_accepted_at"] == "2026-02-05" and hired["offer_versions"] == 2
    assert hired["offer_sent_at"] == "2026-02-01" and hired["offer_start_date"] == "2026-03-15" and hired["hired"]
    verbal = dossier.answers([_ev("stage", "2026-04-01", stage="Offer intent (verbal)"),
                              _ev("rejected", "2026-04-09", reason="Verbal offer intent not confirmed")])
    assert not verbal["offer_sent"] and verbal["offer_accepted"] is None
    assert verbal["offer_stage"] == "Offer intent (verbal)" and verbal["closed_kind"] == "rejected"
    assert not verbal["offer_stage_observed"]
    seen = dossier.answers([{**_ev("stage", "2026-12-06T06:00:00Z", stage="Offer"), "basis": "observed"}])
    assert seen["offer_stage_observed"] and seen["offer_stage_reached_at"] == "2026-12-06T06:00:00Z"


def test_without_chromium_it_says_so_in_one_line_and_writes_html_and_json(wh_path, tmp_path, capsys, monkeypatch):
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    capsys.readouterr()
    assert cli.main(["candidate", "dossier", CID, "--out", str(tmp_path / "out"), "--locale", "en"]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Chromium" in err[0] and "Traceback" not in err[0]
    assert sorted(p.suffix for p in (tmp_path / "out").iterdir()) == [".html", ".json"]


def test_an_unknown_candidate_is_one_line_and_exit_1(wh_path, tmp_path, capsys):
    assert cli.main(["candidate", "dossier", "lever:nobody", "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "lever:nobody" in err[0]
