"""Findings in the report's locale: the engine's summaries, questions and evidence for the sandbox world,
written to a real DuckDB warehouse and rendered in zh_CN and English.

The world is the shipped seed-42 world run through the rule engine (no HTTP); the warehouse rows are
written by ``include.findings.write_run_findings``, as the pipeline writes them.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.pofile import read_po

from evaluation.engine import evaluate_world
from evaluation.world_adapter import bundles_from_world
from include.audit.digests import row_digest
from include.engine import messages
from include.engine.rules.common import evidence_digest
from include.findings import write_run_findings
from include.models import Finding
from include.report import i18n
from include.report.data import load_report_data
from include.report.models import EvidenceView, FindingView
from include.report.render import format_value, render_csv, render_html, value_label
from include.warehouse import connect
from tests.report.report_seed import config, warehouse
from tests.warehouse.wh_fixtures import pg_session, warehouse_spec  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
WORLD = ROOT / "sandbox" / "data" / "seed-42"
PO = ROOT / "include" / "report" / "locale" / "zh_CN" / "LC_MESSAGES" / "messages.po"
RUN = "cc-test-i18n-T1"
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
LATIN_WORDS = re.compile(r"[A-Za-z]+(?:[ '-][A-Za-z]+)+")


@cache
def world_findings() -> tuple[Finding, ...]:
    _, findings = evaluate_world(WORLD)
    return tuple(findings)


def engine_msgids() -> set[str]:
    """Every string the engine marks with ``N_`` (its sentences, phrases and vocabulary)."""
    ids = {m for _, _, m, *_ in extract_from_dir(str(ROOT / "include" / "engine" / "rules"),
                                                  method_map=[("**.py", "python")], keywords={"N_": None})}
    ids |= {m for _, m, *_ in extract_from_file("python", str(ROOT / "include" / "engine" / "messages.py"),
                                                keywords={"N_": None})}
    return ids


def catalog() -> Any:
    with PO.open("rb") as fh:
        return read_po(fh, locale="zh_CN")


@pytest.fixture(scope="module")
def world_report(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The world's findings in a warehouse with their candidates and applications, and the report data."""
    findings = list(world_findings())
    bundles, _, _ = bundles_from_world(WORLD)
    wh = warehouse()
    ids = {f.candidate_id for f in findings}
    wh.upsert("jobs", [{"job_id": "job-1", "source": "greenhouse", "name": "Robotics Engineer"}], ["job_id"])
    wh.upsert("candidates", [
        {"candidate_id": b.candidate.candidate_id, "source": b.candidate.source, "source_id": b.candidate.source_id,
         "first_name": b.candidate.first_name, "last_name": b.candidate.last_name,
         "consent_given": b.candidate.consent.given}
        for b in bundles if b.candidate.candidate_id in ids], ["candidate_id"])
    wh.upsert("applications", [
        {"application_id": b.application_id or f"app-{b.candidate.candidate_id}",
         "candidate_id": b.candidate.candidate_id, "job_id": "job-1", "applied_at": "2026-11-01"}
        for b in bundles if b.candidate.candidate_id in ids], ["application_id"])
    write_run_findings(wh, [findings], RUN, ids)
    data = load_report_data(wh, date(2026, 11, 21), RUN, config(tmp_path_factory.mktemp("cfg")))
    yield wh, findings, data
    wh.close()


def findings_section(html: str) -> str:
    start = html.index('<section class="block" id="findings"')
    return html[start:html.index('<section class="block" id="brand"')]


def visible_text(html: str) -> str:
    """The text a reader sees: no tags, no attribute values (data-kind holds the kind key on purpose), no
    identifiers set as code (finding ids, rule versions such as ``career_gap@1.0.0``)."""
    text = re.sub(r"<code>.*?</code>", " ", html)
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"&[a-z]+;|&#\d+;", " ", text)


def literal_values(f: Finding) -> set[str]:
    """Names, titles, dates and counts the finding carries: shown as written in every locale."""
    out = set(messages.literals(f.message))
    for e in f.evidence:
        out.add(e.record_ref)
        for k, v in e.values.items():
            if k in i18n.EVIDENCE_VALUES or k in i18n.SOURCE_LIST_VALUES or isinstance(v, bool):
                continue
            out.update(str(x) for x in (v if isinstance(v, list) else [v]) if x is not None)
    return out


def test_every_engine_msgid_has_a_chinese_translation_with_the_same_placeholders() -> None:
    ids = engine_msgids()
    assert len(ids) > 40
    cat = catalog()
    problems = []
    for msgid in sorted(ids):
        entry = cat.get(msgid)
        if entry is None or not entry.string:
            problems.append(("missing", msgid))
        elif set(re.findall(r"%\((\w+)\)s", msgid)) != set(re.findall(r"%\((\w+)\)s", str(entry.string))):
            problems.append(("placeholders", msgid))
    assert problems == []
    # and the rules really use them: every message id of the world's findings is a marked string
    used = {m for f in world_findings() for m in messages.msgids(f.message)}
    assert used and used <= ids, used - ids


def test_every_evidence_label_and_value_has_a_chinese_translation() -> None:
    cat = catalog()
    wanted = set(i18n.VALUE_LABELS.values()) | set(i18n.RECORD_REFS.values()) | {i18n.UNKNOWN}
    for table in i18n.EVIDENCE_VALUES.values():
        wanted |= set(table.values())
    assert [m for m in sorted(wanted) if not (cat.get(m) and cat.get(m).string)] == []


def test_every_world_finding_has_a_message_whose_english_is_the_stored_sentence() -> None:
    findings = world_findings()
    assert len({f.kind for f in findings}) == 9  # every kind fires in the world
    for f in findings:
        assert f.message is not None, f.kind
        assert messages.render(f.message["summary"]) == f.summary
        assert messages.render(f.message["question"]) == f.question
        # English sentences name sources, never their keys
        assert not SNAKE.search(f.summary) and not SNAKE.search(f.question), f.summary


def test_the_message_is_stored_and_read_back_for_the_report(world_report: Any) -> None:
    wh, findings, data = world_report
    rows = {r["finding_id"]: r for r in wh.query("SELECT finding_id, message, summary FROM discrepancies")}
    assert len(rows) == len({f.finding_id for f in findings})
    for f in findings:
        assert rows[f.finding_id]["message"] == f.message
    views = [v for _, _, v in data.findings()]
    assert views and all(v.message is not None for v in views)


def test_zh_cn_findings_section_is_chinese(world_report: Any) -> None:
    _, findings, data = world_report
    html = render_html(data, "zh_CN")
    section = findings_section(html)
    text = visible_text(section)
    assert 'id="engine-language"' not in html  # every finding has its message: nothing left in English
    # no English sentence or phrase of the catalogue (the engine's and the evidence labels)
    english = {m for m in engine_msgids() | set(i18n.VALUE_LABELS.values()) if " " in m.strip()}
    skeletons = {re.split(r"%\(\w+\)s", m)[0].strip(" (") for m in english}
    leaked = sorted(s for s in skeletons if len(s) > 6 and s in text)
    assert leaked == []
    # no raw snake_case key (evidence keys, enumerated values, sources)
    assert SNAKE.findall(text) == []
    # every Latin-script phrase left is a literal the records carry (a name, a title), or a source's name
    allowed = {v for f in findings for v in literal_values(f)} | {"Crosscheck", "OpenCorporates", "GLEIF"}
    allowed |= {x for r, c, _ in data.findings() for x in (r.name or "", c.name, c.candidate_id)}
    allowed_text = "\n".join(allowed)
    stray = sorted({w for w in LATIN_WORDS.findall(text) if w not in allowed_text})
    assert stray == []
    for word in ("所查询的公司登记机构", "建议询问的问题", "匹配方式", "名称完全一致", "存续", "简历", "领英"):
        assert word in text, word
    # no space between two Chinese characters where a Chinese source name fills a slot ("领英 资料")
    sentences = [messages.render(f.message["summary"], i18n.translations("zh_CN").gettext) for f in findings]
    assert not [t for t in sentences if re.search("[\u4e00-\u9fff] [\u4e00-\u9fff]", t)]
    assert any("领英资料" in t for t in sentences)
    # every function word of the world's title findings is in the table, so shown in Chinese
    words = {w for f in findings if f.kind == "title_mismatch" for e in f.evidence
             for k in ("resume_function", "profile_function") for w in e.values.get(k, [])}
    assert words and sorted(words - set(i18n.TITLE_FUNCTION_WORDS)) == []


def test_spaces_around_a_slot_go_only_between_chinese_characters() -> None:
    zh = {"而 %(profile)s 资料写的是“%(title)s”": "而 %(profile)s 资料写的是“%(title)s”"}.get
    def gettext(m: str) -> str:
        return zh(m) or m
    message = messages.msg("而 %(profile)s 资料写的是“%(title)s”", profile="领英", title="Senior Engineer")
    assert messages.render(message, gettext) == "而领英资料写的是“Senior Engineer”"
    latin = messages.msg("而 %(profile)s 资料写的是“%(title)s”", profile="GitHub", title="高级 工程师")
    assert messages.render(latin, gettext) == "而 GitHub 资料写的是“高级 工程师”"  # a value is never changed
    english = messages.msg("the %(profile)s profile says %(title)s", profile="领英", title="x")
    assert messages.render(english) == "the 领英 profile says x"  # Latin neighbours keep their spaces


def test_zh_cn_csv_has_the_chinese_sentences(world_report: Any) -> None:
    _, _, data = world_report
    text = render_csv(data, "zh_CN")
    en = render_csv(data, "en")
    assert "所查询的公司登记机构" in text and "No company registry consulted" not in text
    assert "No company registry consulted (Companies House, GLEIF, OpenCorporates)" in en
    assert "registries_searched" not in en and "Registries searched=" in en


def test_english_report_shows_labels_not_keys(world_report: Any) -> None:
    _, _, data = world_report
    text = visible_text(findings_section(render_html(data, "en")))
    assert SNAKE.findall(text) == []
    for label in ("Match method", "exact name", "Registries searched", "Hiring company", "Companies House"):
        assert label in text, label


def test_historic_finding_without_a_message_shows_the_stored_english(world_report: Any) -> None:
    wh, findings, _ = world_report
    f = next(f for f in findings if f.kind == "career_gap")
    tampered = next(f for f in findings if f.kind == "title_mismatch")
    wh.execute("UPDATE discrepancies SET message = NULL WHERE finding_id = ?", [f.finding_id])
    # a message that does not say what the audited sentence says is ignored
    wh.execute("UPDATE discrepancies SET summary = ? WHERE finding_id = ?",
               ["An edited sentence.", tampered.finding_id])
    try:
        data = load_report_data(wh, date(2026, 11, 21), RUN, config(Path("/tmp")))
        views = {v.finding_id: v for _, _, v in data.findings()}
        assert views[f.finding_id].message is None and views[tampered.finding_id].message is None
        html = render_html(data, "zh_CN")
        assert f.summary in html and f.question in html and "An edited sentence." in html
        assert 'id="engine-language"' in html
    finally:
        wh.execute("UPDATE discrepancies SET message = ?, summary = ? WHERE finding_id = ?",
                   [None, tampered.summary, tampered.finding_id])


def test_evidence_values_are_translated_and_literals_kept() -> None:
    g = i18n.translations("zh_CN").gettext
    assert format_value("match", "exact", g) == "名称完全一致"
    assert format_value("status", "Dissolved", g) == "已解散"
    assert format_value("status", "In Liquidation", g) == "清算中"
    assert format_value("resume_level", "senior", g) == "高级"
    assert format_value("reason", "named competitor", g) == "指定的竞争对手"
    assert format_value("employment_type", "unknown", g) == "未知"
    assert format_value("registries_searched", ["companies_house", "gleif"], g) == "英国公司注册处、GLEIF"
    assert format_value("senior", True, g) == "是"
    assert format_value("end", None, g) == "至今"
    assert format_value("matched", "uk_sic_2007 26110", g) == "UK SIC 2007 26110"
    # a title's function words (the engine's normalised English words); one not in the table as written
    assert format_value("resume_function", ["engineer", "test"], g) == "工程师、测试"
    assert format_value("profile_function", ["firmware", "zymurgy"], g) == "固件、zymurgy"
    assert format_value("resume_function", ["engineer", "test"], i18n.translations("en").gettext) == "engineer, test"
    # literals stay as written, even a title that is a vocabulary word
    assert format_value("title", "senior", g) == "senior"
    assert format_value("employer", "Active Robotics Ltd", g) == "Active Robotics Ltd"
    assert value_label("hiring_company", g) == "招聘公司" and value_label("some_new_key", g) == "some new key"


def test_a_translation_that_does_not_fit_falls_back_to_english() -> None:
    from include.report.render import finding_text

    f = FindingView(finding_id="x", kind="career_gap", severity="blue", summary="Stored.", question="Q?",
                    message={"summary": {"m": "%(a)s", "p": {}}, "question": {"m": "Q?", "p": {}}},
                    evidence=[EvidenceView(side="computed", source="crosscheck", record_ref="r")])
    assert finding_text(f, "summary", lambda s: s) == "Stored."
    assert finding_text(f, "question", lambda s: s) == "Q?"


def test_the_message_changes_no_digest() -> None:
    """The evidence digest is the digest of the evidence alone, as with plain sentences, and the audit row
    digest does not cover the message: rewording or translating a sentence never reopens a finding."""
    for f in world_findings():
        assert f.evidence_digest == evidence_digest(f.evidence)
        plain = f.model_copy(update={"message": None})
        assert row_digest(plain) == row_digest(f)
        other = f.model_copy(update={"message": {"summary": "x", "question": "y"}})
        assert row_digest(other) == row_digest(f)


def test_message_column_on_both_engines_and_after_an_upgrade(warehouse_spec: Any) -> None:  # noqa: F811
    """Migration 007 adds ``message`` to a warehouse that has findings already (they keep NULL); the world's
    findings are then written and read back with their messages on DuckDB and PostgreSQL alike."""
    findings = [f for f in world_findings() if f.kind in ("non_compete_risk", "title_mismatch")]
    wh = connect(warehouse_spec)
    try:
        wh.migrate()
        # the warehouse as it was before 007, holding a finding written then
        wh.execute("ALTER TABLE discrepancies DROP COLUMN message")
        wh.execute("DELETE FROM schema_migrations WHERE version = '007'")
        old = findings[0]
        wh.execute("INSERT INTO discrepancies (finding_id, candidate_id, kind, severity, summary, question, "
                   "last_seen_run) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   ["historic", old.candidate_id, old.kind, old.severity, old.summary, old.question, "cc-old"])
        assert wh.migrate() == ["007"]
        assert wh.query("SELECT message FROM discrepancies WHERE finding_id = 'historic'") == [{"message": None}]
        write_run_findings(wh, [findings], RUN, {f.candidate_id for f in findings})
        rows = {r["finding_id"]: r["message"] for r in wh.query("SELECT finding_id, message FROM discrepancies")}
        assert all(rows[f.finding_id] == f.message for f in findings)
        digests = {r["finding_id"]: r["row_digest"] for r in wh.query("SELECT finding_id, row_digest FROM run_findings")}
        assert all(digests[f.finding_id] == row_digest(f) for f in findings)
    finally:
        wh.close()
