"""load_report_data against real warehouses with the project's migrations: DuckDB and PostgreSQL (the
production engine, at 127.0.0.1:5432 as the pipeline's end-to-end tests expect)."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta

import pytest

from include.report.data import evidence_views, load_report_data, safe_link, skipped_sources
from include.warehouse.runs import latest_run
from tests.report.report_seed import DAY, LONG_LAST, PREV_DAY, RUN, XSS_NAME, seed, warehouse


@pytest.fixture(params=["duckdb", "postgres"])
def seeded(request):
    """Overrides the DuckDB-only fixture of conftest.py: every test here runs on both engines."""
    if request.param == "duckdb":
        wh = warehouse()
        seed(wh)
        yield wh
        wh.close()
        return
    import psycopg2

    from include.warehouse import connect

    schema = f"cc_report_{uuid.uuid4().hex[:8]}"
    try:
        conn = psycopg2.connect(
            host="127.0.0.1", port=5432, user="postgres", dbname="test", connect_timeout=5
        )
    except psycopg2.OperationalError as exc:
        pytest.fail(f"PostgreSQL at 127.0.0.1:5432 (database 'test') is required and not reachable: {exc}")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'CREATE SCHEMA "{schema}"')
    wh = connect(
        {
            "conn_type": "postgres",
            "host": "127.0.0.1",
            "port": 5432,
            "login": "postgres",
            "schema": "test",
            "extra": {"search_path": schema},
        }
    )
    try:
        wh.migrate()
        seed(wh)
        yield wh
    finally:
        wh.close()
        with conn.cursor() as cur:
            cur.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        conn.close()


def test_counts(data):
    c = data.counts
    assert (c.candidates_checked, c.awaiting_consent) == (4, 1)
    assert c.open_findings == 5
    assert c.by_severity == {"red": 1, "yellow": 3, "blue": 1}
    assert c.by_kind["career_gap"] == {"red": 0, "yellow": 1, "blue": 1}
    assert c.new_since_yesterday == 3  # first seen in this run and still open
    assert c.cleared == 1
    assert c.candidates_with_findings == 4


def test_grouped_by_requisition_then_candidate_worst_first(data):
    assert [r.name for r in data.requisitions] == [
        "Senior Robotics Engineer",
        "数据分析师 Data Analyst (Shanghai)",
    ]
    first, second = data.requisitions
    assert [c.candidate_id for c in first.candidates] == [
        "greenhouse:1001",
        "greenhouse:1002",
    ]  # red before yellow
    assert [f.finding_id for f in first.candidates[0].findings] == ["f-ana-reg", "f-ana-gap"]
    wang = next(c for c in second.candidates if c.candidate_id == "lever:c-3")
    assert wang.name == "王小明"  # family name first
    assert [f.finding_id for f in wang.findings] == ["f-wang-date", "f-wang-nc"]  # cleared last
    assert wang.findings[1].cleared_by == "Li Hua"
    long = next(c for c in second.candidates if c.candidate_id == "greenhouse:1005")
    assert long.name.endswith(LONG_LAST)
    assert first.candidates[1].name == f"{XSS_NAME} Doe"


def test_no_consent_and_resolved_findings_are_not_shown(data):
    shown = {f.finding_id for _, _, f in data.findings()}
    assert "f-noconsent" not in shown and "f-resolved" not in shown
    assert all(c.candidate_id != "greenhouse:1004" for r in data.requisitions for c in r.candidates)
    assert len(shown) == 6


def test_evidence_links_only_from_http_urls(data):
    xss = data.requisitions[0].candidates[1].findings[0]
    resume, profile = xss.evidence
    assert resume.link is None and resume.record_ref == "javascript:alert(1)"
    assert profile.link == "https://orcid.org/0000-0002-1825-0097"
    assert safe_link("lever:position:e3") is None and safe_link(" https://x.test/a ") == "https://x.test/a"
    assert safe_link("data:text/html,hi") is None


def test_evidence_views_keep_value_order_and_types():
    views = evidence_views(
        json.dumps(
            [
                {
                    "side": "resume",
                    "source": "greenhouse",
                    "record_ref": "r",
                    "values": {"employer": "A", "end": None, "gap": 4, "list": ["x"]},
                }
            ]
        )
    )
    assert views[0].values == [("employer", "A"), ("end", None), ("gap", 4), ("list", ["x"])]


def test_employer_context_for_latest_resume_employer(data):
    ana = data.requisitions[0].candidates[0]
    ctx = ana.employer_context
    assert ctx is not None and ctx.employer == "Halcyon Software Ltd"  # current job, not the 2015 one
    assert (ctx.review_count, ctx.average_rating, ctx.layoff_mentions_90d) == (2, 3.0, 1)


def test_brand_since_previous_report_day(data):
    brand = data.brand
    # inclusive window: the day after the previous report day up to and including the report day
    assert brand is not None and brand.since == PREV_DAY + timedelta(days=1) and brand.until == DAY
    assert brand.window == "since_last_report"
    assert {r.review_id for r in brand.new_negative} == {"er-new-1", "er-new-2"}
    assert brand.topic_counts["layoffs"] == 1 and brand.topic_counts["overtime"] == 2
    assert len(brand.trend) == 12 and brand.trend[-1].month == "2026-11"


def test_skipped_sources_from_sealed_manifest(data):
    assert [(s.source, s.reason) for s in data.skipped_sources] == [
        ("opencorporates", "connection not defined")
    ]


def test_skipped_sources_from_run_parts_before_the_seal(seeded, cfg):
    """The report task runs before seal_run writes pipeline_runs: the run folder's parts are read."""
    run = "cc-2026-11-22-unsealed"
    folder = cfg.data_path() / "runs" / run / "manifest"
    folder.mkdir(parents=True)
    (folder / "source-reviews.json").write_text(
        json.dumps({"source": "reviews", "skipped": True, "reason": "connection not defined"})
    )
    (folder / "profiles-0000.json").write_text(json.dumps({"chunk": 0, "skipped": ["github"]}))
    (folder / "source-greenhouse.json").write_text(json.dumps({"source": "greenhouse", "skipped": False}))
    data = load_report_data(seeded, date(2026, 11, 22), run, cfg)
    assert [s.source for s in data.skipped_sources] == ["github", "reviews"]
    assert data.counts.open_findings == 0 and data.requisitions == []
    assert data.counts.candidates_checked == 4  # counts do not depend on the run


def test_skipped_sources_ignores_sources_that_ran():
    assert skipped_sources({"source-lever": {"skipped": False}, "registries-0001": {"skipped": []}}) == []


def test_latest_run(seeded):
    assert latest_run(seeded) == (RUN, DAY)


def test_query_in_chunks_keep_every_row(seeded):
    ids = ["greenhouse:1001", "greenhouse:1002", "lever:c-3", "greenhouse:1005", "greenhouse:1004", "nobody"]
    rows = seeded.query_in(
        "SELECT candidate_id FROM candidates WHERE candidate_id IN ({ids}) AND source = ?",
        ids,
        ["greenhouse"],
        chunk=2,
    )
    assert sorted(r["candidate_id"] for r in rows) == sorted(i for i in ids if i.startswith("greenhouse"))


def test_the_page_leaves_out_values_hr_reads_past():
    """An unknown employment type (nearly every job) and the engine's normalised name stay in the stored
    evidence but not on the page; a stated employment type is shown."""
    views = evidence_views([{"side": "resume", "source": "greenhouse", "record_ref": "r", "values": {
        "employer": "Acme Ltd", "employment_type": "unknown", "normalised_name": "acme"}},
        {"side": "profile", "source": "orcid", "record_ref": "p", "values": {
            "employer": "Acme", "employment_type": "contract"}}])
    assert [dict(v.values) for v in views] == [{"employer": "Acme Ltd"},
                                               {"employer": "Acme", "employment_type": "contract"}]


def test_employers_pending_at_the_review_feed_are_counted_and_shown(seeded, cfg, data):
    """The review feed's part says how many due employers the run left for later (docs/INCREMENTAL.md#reviews)."""
    from include.report.render import render_html

    assert data.counts.employers_pending == 0 and 'id="employers-pending"' not in render_html(data, "en")
    run = "cc-2026-11-22-pending"
    folder = cfg.data_path() / "runs" / run / "manifest"
    folder.mkdir(parents=True)
    (folder / "source-reviews.json").write_text(json.dumps({"source": "reviews", "skipped": False, "pending": 3}))
    pending = load_report_data(seeded, date(2026, 11, 22), run, cfg)
    assert pending.counts.employers_pending == 3
    assert "Reviews of 3 employers pending refresh" in render_html(pending, "en")
    assert "3 家雇主的员工评价待更新" in render_html(pending, "zh_CN")
