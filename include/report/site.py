"""The daily report as a small site, so that no file grows with the warehouse's history.

* ``report-<day>-<locale>.html``, the day report: what needs HR today (deadlines others add, open red
  candidates, findings new in this run, findings whose stored row changed since the previous run, overdue
  review responses), each list capped at ``DAY_CAP`` with "and N more"; the counts of the whole state;
  the index of requisitions; the employer brand.
* ``report-<day>-<locale>/requisitions/<key>.html`` (then ``<key>-2.html`` ...): one requisition's
  candidates, their levels and findings, ``page_size`` candidates a page; beside each page
  ``<key>.csv`` (``<key>-2.csv`` ...), the CSV of exactly that page's findings (``render.CSV_COLUMNS``,
  UTF-8 with a BOM, CRLF), which the page links to.
* ``report-<day>-<locale>.csv``, the day's export: the findings the day report lists, row for row
  (``day_findings``): the new findings shown, then the changed ones, then the findings given as reasons
  of the red and then the yellow candidates shown, each list capped at ``DAY_CAP`` as on the page, a
  finding listed twice written once. It is bounded by ``DAY_CAP`` (and the findings of ``2 * DAY_CAP``
  candidates), never by the history; everything else is in the requisition CSVs, and the HR page's
  ``/report.csv`` streams the whole state (``state_csv_chunks``).

Every file is written atomically and owner-only; pages and CSVs of a requisition that shrank or went are
removed.

A requisition page (and its CSV) names neither the report day nor the run: it shows the day each finding
was first seen instead of "new", and links to the day report through ``report-<day>-<locale>/index.html``.
So a page whose data did not change is the same file the next day, and the build does not render it: a
digest of what the page is rendered from (``page_digest``) equal to the one recorded for the previous
site's page of the same name (``report-<day>-<locale>.pages.json``) hard-links that file instead
(``_take_over``). Files are only ever replaced (atomically: a new inode), never written in place, so
writing one day again never changes another day's link; an erasure deletes every name of a file that
shows the candidate and drops those pages from the records (``forget_pages``).

Memory: the build reads a light index first (one row per requisition and candidate, aggregated in SQL),
then one requisition page of full findings at a time; the whole state is never in memory at once.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from include.engine.kinds import KINDS
from include.private import private_dir
from include.report import data as d
from include.report import i18n, render
from include.report import reviews as brand
from include.report.models import (
    SEVERITIES,
    CandidateLevelView,
    CandidateView,
    Counts,
    DayData,
    DayFinding,
    DayLevel,
    FindingView,
    LevelReasonView,
    ReportData,
    RequisitionLink,
    RequisitionView,
)
from include.report.render import page_csv_name, page_name, site_dir_name
from include.warehouse import Warehouse, candidates, runs
from include.warehouse.report_search import FINDING_COLUMNS, SEVERITY_RANK, shown_findings_sql

PAGE_SIZE = 100  # candidates per requisition page
DAY_CAP = 50  # items per list of the day report; the rest are counted and linked
LOAD_CANDIDATES = 1000  # candidates whose findings are read at once while the pages are written
MAX_KEY = 60

_OPEN = "COALESCE(f.status, 'open') <> 'cleared'"


def requisition_key(job_id: str | None) -> str:
    """A file name for a requisition: its id when that is plain (letters, digits, ``-``, ``_``), else the
    id's plain part with a short hash, so two ids never share a file; ``none`` for findings without one."""
    if job_id is None:
        return "none"
    plain = re.sub(r"[^A-Za-z0-9_-]", "_", job_id)[:MAX_KEY]
    if plain == job_id and plain not in ("none",):
        return plain
    return f"{plain[:40]}-{hashlib.sha256(job_id.encode()).hexdigest()[:10]}"


@dataclass
class Requisition:
    link: RequisitionLink
    candidate_ids: list[str] = field(default_factory=list)  # in page order


@dataclass
class SiteIndex:
    requisitions: list[Requisition]
    page_of: dict[tuple[str | None, str], int]  # (job id, candidate id) -> page number
    names: dict[str, str]  # candidate id -> display name
    by_key: dict[str, Requisition]


def site_index(wh: Warehouse, run_id: str, page_size: int = PAGE_SIZE) -> SiteIndex:
    """One row per (requisition, candidate) of the run, aggregated in SQL, sorted as the pages show them
    (worst open severity, then name), and cut into pages of ``page_size`` candidates."""
    rows = wh.query(
        "SELECT s.req_job, s.candidate_id, MIN(CASE WHEN s.is_open = 1 THEN s.rank ELSE 3 END) AS worst, "
        "SUM(s.is_open) AS open_n, SUM(CASE WHEN s.is_open = 1 AND s.rank = 0 THEN 1 ELSE 0 END) AS red_n, "
        "SUM(CASE WHEN s.is_open = 1 AND s.first_seen_run = ? THEN 1 ELSE 0 END) AS new_n FROM ("
        + shown_findings_sql("d.last_seen_run = ?", f"f.candidate_id, f.first_seen_run, {SEVERITY_RANK.format(col='f.severity')} "
                     f"AS rank, CASE WHEN {_OPEN} THEN 1 ELSE 0 END AS is_open")
        + ") s GROUP BY s.req_job, s.candidate_id",
        [run_id, run_id],
    )
    ids = sorted({r["candidate_id"] for r in rows})
    names = {cid: d.display_name(p) for cid, p in candidates.report_people(wh, ids).items()}
    jobs = {r["job_id"]: r["name"] for r in wh.query_in("SELECT job_id, name FROM jobs WHERE job_id IN ({ids})",
                                                        sorted({r["req_job"] for r in rows if r["req_job"]}))}
    grouped: dict[str | None, list[dict[str, Any]]] = {}
    for r in rows:
        grouped.setdefault(r["req_job"], []).append(r)
    out: list[Requisition] = []
    page_of: dict[tuple[str | None, str], int] = {}
    keys: set[str] = set()
    for job_id, members in sorted(grouped.items(), key=lambda kv: (kv[0] is None, kv[0] or "")):  # stable keys
        members.sort(key=lambda r: (int(r["worst"]), names.get(r["candidate_id"], "").casefold(), r["candidate_id"]))
        key = requisition_key(job_id)
        while key in keys:  # a plain id that equals another id's hashed key: never share a file
            key = f"{key}-x"
        keys.add(key)
        link = RequisitionLink(
            key=key, job_id=job_id, name=(jobs.get(job_id) or job_id) if job_id else None,
            candidates=len(members), open_findings=sum(int(r["open_n"] or 0) for r in members),
            red_candidates=sum(1 for r in members if int(r["red_n"] or 0)),
            new_findings=sum(int(r["new_n"] or 0) for r in members),
            pages=max(1, -(-len(members) // page_size)),
        )
        req = Requisition(link, [r["candidate_id"] for r in members])
        for n, cid in enumerate(req.candidate_ids):
            page_of[(job_id, cid)] = n // page_size + 1
        out.append(req)
    out.sort(key=lambda q: (q.link.name is None, (q.link.name or "").casefold(), q.link.job_id or ""))
    return SiteIndex(out, page_of, names, {q.link.key: q for q in out})


def counts_of_run(wh: Warehouse, run_id: str) -> Counts:
    """The report's counts of the whole state, aggregated in SQL (what ``data._counts`` counts in memory)."""
    checked, awaiting = candidates.consent_counts(wh)
    counts = Counts(candidates_checked=checked, awaiting_consent=awaiting)
    where = "d.last_seen_run = ? AND c.consent_given"
    base = "FROM discrepancies d JOIN candidates c ON c.candidate_id = d.candidate_id WHERE " + where
    for r in wh.query(
        "SELECT d.kind, d.severity, CASE WHEN COALESCE(d.status, 'open') = 'cleared' THEN 1 ELSE 0 END AS cleared, "
        "CASE WHEN d.first_seen_run = ? THEN 1 ELSE 0 END AS is_new, COUNT(*) AS n " + base
        + " GROUP BY d.kind, d.severity, 3, 4",
        [run_id, run_id],
    ):
        n = int(r["n"])
        if r["cleared"]:
            counts.cleared += n
            continue
        counts.open_findings += n
        counts.by_severity[r["severity"]] = counts.by_severity.get(r["severity"], 0) + n
        per_kind = counts.by_kind.setdefault(r["kind"], {s: 0 for s in SEVERITIES})
        per_kind[r["severity"]] = per_kind.get(r["severity"], 0) + n
        counts.new_since_yesterday += n if r["is_new"] else 0
    row = wh.query(
        "SELECT COUNT(DISTINCT d.candidate_id) AS n, COUNT(DISTINCT CASE WHEN d.severity = 'red' AND "
        "COALESCE(d.status, 'open') <> 'cleared' THEN d.candidate_id END) AS red " + base,
        [run_id],
    )[0]
    counts.candidates_with_findings, counts.need_action = int(row["n"] or 0), int(row["red"] or 0)
    for r in wh.query(
        "SELECT l.level, COUNT(*) AS n FROM candidate_levels l JOIN candidates c ON c.candidate_id = l.candidate_id "
        "WHERE l.run_id = ? AND c.consent_given GROUP BY l.level",
        [run_id],
    ):
        if r["level"] in SEVERITIES:
            counts.levels[r["level"]] = int(r["n"])
    return counts


def previous_run(wh: Warehouse, run_id: str, report_day: date) -> str | None:
    """The run sealed last before this one (on or before its report day), or None on a first run."""
    rows = wh.query(
        "SELECT run_id FROM pipeline_runs WHERE run_id <> ? AND report_day <= ? AND seq < COALESCE("
        "(SELECT seq FROM pipeline_runs WHERE run_id = ?), 9223372036854775807) ORDER BY seq DESC LIMIT 1",
        [run_id, report_day.isoformat(), run_id],
    )
    return str(rows[0]["run_id"]) if rows else None


def _day_findings(wh: Warehouse, sql: str, params: list[Any], run_id: str, index: SiteIndex,
                  cap: int) -> tuple[list[DayFinding], int]:
    """(the first ``cap`` findings of ``sql``, worst first; how many more there are)."""
    rows = wh.query(sql, params)
    rows.sort(key=lambda r: (SEVERITIES.index(r["severity"]) if r["severity"] in SEVERITIES else 3,
                             KINDS.index(r["kind"]) if r["kind"] in KINDS else len(KINDS),
                             index.names.get(r["candidate_id"], "").casefold(), r["finding_id"]))
    keys = {q.link.job_id: q.link for q in index.requisitions}
    out = []
    for r in rows[:cap]:
        link = keys.get(r["req_job"])
        out.append(DayFinding(
            candidate_id=r["candidate_id"], name=index.names.get(r["candidate_id"], r["candidate_id"]),
            requisition=link.key if link else requisition_key(r["req_job"]),
            requisition_name=link.name if link else None,
            page=index.page_of.get((r["req_job"], r["candidate_id"]), 1), finding=d._finding(r, run_id)))
    return out, max(0, len(rows) - cap)


def day_levels(wh: Warehouse, run_id: str, level: str, index: SiteIndex, cap: int) -> tuple[list[DayLevel], int]:
    """The first ``cap`` candidates of ``level`` (by name), with their reasons; and how many more."""
    rows = wh.query(
        "SELECT l.candidate_id FROM candidate_levels l JOIN candidates c ON c.candidate_id = l.candidate_id "
        "WHERE l.run_id = ? AND l.level = ? AND c.consent_given",
        [run_id, level],
    )
    ids = sorted((r["candidate_id"] for r in rows),
                 key=lambda cid: (str(index.names.get(cid) or cid).casefold(), cid))
    shown = ids[:cap]
    stored = {r["candidate_id"]: r for r in wh.query_in(
        "SELECT candidate_id, reasons FROM candidate_levels WHERE candidate_id IN ({ids}) AND run_id = ?",
        shown, [run_id])}
    wanted = sorted({str(x.get("finding_id")) for r in stored.values() for x in d._json(r["reasons"]) or []
                     if isinstance(x, dict) and x.get("reason") == "finding"})
    found = {r["finding_id"]: r for r in wh.query_in(
        shown_findings_sql("d.finding_id IN ({ids}) AND d.last_seen_run = ?", FINDING_COLUMNS), wanted, [run_id])}
    people = candidates.report_people(wh, shown)
    links = {q.link.job_id: q.link for q in index.requisitions}
    out = []
    for cid in shown:
        reasons, where = [], None
        for x in d._json(stored.get(cid, {}).get("reasons")) or []:
            if not isinstance(x, dict):
                continue
            if x.get("reason") == "finding" and x.get("finding_id") in found:
                row = found[x["finding_id"]]
                own = links.get(row["req_job"])  # the finding's own requisition (not the candidate's first)
                reasons.append(LevelReasonView(
                    reason="finding", severity=x["severity"], finding=d._finding(row, run_id),
                    requisition=own.key if own else requisition_key(row["req_job"]),
                    page=index.page_of.get((row["req_job"], cid), 1)))
                where = where or (row["req_job"], cid)
            elif x.get("reason") == "notice":
                reasons.append(LevelReasonView(reason="notice", severity=x["severity"], offered_on=x["offered_on"],
                                               starts_on=x["starts_on"], notice_days=x["notice_days"]))
        link = links.get(where[0]) if where else None
        name = d.display_name(people[cid]) if cid in people else index.names.get(cid, cid)
        out.append(DayLevel(level=CandidateLevelView(candidate_id=cid, name=name, level=level, reasons=reasons),
                            requisition=link.key if link else None,
                            page=index.page_of.get(where, 1) if where else 1))
    return out, len(ids) - len(shown)


def day_data(wh: Warehouse, report_day: date, run_id: str, config: Any, index: SiteIndex | None = None,
             page_size: int = PAGE_SIZE, cap: int = DAY_CAP, today: date | None = None) -> ReportData:
    """The day report's data: overdue notices and waiting periods (as of ``today``, default the report day;
    the HR page passes the real today), the day's needs (capped), the counts, the requisition index, the
    brand."""
    index = index or site_index(wh, run_id, page_size)
    new, new_more = _day_findings(
        wh, shown_findings_sql("d.last_seen_run = ? AND d.first_seen_run = ?", FINDING_COLUMNS), [run_id, run_id],
        run_id, index, cap)
    changed: list[DayFinding] = []
    changed_more = 0
    prev = previous_run(wh, run_id, report_day)
    if prev is not None:
        changed, changed_more = _day_findings(
            wh, shown_findings_sql("d.last_seen_run = ? AND d.first_seen_run <> ? AND EXISTS (SELECT 1 FROM run_findings n "
                           "JOIN run_findings o ON o.finding_id = n.finding_id AND o.run_id = ? WHERE n.run_id = ? "
                           "AND n.finding_id = d.finding_id AND n.row_digest <> o.row_digest)", FINDING_COLUMNS),
            [run_id, run_id, prev, run_id], run_id, index, cap)
    red, red_more = day_levels(wh, run_id, "red", index, cap)
    yellow, yellow_more = day_levels(wh, run_id, "yellow", index, cap)
    company = config.hiring_company.name
    review_rows = d._reviews(wh, report_day)
    employer_brand = None
    if review_rows:
        since, window = brand.brand_window(report_day, runs.previous_report_day(wh, report_day))
        employer_brand = brand.employer_brand(review_rows, company, report_day, since, window)
    run_dir = config.data_path() / "runs" / run_id if hasattr(config, "data_path") else None
    shown = [f.finding for f in [*new, *changed]]
    counts = counts_of_run(wh, run_id)
    counts.profiles_pending = d._profiles_pending(wh, run_id, run_dir)  # the profile reads left for later runs
    counts.employers_pending = d._employers_pending(wh, run_id, run_dir)  # and the review feed's employers
    return ReportData(
        report_day=report_day, run_id=run_id, hiring_company=company,
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        counts=counts,
        skipped_sources=d.skipped_sources(d._manifest_sources(wh, run_id, run_dir)),
        brand=employer_brand,
        notices=d.notice_views(wh, today or report_day, config),
        notices_day=today or report_day,
        notices_cap=cap,
        disputes=d.open_dispute_views(wh, today or report_day),
        loopback_links=any(d.is_loopback_link(e.link) for f in shown for e in f.evidence),
        day=DayData(new=new, new_more=new_more, changed=changed, changed_more=changed_more, red=red,
                    red_more=red_more, yellow=yellow, yellow_more=yellow_more,
                    index=[q.link for q in index.requisitions], page_size=page_size),
    )


def requisition_page(wh: Warehouse, report_day: date, run_id: str, config: Any, req: Requisition, page: int,
                     page_size: int = PAGE_SIZE, review_rows: list[dict[str, Any]] | None = None
                     ) -> RequisitionView:
    """One page of a requisition: its candidates on that page, each with their findings under it."""
    return requisition_pages(wh, report_day, run_id, config, req, page, page, page_size, review_rows)[0]


def requisition_pages(wh: Warehouse, report_day: date, run_id: str, config: Any, req: Requisition, first: int,
                      last: int, page_size: int = PAGE_SIZE, review_rows: list[dict[str, Any]] | None = None
                      ) -> list[RequisitionView]:
    """Pages ``first`` to ``last`` of a requisition, read with one set of queries (fewer round trips than a
    page at a time; the caller bounds ``last - first`` so that memory stays bounded)."""
    ids = req.candidate_ids[(first - 1) * page_size: last * page_size]
    rows = wh.query_in(shown_findings_sql("d.candidate_id IN ({ids}) AND d.last_seen_run = ?", FINDING_COLUMNS),
                       ids, [run_id])
    people = candidates.report_people(wh, ids)
    cands = {cid: CandidateView(candidate_id=cid, name=d.display_name(people[cid]),
                                record_url=d.safe_link(people[cid].get("record_url"))) for cid in ids if cid in people}
    days = run_days(wh, {str(r["first_seen_run"]) for r in rows if r.get("first_seen_run")})
    for r in rows:
        if r["req_job"] == req.link.job_id and r["candidate_id"] in cands:
            f = d._finding(r, run_id)
            f.first_seen_on = days.get(str(r.get("first_seen_run")))
            cands[r["candidate_id"]].findings.append(f)
    views = [RequisitionView(job_id=req.link.job_id, name=req.link.name,
                             candidates=[cands[c] for c in ids[i:i + page_size] if c in cands])
             for i in range(0, max(len(ids), 1), page_size)]
    for cand in cands.values():
        cand.findings = d._sort_findings(cand.findings)
    disputed = {f.finding_id: f for c in cands.values() for f in c.findings if f.status == "disputed"}
    if disputed:  # each disputed finding shows its dispute (received, due, the re-read)
        d.open_dispute_views(wh, report_day, disputed)
    d._add_incomplete(wh, views, ids, run_id, config)
    if review_rows is None:
        review_rows = d._reviews(wh, report_day)
    if ids and review_rows:
        jobs = candidates.resume_employments(wh, d.RESUME_SOURCES, ids)
        contexts = brand.employer_contexts(review_rows, brand.latest_employers(jobs), report_day)
        for cand in cands.values():
            cand.employer_context = contexts.get(cand.candidate_id)
    return views


def run_days(wh: Warehouse, run_ids: set[str]) -> dict[str, str]:
    """Run id -> its report day (ISO), for the runs given."""
    return {str(r["run_id"]): str(r["report_day"])[:10] for r in wh.query_in(
        "SELECT run_id, report_day FROM pipeline_runs WHERE run_id IN ({ids})", sorted(run_ids)) if r["report_day"]}


def candidate_data(wh: Warehouse, report_day: date, run_id: str, config: Any, candidate_id: str) -> ReportData:
    """A ``ReportData`` holding only one candidate, under each requisition the run lists them (what the
    HR page's candidate page needs, read without the rest of the state)."""
    jobs = sorted({r["req_job"] or "" for r in wh.query(
        shown_findings_sql("d.candidate_id = ? AND d.last_seen_run = ?", "f.candidate_id"), [candidate_id, run_id])})
    names = {r["job_id"]: r["name"] for r in wh.query_in("SELECT job_id, name FROM jobs WHERE job_id IN ({ids})",
                                                         [j for j in jobs if j])}
    reqs = []
    for job in jobs:
        job_id = job or None
        link = RequisitionLink(key=requisition_key(job_id), job_id=job_id,
                               name=(names.get(job_id) or job_id) if job_id else None)
        reqs.extend(requisition_pages(wh, report_day, run_id, config, Requisition(link, [candidate_id]), 1, 1, 1))
    return ReportData(report_day=report_day, run_id=run_id, hiring_company=config.hiring_company.name,
                      generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
                      requisitions=[r for r in reqs if r.candidates])


def candidate_levels_of(wh: Warehouse, run_id: str, ids: Sequence[str]) -> dict[str, str]:
    """Candidate id -> stored level, for a page's candidates."""
    return {r["candidate_id"]: r["level"] for r in wh.query_in(
        "SELECT candidate_id, level FROM candidate_levels WHERE candidate_id IN ({ids}) AND run_id = ?",
        list(ids), [run_id])}


def day_findings(data: ReportData, index: SiteIndex) -> list[tuple[RequisitionView, CandidateView, FindingView]]:
    """The findings the day report lists, in its order (new, changed, then the findings behind the red and
    the yellow candidates), each once: the rows of the day's CSV."""
    if data.day is None:
        return []
    names = {q.link.key: q.link.name for q in index.requisitions}
    out: list[tuple[RequisitionView, CandidateView, FindingView]] = []
    seen: set[str] = set()

    def add(key: str | None, name: str | None, cid: str, cand_name: str, f: FindingView) -> None:
        if f.finding_id not in seen:
            seen.add(f.finding_id)
            out.append((RequisitionView(job_id=None, name=name if key is None else names.get(key, name)),
                        CandidateView(candidate_id=cid, name=cand_name), f))

    for x in [*data.day.new, *data.day.changed]:
        add(x.requisition, x.requisition_name, x.candidate_id, x.name, x.finding)
    for lv in [*data.day.red, *data.day.yellow]:
        for reason in lv.level.reasons:
            if reason.finding is not None:  # the finding's own requisition, which may not be the candidate's link's
                add(reason.requisition or lv.requisition, None, lv.level.candidate_id, lv.level.name, reason.finding)
    return out


def state_csv_chunks(wh: Warehouse, report_day: date, run_id: str, config: Any, locale: str = "en",
                     page_size: int = PAGE_SIZE) -> Iterator[str]:
    """The CSV of every finding of the run (the whole state, what ``render.csv_chunks`` writes for
    ``data.load_report_data``), read requisition by requisition through the site's index and yielded a
    few pages at a time: never one string, never the whole state in memory. No BOM: the caller adds it."""
    index = site_index(wh, run_id, page_size)
    yield from render.findings_csv_chunks(report_day, [], locale)  # the header
    step = max(1, LOAD_CANDIDATES // page_size)
    for req in index.requisitions:
        for first in range(1, req.link.pages + 1, step):
            last = min(req.link.pages, first + step - 1)
            views = requisition_pages(wh, report_day, run_id, config, req, first, last, page_size, [])
            rows = [(v, c, f) for v in views for c in v.candidates for f in c.findings]
            if rows:
                yield from render.findings_csv_chunks(report_day, rows, locale, header=False)


@dataclass(frozen=True)
class SitePaths:
    html: Path
    csv: Path
    pages: Path  # the folder of requisition pages and their CSVs
    files: int  # HTML files written (the day report and every requisition page)
    csv_files: int = 0  # CSV files written (the day's export and one per requisition page)
    rendered: int = 0  # requisition pages rendered (each with its CSV) ...
    linked: int = 0  # ... and taken over unchanged from the previous site (see ``build_site``)


RECORD_VERSION = 1


def record_path(out_dir: Path, report_day: date, locale: str) -> Path:
    """``report-<day>-<locale>.pages.json``, beside the site's folder: each requisition page's digest
    (``page_digest``) by page name (``<key>[-n]``: requisition keys, no personal data)."""
    return Path(out_dir) / f"{site_dir_name(report_day, locale)}.pages.json"


@dataclass(frozen=True)
class PageRecord:
    day: date
    folder: Path  # the site's folder of requisition pages
    digests: dict[str, str]  # page name (``<key>[-n]``) -> digest


def previous_record(out_dir: Path, report_day: date, locale: str) -> PageRecord | None:
    """The record of the latest site of ``locale`` on or before ``report_day`` (the same day's when the
    day is written again), or None."""
    pattern = re.compile(rf"report-(\d{{4}}-\d{{2}}-\d{{2}})-{re.escape(locale)}\.pages\.json")
    best: tuple[date, Path] | None = None
    for path in Path(out_dir).glob(f"report-*-{locale}.pages.json"):
        m = pattern.fullmatch(path.name)
        try:
            day = date.fromisoformat(m.group(1)) if m else None
        except ValueError:
            day = None
        if day is not None and day <= report_day and (best is None or day > best[0]):
            best = (day, path)
    if best is None:
        return None
    try:
        raw = json.loads(best[1].read_text("utf-8"))
    except (OSError, ValueError):
        return None
    pages = raw.get("pages") if isinstance(raw, dict) and raw.get("version") == RECORD_VERSION else None
    if not isinstance(pages, dict):
        return None
    return PageRecord(best[0], Path(out_dir) / site_dir_name(best[0], locale) / "requisitions",
                      {str(k): str(v) for k, v in pages.items()})


def forget_pages(out_dir: Path, deleted: Sequence[Path]) -> int:
    """Drop the records of requisition pages whose files were deleted (an erasure), so that no later build
    takes a page over from them; returns how many entries went. A page file gone is never linked anyway
    (``build_site`` links only files that exist); this keeps the record saying what is there."""
    by_record: dict[Path, set[str]] = {}
    for p in deleted:
        p = Path(p)
        if p.parent.name == "requisitions" and p.suffix in (".html", ".csv"):
            site = p.parent.parent
            by_record.setdefault(Path(out_dir) / f"{site.name}.pages.json", set()).add(p.stem)
    gone = 0
    for path, stems in by_record.items():
        try:
            raw = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            continue
        pages = raw.get("pages") if isinstance(raw, dict) else None
        if not isinstance(pages, dict):
            path.unlink(missing_ok=True)
            continue
        hit = stems & set(pages)
        if hit:
            for stem in hit:
                del pages[stem]
            render._write_atomic(path, json.dumps(raw, sort_keys=True), "utf-8")
            gone += len(hit)
    return gone


def page_link(link: RequisitionLink) -> RequisitionLink:
    """What a requisition page's file shows of its index entry (its key, name and number of pages), and
    nothing that changes without the page changing: the counts (candidates, new, red) are left at zero, the
    day report's index shows them."""
    return RequisitionLink(key=link.key, job_id=link.job_id, name=link.name, pages=link.pages)


def page_digest(code: str, company: str, link: RequisitionLink, page: int, view: RequisitionView,
                levels: dict[str, str], locale: str) -> str:
    """A digest of everything a requisition page and its CSV are rendered from: the page's data as the
    template gets it (requisition entry, page number, candidates with their findings and levels, the
    hiring company), the locale, and ``code`` (``render.page_code_digest``: templates, translations and
    rendering code). Equal digests, equal files."""
    h = hashlib.sha256(f"{RECORD_VERSION}\n{code}\n{locale}\n{page}\n".encode())
    h.update(json.dumps({"company": company, "levels": levels}, sort_keys=True).encode())
    h.update(link.model_dump_json().encode())
    h.update(view.model_dump_json().encode())
    return h.hexdigest()


def _take_over(src: Path, dst: Path, names: Sequence[str]) -> bool:
    """Put the previous site's files ``names`` into today's folder as hard links (a copy where the file
    system cannot link), each replacing today's file atomically; False (nothing done) when one is gone."""
    if not all((src / n).is_file() for n in names):
        return False
    if src.resolve() == dst.resolve():
        return True  # the same day written again: the files are in place
    for n in names:
        tmp = dst / f".{n}.{secrets.token_hex(8)}.tmp"
        try:
            try:
                os.link(src / n, tmp)
            except FileNotFoundError:
                return False
            except OSError:
                shutil.copyfile(src / n, tmp)
                os.chmod(tmp, 0o600)
            os.replace(tmp, dst / n)  # a new directory entry: the file it replaces is never written to
        finally:
            Path(tmp).unlink(missing_ok=True)
    return True


def build_site(wh: Warehouse, report_day: date, run_id: str, config: Any, out_dir: Path,
               locales: Sequence[str] = i18n.LOCALES, page_size: int = PAGE_SIZE, cap: int = DAY_CAP
               ) -> dict[str, SitePaths]:
    """Write the day report and its CSV, the requisition pages and their CSVs, in each locale.

    A requisition page (with its CSV) whose digest (``page_digest``, computed from the page's data before
    any rendering) equals the one recorded for the page of the same name in the previous site of the
    locale is hard-linked from there (``_take_over``) instead of rendered; the digests are recorded
    (``record_path``) once every page is in place."""
    if page_size < 1 or cap < 1:
        raise ValueError("page_size and cap must be at least 1")
    locales = list(dict.fromkeys(locales))
    for locale in locales:
        i18n.check_locale(locale)
    out_dir = private_dir(out_dir)
    index = site_index(wh, run_id, page_size)
    data = day_data(wh, report_day, run_id, config, index, page_size, cap)
    review_rows = d._reviews(wh, report_day)
    folders = {loc: private_dir(out_dir / site_dir_name(report_day, loc) / "requisitions") for loc in locales}
    written: dict[str, set[str]] = {loc: set() for loc in locales}
    previous = {loc: previous_record(out_dir, report_day, loc) for loc in locales}
    for loc in locales:  # the pages are about to change: no record may describe them until they are done
        record_path(out_dir, report_day, loc).unlink(missing_ok=True)
    digests: dict[str, dict[str, str]] = {loc: {} for loc in locales}
    rendered = dict.fromkeys(locales, 0)
    linked = dict.fromkeys(locales, 0)
    code = render.page_code_digest()
    for req in index.requisitions:
        link = page_link(req.link)
        step = max(1, LOAD_CANDIDATES // page_size)  # pages read together
        for first in range(1, req.link.pages + 1, step):
            last = min(req.link.pages, first + step - 1)
            views = requisition_pages(wh, report_day, run_id, config, req, first, last, page_size, review_rows)
            levels = candidate_levels_of(wh, run_id, req.candidate_ids[(first - 1) * page_size: last * page_size])
            for page, view in enumerate(views, first):
                for c in view.candidates:
                    for f in c.findings:
                        f.is_new = False  # the page shows the day each was first seen (first_seen_on)
                shown = {c.candidate_id: levels[c.candidate_id] for c in view.candidates if c.candidate_id in levels}
                rows = [(view, c, f) for c in view.candidates for f in c.findings]
                name, csv_name = page_name(req.link.key, page), page_csv_name(req.link.key, page)
                for loc in locales:
                    digest = page_digest(code, data.hiring_company, link, page, view, shown, loc)
                    digests[loc][name.removesuffix(".html")] = digest
                    written[loc].update((name, csv_name))
                    prev = previous[loc]
                    if (prev is not None and prev.digests.get(name.removesuffix(".html")) == digest
                            and _take_over(prev.folder, folders[loc], [name, csv_name])):
                        linked[loc] += 1
                        continue
                    render._write_atomic(folders[loc] / name, render.requisition_chunks(
                        data, link, page, view, shown, loc), "utf-8")
                    # the BOM makes Excel read UTF-8
                    render._write_atomic(folders[loc] / csv_name, render.findings_csv_chunks(None, rows, loc),
                                         "utf-8-sig")
                    rendered[loc] += 1
    listed = day_findings(data, index)
    paths = {}
    for loc in locales:
        for stale in [*folders[loc].glob("*.html"), *folders[loc].glob("*.csv")]:  # a requisition gone, or
            if stale.name not in written[loc]:                                     # fewer pages than last time
                stale.unlink()
        stem = out_dir / site_dir_name(report_day, loc)
        render._write_atomic(stem / render.HOME, render.home_page(report_day, loc), "utf-8")
        day_csv = stem.with_name(stem.name + ".csv")
        render._write_atomic(day_csv, render.findings_csv_chunks(report_day, listed, loc), "utf-8-sig")
        html = stem.with_name(stem.name + ".html")
        render._write_atomic(html, render.html_chunks(data, loc), "utf-8")
        render._write_atomic(record_path(out_dir, report_day, loc), json.dumps(
            {"version": RECORD_VERSION, "day": report_day.isoformat(), "locale": loc, "pages": digests[loc]},
            sort_keys=True), "utf-8")
        pages = sum(1 for n in written[loc] if n.endswith(".html"))
        paths[loc] = SitePaths(html, day_csv, folders[loc], pages + 1, len(written[loc]) - pages + 1,
                               rendered[loc], linked[loc])
    return paths
