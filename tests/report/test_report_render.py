"""The rendered report: counts, grouping, escaping, both locales, the CSV, and the message catalogue."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from include.report import i18n
from include.report.models import CandidateView, FindingView, ReportData, RequisitionView
from include.report.render import CSV_COLUMNS, Interactive, build_report, render_csv, render_html
from tests.report.report_seed import XSS_NAME

REPORT_DIR = Path(i18n.__file__).resolve().parent


def _counts(html: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r'data-count="(\w+)"><span class="num">(\d+)<', html)}


def test_files_and_names(data, tmp_path):
    for locale in i18n.LOCALES:
        paths = build_report(data, tmp_path, locale)
        assert (
            paths.html == tmp_path / f"report-2026-11-21-{locale}.html" and paths.html.stat().st_size > 5000
        )
        assert paths.csv == tmp_path / f"report-2026-11-21-{locale}.csv"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "report-2026-11-21-en.csv",
        "report-2026-11-21-en.html",
        "report-2026-11-21-zh_CN.csv",
        "report-2026-11-21-zh_CN.html",
    ]


def test_counts_first_then_requisitions_in_order(data):
    html = render_html(data, "en")
    assert _counts(html) == {
        "candidates_checked": 4,
        "awaiting_consent": 1,
        "open_findings": 5,
        "new_since_yesterday": 3,
        "cleared": 1,
    }
    assert re.search(r'data-severity="yellow"[^>]*>Yellow 3<', html)
    summary, findings, brand = (
        html.index('id="summary"'),
        html.index('id="findings"'),
        html.index('id="brand"'),
    )
    assert summary < findings < brand
    req1 = html.index('class="req-title">Senior Robotics Engineer')
    req2 = html.index('class="req-title">数据分析师')
    assert req1 < req2
    ana, doe = html.index('data-candidate="greenhouse:1001"'), html.index('data-candidate="greenhouse:1002"')
    assert req1 < ana < doe < req2
    assert html.count('class="finding ') == 6
    assert "Should never be shown" not in html and "Nora" not in html and "Resolved: no longer" not in html
    assert "OpenCorporates (connection not defined)" in html
    assert (
        "Latest employer Halcyon Software Ltd: 3.0★ average over 2 reviews; "
        "reviews mentioning layoffs in the last 90 days: 1."
    ) in html
    kinds = re.findall(r'<tr data-kind="(\w+)">', html)
    assert kinds == ["employer_not_in_registry", "career_gap", "title_mismatch", "date_mismatch"]  # red first


def test_autoescape_of_names_summaries_and_links(data):
    html = render_html(data, "en")
    assert XSS_NAME not in html and "<script" not in html.lower()
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Doe" in html
    assert "<b>Lead</b>" not in html and "&lt;b&gt;Lead&lt;/b&gt;" in html
    assert 'href="javascript:' not in html and "javascript:alert(1)" in html  # shown as text, never a link
    assert 'href="https://orcid.org/0000-0002-1825-0097"' in html


def test_self_contained_with_print_rules(data):
    html = render_html(data, "en")
    assert "<link" not in html and " src=" not in html and "@import" not in html and "url(" not in html
    assert "@media print" in html and "break-inside: avoid" in html and "break-before: page" in html
    assert "overflow-wrap: anywhere" in html
    assert '<meta http-equiv="Content-Security-Policy"' in html
    assert "<form" not in html  # forms only in the Airflow UI page
    assert 'id="engine-language"' not in html  # the engine-language note is for other locales


def test_zh_cn(data):
    html = render_html(data, "zh_CN")
    assert '<html lang="zh-CN">' in html
    for text in (
        "入职前背景核查报告",
        "已核查候选人",
        "等待授权",
        "任职日期不一致",
        "职业空窗期",
        "黄色",
        "红色",
        "雇主口碑",
        "建议询问的问题",
        "2026年11月21日",
        "2 名候选人",
        "加班",
        "薪酬与欠薪",
        "裁员",
        "本次运行跳过的数据源",
        "OpenCorporates (未定义连接)",
    ):
        assert text in html, text
    assert 'id="engine-language"' in html and "规则引擎以英文生成" in html
    assert "Candidates checked" not in html and "Career gap" not in html
    assert "The resume start date differs from LinkedIn by 7 months." in html  # engine text stays English


def test_interactive_forms_only_for_open_findings(data):
    html = render_html(data, "en", Interactive(csrf_token="tok123", message="Done <b>"))
    assert html.count("<form") == 5 and html.count('value="tok123"') == 5
    assert 'name="finding_id" value="f-wang-nc"' not in html
    assert "Done &lt;b&gt;" in html


def test_csv_rows_are_the_findings(data):
    text = render_csv(data, "zh_CN")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    assert [r["finding_id"] for r in rows] == [f.finding_id for _, _, f in data.findings()]
    assert len(rows) == 6
    wang = next(r for r in rows if r["finding_id"] == "f-wang-date")
    assert (
        wang["candidate_name"] == "王小明"
        and wang["kind_label"] == "任职日期不一致"
        and wang["severity"] == "yellow"
    )
    assert (
        "华为技术有限公司" in wang["evidence"]
        and "https://files.example.test/linkedin/Positions.csv" in wang["source_links"]
    )
    cleared = next(r for r in rows if r["finding_id"] == "f-wang-nc")
    assert (cleared["status"], cleared["cleared_by"]) == ("cleared", "Li Hua")


def test_csv_file_has_bom_for_excel(data, tmp_path):
    raw = build_report(data, tmp_path, "zh_CN").csv.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "王小明".encode() in raw


def test_csv_neutralises_formulas():
    f = FindingView(finding_id="f1", kind="career_gap", severity="blue", summary="-1 months", question="?")
    data = ReportData(
        report_day=date(2026, 1, 2),
        run_id="r",
        hiring_company="X",
        generated_at="2026-01-02T00:00:00",
        requisitions=[
            RequisitionView(
                job_id=None,
                name=None,
                candidates=[
                    CandidateView(candidate_id="c", name='=HYPERLINK("http://evil.test","x")', findings=[f])
                ],
            )
        ],
    )
    row = next(csv.DictReader(io.StringIO(render_csv(data))))
    assert row["candidate_name"].startswith("'=HYPERLINK") and row["summary"] == "'-1 months"
    assert row["requisition"] == "No requisition"


def test_empty_report_renders(tmp_path):
    data = ReportData(
        report_day=date(2026, 1, 2), run_id="r", hiring_company="X", generated_at="2026-01-02T00:00:00"
    )
    html = render_html(data, "zh_CN")
    assert "本报告日没有发现项。" in html and "本报告日没有点评数据。" in html


def test_unknown_locale_is_refused(data, tmp_path):
    with pytest.raises(ValueError, match="unsupported report locale"):
        build_report(data, tmp_path, "fr")


def test_every_message_has_a_chinese_translation():
    extracted = {
        item[2]
        for item in extract_from_dir(
            str(REPORT_DIR),
            method_map=[("**.py", "python"), ("**/templates/**.j2", "jinja2")],
            options_map={"**/templates/**.j2": {"extensions": "jinja2.ext.i18n"}},
            keywords={"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)},
        )
    }
    assert len(extracted) > 100
    with (REPORT_DIR / "locale" / "zh_CN" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh, locale="zh_CN")
    missing = []
    for msg in extracted:
        entry = catalog.get(msg[0] if isinstance(msg, tuple) else msg)
        strings = entry.string if entry is not None else None
        if not strings or (isinstance(strings, tuple) and not all(strings)):
            missing.append(msg)
    assert missing == []


def test_the_documented_extraction_gives_exactly_the_catalogues_messages(tmp_path):
    """The .po header's command (include/report/babel.cfg) extracts what the catalogue holds: nothing
    missing, nothing stale."""
    import subprocess
    import sys

    root = REPORT_DIR.parent.parent
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [str(Path(sys.executable).with_name("pybabel")), "extract", "-F", "include/report/babel.cfg",
         "-k", "N_", "-k", "_", "-o", str(pot), "include/report", "include/engine"],
        cwd=root, check=True, capture_output=True, timeout=120,
    )
    with pot.open("rb") as fh:
        extracted = {m.id for m in read_po(fh) if m.id}
    po = REPORT_DIR / "locale" / "zh_CN" / "LC_MESSAGES" / "messages.po"
    translated = {m.id for m in read_po(io.BytesIO(po.read_bytes()), locale="zh_CN") if m.id and m.string}
    assert len(extracted) > 250
    assert sorted(map(str, extracted - translated)) == [] and sorted(map(str, translated - extracted)) == []
    assert "-F include/report/babel.cfg" in po.read_text(encoding="utf-8")


def test_po_is_compiled_into_the_cache_when_no_mo(tmp_path, monkeypatch):
    monkeypatch.setenv("CROSSCHECK_LOCALE_CACHE", str(tmp_path))
    po = REPORT_DIR / "locale" / "zh_CN" / "LC_MESSAGES" / "messages.po"
    mo = i18n.compile_po(po, "zh_CN")
    assert mo.is_relative_to(tmp_path) and mo.stat().st_size > 1000
    assert i18n.compile_po(po, "zh_CN") == mo  # keyed by content: compiled once
    from babel.support import Translations

    with mo.open("rb") as fh:
        assert Translations(fh).gettext("Career gap") == "职业空窗期"


def test_files_are_written_in_pieces_with_the_same_content(data, tmp_path):
    from include.report.render import csv_chunks

    paths = build_report(data, tmp_path, "en")
    assert paths.html.read_bytes().decode("utf-8") == render_html(data, "en")
    assert paths.csv.read_bytes().decode("utf-8-sig") == render_csv(data, "en")
    pieces = list(csv_chunks(data, "en", rows_per_chunk=2))
    assert len(pieces) >= 2 and "".join(pieces) == render_csv(data, "en")
    assert not list(tmp_path.glob(".*.tmp"))  # no temporary file left behind
