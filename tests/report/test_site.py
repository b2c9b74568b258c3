"""The report as a site (include/report/site.py): the day report holds the day's items only, capped, and the
day's CSV exactly those; the requisition pages hold every finding exactly once, a bounded number of
candidates a page, each with a CSV of exactly its findings beside it; the whole state's CSV is streamed
from the warehouse; files stay owner-only; no file grows with the state (checked by comparing sizes at two
state sizes, never by timing)."""

from __future__ import annotations

import csv
import io
import json
import re
import stat
from datetime import date
from pathlib import Path

from include.report.data import load_report_data
from include.report.models import Deadline
from include.report.render import CSV_COLUMNS, PAGE_CSV_COLUMNS, findings_csv_chunks, html_chunks, render_csv
from include.report.site import build_site, day_data, requisition_key, run_days, site_index, state_csv_chunks
from include.warehouse import connect
from sandbox.report_state import DAY as BIG_DAY
from sandbox.report_state import RUN as BIG_RUN
from sandbox.report_state import fill
from tests.report.report_seed import DAY, RUN, config, seed, warehouse
from tests.warehouse.wh_fixtures import pg_session, warehouse_spec  # noqa: F401

FINDING = re.compile(r'data-finding="([^"]+)"')
CANDIDATE = re.compile(r'<article class="candidate" data-candidate="([^"]+)"')


def _state(tmp_path: Path, n: int, requisitions: int, name: str = "wh.duckdb"):
    wh = connect({"conn_type": "duckdb", "host": str(tmp_path / name)})
    wh.migrate()
    fill(wh, n, requisitions=requisitions)
    return wh


def _pages(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.html"))


def _page_export(wh, whole, locale: str) -> str:
    """The whole state's findings as the page CSVs write them (``PAGE_CSV_COLUMNS``: no report day, the day
    each finding was first seen instead of "new")."""
    rows = wh.query("SELECT finding_id, first_seen_run FROM discrepancies")
    days = run_days(wh, {r["first_seen_run"] for r in rows})
    seen = {r["finding_id"]: days.get(r["first_seen_run"]) for r in rows}
    return "".join(findings_csv_chunks(None, [(q, c, f.model_copy(update={"first_seen_on": seen[f.finding_id]}))
                                              for q, c, f in whole.findings()], locale))


def _csv(path: Path) -> list[dict[str, str]]:
    """A CSV the site wrote: BOM, CRLF line ends, the columns of ``render.CSV_COLUMNS`` (a page's:
    ``PAGE_CSV_COLUMNS``); its rows."""
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), path
    text = raw.decode("utf-8-sig")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", ""), path  # CRLF (no newline in cells here)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = list(reader)
    assert tuple(reader.fieldnames or ()) == (PAGE_CSV_COLUMNS if path.parent.name == "requisitions" else CSV_COLUMNS), path
    return rows


def _page_csvs_in_order(site_pages: Path, index) -> str:
    """The page CSVs of every requisition, in the index's order and page order, as one CSV (header once)."""
    parts = []
    for q in index.requisitions:
        for page in range(1, q.link.pages + 1):
            name = f"{q.link.key}.csv" if page == 1 else f"{q.link.key}-{page}.csv"
            text = (site_pages / name).read_bytes().decode("utf-8-sig")
            parts.append(text if not parts else text.split("\r\n", 1)[1])
    return "".join(parts)


def _day_listed(day_html: str) -> list[str]:
    """The findings the day report lists, in its order: the new and changed cards, then the red and yellow
    candidates' finding reasons; each once."""
    cards = FINDING.findall(day_html)
    reasons = re.findall(r'<li data-reason="finding"><a href="[^"#]*#f-([^"]+)"', day_html)
    return list(dict.fromkeys([*cards, *reasons]))


def test_seeded_site_holds_every_finding_once_and_the_page_csvs_add_up_to_the_whole_state(tmp_path):
    wh = warehouse()
    seed(wh)
    cfg = config(tmp_path)
    site = build_site(wh, DAY, RUN, cfg, tmp_path / "reports", page_size=1, cap=1)
    whole = load_report_data(wh, DAY, RUN, cfg)
    index = site_index(wh, RUN, 1)
    for locale, paths in site.items():
        on_pages = [fid for p in _pages(paths.pages) for fid in FINDING.findall(p.read_text("utf-8"))]
        assert sorted(on_pages) == sorted(f.finding_id for _, _, f in whole.findings())  # each once
        assert all(len(CANDIDATE.findall(p.read_text("utf-8"))) == 1 for p in _pages(paths.pages))  # page size 1
        # the page CSVs, in the index's order, are the export of the whole state, row for row (without the
        # report day, with the day each finding was first seen)
        assert _page_csvs_in_order(paths.pages, index) == _page_export(wh, whole, locale)
        assert paths.files == len(_pages(paths.pages)) + 1 == paths.csv_files
        # the day's CSV: the findings the day report lists (capped at 1 a list here), not the whole state
        listed = _day_listed(paths.html.read_text("utf-8"))
        assert [r["finding_id"] for r in _csv(paths.csv)] == listed
        assert 0 < len(listed) < len(whole.findings())
        day = paths.html.read_text("utf-8")
        assert 'id="findings"' not in day  # the full list is on the requisition pages, not in the day report
        for href in re.findall(r'href="(report-[^"#]+)', day):
            assert (paths.html.parent / href).is_file(), href
    wh.close()


def test_day_report_lists_only_the_days_items_and_caps_them(tmp_path):
    wh = _state(tmp_path, 800, requisitions=4)
    cfg = config(tmp_path)
    data = day_data(wh, BIG_DAY, BIG_RUN, cfg, cap=5)
    new_ids = {r["finding_id"] for r in wh.query(
        "SELECT finding_id FROM discrepancies WHERE first_seen_run = ? AND last_seen_run = ?", [BIG_RUN, BIG_RUN])}
    changed_ids = {r["finding_id"] for r in wh.query(
        "SELECT n.finding_id FROM run_findings n JOIN run_findings o ON o.finding_id = n.finding_id "
        "WHERE n.run_id = ? AND o.run_id <> n.run_id AND n.row_digest <> o.row_digest", [BIG_RUN])}
    assert data.day is not None and len(new_ids) > 5 and len(changed_ids) > 5
    assert {x.finding.finding_id for x in data.day.new} <= new_ids
    assert len(data.day.new) == 5 and data.day.new_more == len(new_ids) - 5
    assert {x.finding.finding_id for x in data.day.changed} <= changed_ids
    assert len(data.day.changed) + data.day.changed_more == len(changed_ids)
    assert all(x.finding.finding_id not in new_ids for x in data.day.changed)
    red = wh.query("SELECT COUNT(*) AS n FROM candidate_levels WHERE level = 'red' AND run_id = ?", [BIG_RUN])[0]["n"]
    assert len(data.day.red) == 5 and data.day.red_more == red - 5 and data.counts.levels["red"] == red
    # the worst first: a red new finding is listed before any blue one
    sev = [x.finding.severity for x in data.day.new]
    assert sev == sorted(sev, key=["red", "yellow", "blue"].index)
    html = "".join(html_chunks(data, "en"))
    assert len(re.findall(r'data-day="new"', html)) == 5
    assert f"and {data.day.new_more} more" in html
    assert 'data-more="red"' in html and 'data-more="changed"' in html
    # a red candidate's reason links to the requisition page and page number the candidate is on
    index = site_index(wh, BIG_RUN)
    first = data.day.red[0]
    req = index.by_key[first.requisition]
    assert req.candidate_ids.index(first.level.candidate_id) // 100 + 1 == first.page
    wh.close()


def test_requisition_pages_paginate_at_the_page_size_and_old_pages_go(tmp_path):
    wh = _state(tmp_path, 600, requisitions=3)
    cfg = config(tmp_path)
    out = tmp_path / "reports"
    site = build_site(wh, BIG_DAY, BIG_RUN, cfg, out, ["en"], page_size=40)["en"]
    index = site_index(wh, BIG_RUN, 40)
    biggest = max(index.requisitions, key=lambda q: q.link.candidates)
    assert biggest.link.candidates > 80 and biggest.link.pages == -(-biggest.link.candidates // 40)
    seen = []
    for page in range(1, biggest.link.pages + 1):
        name = f"{biggest.link.key}.html" if page == 1 else f"{biggest.link.key}-{page}.html"
        text = (site.pages / name).read_text("utf-8")
        cands = CANDIDATE.findall(text)
        assert 1 <= len(cands) <= 40
        assert f'data-page="{page}"' in text and (page == biggest.link.pages or 'rel="next"' in text)
        seen += cands
    assert seen == biggest.candidate_ids  # every candidate once, in the index's order
    # a bigger page size: fewer pages, and the pages of the old split are removed, with their CSVs
    site = build_site(wh, BIG_DAY, BIG_RUN, cfg, out, ["en"], page_size=1000)["en"]
    assert sorted(p.name for p in _pages(site.pages)) == sorted(f"{q.link.key}.html" for q in index.requisitions)
    assert sorted(p.name for p in site.pages.glob("*.csv")) == sorted(f"{q.link.key}.csv" for q in index.requisitions)
    # private: owner-only files and folders
    for p in [site.html, site.csv, *_pages(site.pages), *site.pages.glob("*.csv")]:
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
    assert stat.S_IMODE(site.pages.stat().st_mode) == 0o700
    wh.close()


def test_no_file_grows_with_the_state(tmp_path):
    """The day report, the day's CSV, the largest requisition page and the largest page CSV are as big at
    5,000 candidates as at 1,000 (same requisitions, same page size): what grows is the number of pages
    and page CSVs, and what they hold together."""
    sizes = {}
    for n in (1000, 5000):
        wh = _state(tmp_path, n, requisitions=10, name=f"wh{n}.duckdb")
        site = build_site(wh, BIG_DAY, BIG_RUN, config(tmp_path / str(n)), tmp_path / str(n), ["en"], page_size=50)["en"]
        wh.close()
        pages, csvs = _pages(site.pages), sorted(site.pages.glob("*.csv"))
        assert [p.stem for p in csvs] == [p.stem for p in pages]
        sizes[n] = (site.html.stat().st_size, max(p.stat().st_size for p in pages), len(pages), site.csv.stat().st_size,
                    max(p.stat().st_size for p in csvs), sum(p.stat().st_size for p in csvs))
    (day1, page1, count1, csv1, pcsv1, all1), (day5, page5, count5, csv5, pcsv5, all5) = sizes[1000], sizes[5000]
    assert day5 < day1 * 1.25 and page5 < page1 * 1.25 and csv5 < csv1 * 1.25 and pcsv5 < pcsv1 * 1.25
    assert count5 > 3 * count1 and all5 > 4 * all1
    # the bound that matters at 100k: a page of 50 candidates of up to 4 findings is far below 5 MB
    assert max(day5, page5, csv5, pcsv5) < 5 * 1024 * 1024 / 10


def test_deadlines_come_first_in_both_locales(tmp_path):
    wh = warehouse()
    seed(wh)
    data = day_data(wh, DAY, RUN, config(tmp_path))
    wh.close()
    data.deadlines = [
        Deadline(kind="dispute", title="Dispute: reinvestigate", candidate_id="greenhouse:1001", name="Ana Silva",
                 due_on=date(2026, 12, 1)),
        Deadline(kind="notice", title="Adverse action notice", candidate_id="greenhouse:1002", name="<b>x</b>",
                 due_on=date(2026, 11, 20), overdue=True, href="requisitions/x.html"),
    ]
    for locale, overdue in (("en", "Overdue"), ("zh_CN", "已逾期")):
        html = "".join(html_chunks(data, locale))
        top = html.index('id="deadlines"')
        assert top < html.index('id="today"') < html.index('id="levels"')
        items = re.findall(r'data-deadline="(\w+)"', html)
        assert items == ["notice", "dispute"]  # by due day: the overdue notice first
        assert overdue in html and "&lt;b&gt;x&lt;/b&gt;" in html


def test_requisition_keys_are_file_safe_and_distinct():
    assert requisition_key("greenhouse-4001") == "greenhouse-4001"
    assert requisition_key(None) == "none"
    odd = ["greenhouse:4001", "greenhouse_4001", "../etc/passwd", "a" * 200, "none", "职位"]
    keys = [requisition_key(x) for x in odd]
    assert len(set(keys)) == len(keys)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{1,60}", k) for k in keys)


def test_index_and_counts_agree_with_the_whole_state_on_both_engines(warehouse_spec, tmp_path):  # noqa: F811
    wh = connect(warehouse_spec)
    wh.migrate()
    try:
        fill(wh, 300, requisitions=5)
        cfg = config(tmp_path)
        whole = load_report_data(wh, BIG_DAY, BIG_RUN, cfg)
        data = day_data(wh, BIG_DAY, BIG_RUN, cfg, page_size=25)
        assert data.counts == whole.counts
        index = site_index(wh, BIG_RUN, 25)
        assert [q.link.name for q in index.requisitions] == [r.name for r in whole.requisitions]
        assert [q.candidate_ids for q in index.requisitions] == [
            [c.candidate_id for c in r.candidates] for r in whole.requisitions]
        assert data.day is not None and data.day.changed  # the previous run's digests are compared
        site = build_site(wh, BIG_DAY, BIG_RUN, cfg, tmp_path / "reports", ["zh_CN"], page_size=25)["zh_CN"]
        assert _page_csvs_in_order(site.pages, index) == _page_export(wh, whole, "zh_CN")  # every finding, once
        assert site.files == site.csv_files == 1 + sum(q.link.pages for q in index.requisitions)
        # the whole state's CSV streamed requisition by requisition is the same export, in pieces
        pieces = list(state_csv_chunks(wh, BIG_DAY, BIG_RUN, cfg, "zh_CN", page_size=25))
        assert len(pieces) > 2 and "".join(pieces) == render_csv(whole, "zh_CN")
    finally:
        wh.close()


def test_the_desk_read_for_its_filters_is_the_desk_of_the_whole_state(tmp_path):
    from include.report.desk import Filters, desk, desk_data, first_seen

    wh = _state(tmp_path, 500, requisitions=5)
    whole = load_report_data(wh, BIG_DAY, BIG_RUN, config(tmp_path))
    seen_all = first_seen(wh, BIG_RUN)
    job = whole.requisitions[1].job_id
    for filters in (Filters.of(), Filters.of(severity="all", status="all", page=3), Filters.of(severity="blue"),
                    Filters.of(status="cleared", severity="all"), Filters.of(requisition=job, kind=whole.findings()[0][2].kind),
                    Filters.of(q="silva", page=2, per_page=10)):
        expected = desk(whole, seen_all, filters)
        data, seen, (reqs, kinds) = desk_data(wh, BIG_RUN, BIG_DAY, filters)
        got = desk(data, seen, filters)
        assert [(r.candidate_id, r.job_id, r.counts, r.kinds, r.age_days) for r in got.rows] == [
            (r.candidate_id, r.job_id, r.counts, r.kinds, r.age_days) for r in expected.rows]
        assert (got.total, got.page, got.pages) == (expected.total, expected.page, expected.pages)
        assert (reqs, kinds) == (expected.requisitions, expected.kinds)
        assert len(data.findings()) <= len(whole.findings())
    wh.close()


def test_each_page_has_the_csv_of_its_findings_and_the_day_csv_the_days(tmp_path):
    """Several requisitions of several pages, in both locales: beside each page a CSV of exactly the
    findings it lists, in its order, which the page links to; the day's CSV is exactly what the day report
    lists; when a requisition shrinks its old pages' CSVs go; every file is owner-only."""
    wh = _state(tmp_path, 400, requisitions=3)
    cfg = config(tmp_path)
    out = tmp_path / "reports"
    site = build_site(wh, BIG_DAY, BIG_RUN, cfg, out, ["en", "zh_CN"], page_size=30, cap=7)
    index = site_index(wh, BIG_RUN, 30)
    assert len(index.requisitions) >= 3 and all(q.link.pages > 1 for q in index.requisitions)
    whole = load_report_data(wh, BIG_DAY, BIG_RUN, cfg)
    for locale, paths in site.items():
        pages = _pages(paths.pages)
        assert len(pages) == sum(q.link.pages for q in index.requisitions) and len(pages) > 3
        for page in pages:
            html = page.read_text("utf-8")
            beside = page.with_suffix(".csv")
            assert f'href="./{beside.name}" data-csv="page"' in html
            rows = _csv(beside)
            assert [r["finding_id"] for r in rows] == FINDING.findall(html) and rows  # exactly the page's
            assert list(dict.fromkeys(r["candidate_id"] for r in rows)) == CANDIDATE.findall(html)
            # the labels in the page's language
            assert all(bool(re.search("[\u4e00-\u9fff]", r["kind_label"])) == (locale == "zh_CN") for r in rows)
        assert sorted(p.stem for p in paths.pages.glob("*.csv")) == sorted(p.stem for p in pages)
        # the day CSV: the findings the day report lists, each once, no more (the rest are "and N more")
        day_rows = _csv(paths.csv)
        listed = _day_listed(paths.html.read_text("utf-8"))
        assert [r["finding_id"] for r in day_rows] == listed
        data = day_data(wh, BIG_DAY, BIG_RUN, cfg, index, 30, cap=7)
        assert data.day is not None and data.day.new_more > 0 and len(data.day.new) == 7
        assert len(listed) < len(whole.findings()) // 4
        for p in [paths.html, paths.csv, *pages, *paths.pages.glob("*.csv")]:
            assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
    # the biggest requisition shrinks to 5 candidates: its later pages and their CSVs go
    biggest = max(index.requisitions, key=lambda q: q.link.candidates)
    assert biggest.link.pages >= 3
    gone = biggest.candidate_ids[5:]
    wh.execute_in("UPDATE discrepancies SET last_seen_run = 'cc-earlier' WHERE candidate_id IN ({ids})", gone)
    site = build_site(wh, BIG_DAY, BIG_RUN, cfg, out, ["en", "zh_CN"], page_size=30, cap=7)
    for paths in site.values():
        mine = sorted(p.name for p in paths.pages.glob(f"{biggest.link.key}*"))
        assert mine == [f"{biggest.link.key}.csv", f"{biggest.link.key}.html"], mine
        assert {r["candidate_id"] for r in _csv(paths.pages / f"{biggest.link.key}.csv")} <= set(
            biggest.candidate_ids[:5])
        assert not set(gone) & {r["candidate_id"] for p in paths.pages.glob("*.csv") for r in _csv(p)}
    wh.close()


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_the_next_day_renders_the_pages_that_changed_and_links_the_rest(tmp_path):
    """Day 2 with one candidate's finding re-read: exactly the page holding them is rendered again (in
    each locale, with its CSV), every other page is a hard link to day 1's file, and the folder is byte for
    byte what a full render of day 2 writes. The day-1 page of the changed candidate keeps what day 1 said."""
    from sandbox.report_state import NEXT_DAY, NEXT_RUN, next_day

    wh = _state(tmp_path, 600, requisitions=3)
    cfg = config(tmp_path)
    out = tmp_path / "reports"
    one = build_site(wh, BIG_DAY, BIG_RUN, cfg, out, ["en", "zh_CN"], page_size=40)
    pages = sum(q.link.pages for q in site_index(wh, BIG_RUN, 40).requisitions)
    assert pages > 5 and all((s.rendered, s.linked) == (pages, 0) for s in one.values())
    assert all(s.files == pages + 1 for s in one.values())
    biggest = max(site_index(wh, BIG_RUN, 40).requisitions, key=lambda q: q.link.candidates)
    cid = biggest.candidate_ids[45]  # on page 2
    changed = next_day(wh, [cid])
    assert changed
    two = build_site(wh, NEXT_DAY, NEXT_RUN, cfg, out, ["en", "zh_CN"], page_size=40)
    fresh = build_site(wh, NEXT_DAY, NEXT_RUN, cfg, tmp_path / "fresh", ["en", "zh_CN"], page_size=40)
    for loc in ("en", "zh_CN"):
        assert (two[loc].rendered, two[loc].linked) == (1, pages - 1)
        assert (fresh[loc].rendered, fresh[loc].linked) == (pages, 0)
        holding = [p.name for p in _pages(two[loc].pages) if f'data-candidate="{cid}"' in p.read_text("utf-8")]
        assert holding == [f"{biggest.link.key}-2.html"]
        # byte for byte a full render of the same day, the CSVs too
        assert _files(two[loc].pages) == _files(fresh[loc].pages)
        for name in _files(two[loc].pages):
            new, old = two[loc].pages / name, one[loc].pages / name
            same_file = new.stat().st_ino == old.stat().st_ino
            assert same_file == (Path(name).stem != f"{biggest.link.key}-2"), name
            assert (new.stat().st_nlink == 2) == same_file
            assert stat.S_IMODE(new.stat().st_mode) == 0o600
        changed_page = (two[loc].pages / f"{biggest.link.key}-2.html").read_text("utf-8")
        assert "The registry was read again." in changed_page
        assert "The registry was read again." not in (one[loc].pages / f"{biggest.link.key}-2.html").read_text("utf-8")
        assert "The registry was read again." in (two[loc].pages / f"{biggest.link.key}-2.csv").read_text("utf-8-sig")
        # a page names neither day nor run; its findings show the day they were first seen
        assert NEXT_RUN not in changed_page and BIG_RUN not in changed_page and 'data-first-seen="' in changed_page
        assert 'class="tag new"' not in changed_page
        assert 'href="../index.html"' in changed_page
        home = two[loc].pages.parent / "index.html"
        assert f'url=../{two[loc].html.name}"' in home.read_text("utf-8") and two[loc].html.is_file()
        record = json.loads((out / f"{two[loc].html.stem}.pages.json").read_text("utf-8"))
        assert sorted(record["pages"]) == sorted(p.stem for p in _pages(two[loc].pages))
        assert stat.S_IMODE((out / f"{two[loc].html.stem}.pages.json").stat().st_mode) == 0o600
    # the same day written again (a clearance, an erasure's re-render): nothing changed, nothing rendered
    again = build_site(wh, NEXT_DAY, NEXT_RUN, cfg, out, ["en", "zh_CN"], page_size=40)
    assert all((s.rendered, s.linked) == (0, pages) for s in again.values())
    assert _files(again["en"].pages) == _files(fresh["en"].pages)
    wh.close()


def test_a_page_written_again_never_changes_the_other_days_link(tmp_path):
    """Day 2's page is day 1's file (a hard link); when day 2 is written again without a candidate, the page
    is a new file (an atomic replace): day 1 still says what it said, day 2 no longer shows them. A record
    whose file is gone never lends a page."""
    from sandbox.report_state import NEXT_DAY, NEXT_RUN, next_day

    wh = _state(tmp_path, 300, requisitions=2)
    cfg = config(tmp_path)
    out = tmp_path / "reports"
    one = build_site(wh, BIG_DAY, BIG_RUN, cfg, out, ["en"], page_size=40)["en"]
    next_day(wh, [])
    two = build_site(wh, NEXT_DAY, NEXT_RUN, cfg, out, ["en"], page_size=40)["en"]
    assert two.rendered == 0 and two.linked == one.rendered
    req = next(q for q in site_index(wh, NEXT_RUN, 40).requisitions if q.link.candidates % 40 != 1)
    cid = req.candidate_ids[-1]  # the last candidate: no other page moves
    name = f"{req.link.key}.html" if req.link.pages == 1 else f"{req.link.key}-{req.link.pages}.html"
    assert (two.pages / name).stat().st_ino == (one.pages / name).stat().st_ino
    wh.execute("UPDATE discrepancies SET last_seen_run = 'cc-gone' WHERE candidate_id = ?", [cid])
    again = build_site(wh, NEXT_DAY, NEXT_RUN, cfg, out, ["en"], page_size=40)["en"]
    assert again.rendered == 1
    assert f'data-candidate="{cid}"' in (one.pages / name).read_text("utf-8")
    assert f'data-candidate="{cid}"' not in (again.pages / name).read_text("utf-8")
    assert cid not in (again.pages / name.replace(".html", ".csv")).read_text("utf-8-sig")
    assert (again.pages / name).stat().st_ino != (one.pages / name).stat().st_ino
    # day 1's page deleted (as an erasure does): a day-3 build renders it instead of linking a file that is gone
    (two.pages / name).unlink()
    for p in one.pages.iterdir():
        p.unlink()
    three = build_site(wh, date(2026, 11, 23), NEXT_RUN, cfg, out, ["en"], page_size=40)["en"]
    assert three.rendered == 1 and three.linked == again.rendered + again.linked - 1
    wh.close()


def test_a_template_change_renders_every_page_again(tmp_path, monkeypatch):
    import shutil

    from include.report import render

    wh = _state(tmp_path, 300, requisitions=2)
    cfg = config(tmp_path)
    out = tmp_path / "reports"
    one = build_site(wh, BIG_DAY, BIG_RUN, cfg, out, ["en"], page_size=40)["en"]
    templates = tmp_path / "templates"
    shutil.copytree(render.TEMPLATES, templates)
    page = templates / "requisition.html.j2"
    page.write_text(page.read_text("utf-8").replace("<body>", "<body>\n<!-- template v2 -->", 1), "utf-8")
    try:
        monkeypatch.setattr(render, "TEMPLATES", templates)
        render.environment.cache_clear()
        two = build_site(wh, BIG_DAY, BIG_RUN, cfg, out, ["en"], page_size=40)["en"]
    finally:
        monkeypatch.undo()
        render.environment.cache_clear()
    assert (two.rendered, two.linked) == (one.rendered, 0)
    assert all("<!-- template v2 -->" in p.read_text("utf-8") for p in _pages(two.pages))
    wh.close()


def test_the_day_csv_names_each_findings_own_requisition(tmp_path):
    """A red candidate with findings under two requisitions (two applications): the day's CSV gives each
    reason its own requisition, and the day report links each reason to the page listing it."""
    wh = _state(tmp_path, 300, requisitions=3)
    cfg = config(tmp_path)
    levels = wh.query("SELECT candidate_id, reasons FROM candidate_levels WHERE run_id = ? AND level = 'red'",
                      [BIG_RUN])
    parsed = [(r["candidate_id"], r["reasons"] if isinstance(r["reasons"], list) else json.loads(r["reasons"]))
              for r in levels]
    cid, reasons = next((c, x) for c, x in parsed if len(x) >= 2)
    moved = reasons[1]["finding_id"]
    own_job = wh.query("SELECT a.job_id FROM applications a WHERE a.candidate_id = ?", [cid])[0]["job_id"]
    other = next(r["job_id"] for r in wh.query("SELECT job_id FROM jobs ORDER BY job_id") if r["job_id"] != own_job)
    wh.execute("INSERT INTO applications (application_id, candidate_id, job_id, applied_at) VALUES (?, ?, ?, ?)",
               ["greenhouse:a-second", cid, other, "2026-01-01"])
    wh.execute("UPDATE discrepancies SET application_id = 'greenhouse:a-second', first_seen_run = 'cc-bench-1' "
               "WHERE finding_id = ?", [moved])
    wh.execute("UPDATE run_findings SET row_digest = 'same' WHERE finding_id = ?", [moved])  # neither new nor changed
    site = build_site(wh, BIG_DAY, BIG_RUN, cfg, tmp_path / "reports", ["en"], page_size=40, cap=300)["en"]
    names = {r["job_id"]: r["name"] for r in wh.query("SELECT job_id, name FROM jobs")}
    jobs = {r["finding_id"]: r["req_job"] for r in wh.query(
        "SELECT d.finding_id, a.job_id AS req_job FROM discrepancies d JOIN applications a "
        "ON a.application_id = d.application_id")}
    rows = _csv(site.csv)
    mine = {r["finding_id"]: r["requisition"] for r in rows if r["candidate_id"] == cid}
    assert moved in mine and names[other] != names[own_job]
    assert mine[moved] == names[other]
    assert all(r["requisition"] == names[jobs[r["finding_id"]]] for r in rows)  # every row, its own
    # the day report's reason links to the other requisition's page, where the finding is
    other_key = next(q.link.key for q in site_index(wh, BIG_RUN, 40).requisitions if q.link.job_id == other)
    link = re.search(rf'data-reason="finding"><a href="([^"#]*)#f-{re.escape(moved)}"', site.html.read_text("utf-8"))
    assert link is not None
    target = (site.html.parent / link.group(1)).read_text("utf-8")
    assert f'data-finding="{moved}"' in target and f'data-requisition="{other_key}"' in target
    wh.close()
