"""`crosscheck run` on the sandbox through Airflow: the zh-CN report's findings are in Chinese.

The findings come from the real pipeline (sandbox APIs, ingest, the rule engine, the warehouse); the
report files are the ones the report DAG wrote.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from include.engine import messages

REPORT_DAY = "2026-11-21"
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


@pytest.fixture(scope="module")
def run(duckdb_pipeline):
    proc = duckdb_pipeline.crosscheck("run", "--date", REPORT_DAY, check=True)
    html = [line.rsplit(": ", 1)[1] for line in proc.stdout.splitlines() if "report (en)" in line]
    assert html, proc.stdout
    return duckdb_pipeline, Path(html[0])


def _findings_text(path: Path) -> str:
    """The findings of the day report's requisition pages (``report-<day>-<locale>/requisitions/``)."""
    pages = sorted((path.parent / path.stem / "requisitions").glob("*.html"))
    assert pages, path
    section = "".join(p.read_text(encoding="utf-8").split('id="h-findings"', 1)[1].split("</main>", 1)[0]
                      for p in pages)
    section = re.sub(r"<code>.*?</code>", " ", section)
    return re.sub(r"&[a-z]+;|&#\d+;", " ", re.sub(r"<[^>]+>", " ", section))


def test_every_finding_row_has_a_message_that_renders_to_its_sentences(run):
    env, _ = run
    with env.warehouse() as wh:
        rows = wh.query("SELECT summary, question, message FROM discrepancies", [])
    assert len(rows) > 20
    for r in rows:
        assert r["message"] is not None
        assert messages.render(r["message"]["summary"]) == r["summary"]
        assert messages.render(r["message"]["question"]) == r["question"]


def test_zh_cn_report_findings_are_chinese(run):
    _, en_path = run
    zh_path = en_path.with_name(en_path.name.replace("-en.html", "-zh_CN.html"))
    zh, en = _findings_text(zh_path), _findings_text(en_path)
    assert SNAKE.findall(zh) == [] and SNAKE.findall(en) == []
    for english in ("No company registry consulted", "which the resume does not list", "Question to ask",
                    "Match method", "exact name", "Are you bound by a non-compete"):
        assert english not in zh, english
    for chinese in ("所查询的公司登记机构", "建议询问的问题", "匹配方式", "竞业限制"):
        assert chinese in zh, chinese
    assert "Question to ask" in en and "Match method" in en
    assert 'id="engine-language"' not in zh_path.read_text(encoding="utf-8")
