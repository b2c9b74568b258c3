"""HR's desk: the latest report's findings as a worklist. First the candidates who need action (open red
and yellow findings), with their requisition, the counts and how long the oldest has waited; search by
name and filters by requisition, kind, severity and status; pages of ``per_page`` rows.

Built from the same ``ReportData`` as the report (``include.report.data.load_report_data``), so the desk
and the report never disagree; the only extra question is when each finding was first seen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

from include.report.models import CandidateView, FindingView, ReportData
from include.warehouse import Warehouse

PER_PAGE = 25
ACTION = ("red", "yellow")  # what "needs action" means when no severity is chosen
STATUSES = ("open", "cleared", "all")


@dataclass(frozen=True)
class Filters:
    """The desk's query. ``severity`` "" is red and yellow (needs action), "all" every severity."""

    q: str = ""
    requisition: str = ""
    kind: str = ""
    severity: str = ""
    status: str = "open"
    page: int = 1
    per_page: int = PER_PAGE

    @classmethod
    def of(cls, q: str | None = None, requisition: str | None = None, kind: str | None = None,
           severity: str | None = None, status: str | None = None, page: Any = 1, per_page: Any = PER_PAGE
           ) -> Filters:
        """From query parameters, each clamped to what it may be (anything else is the default)."""

        def number(value: Any, default: int, low: int, high: int) -> int:
            try:
                return min(max(int(value), low), high)
            except (TypeError, ValueError):
                return default

        return cls(q=(q or "").strip()[:200], requisition=(requisition or "").strip(), kind=(kind or "").strip(),
                   severity=severity if severity in ("red", "yellow", "blue", "all") else "",
                   status=status if status in STATUSES else "open",
                   page=number(page, 1, 1, 10_000), per_page=number(per_page, PER_PAGE, 1, 100))

    def matches(self, f: FindingView) -> bool:
        severities = ACTION if not self.severity else None if self.severity == "all" else (self.severity,)
        return ((severities is None or f.severity in severities) and (not self.kind or f.kind == self.kind)
                and (self.status == "all" or f.status == self.status
                     or (self.status == "open" and f.status == "disputed")))  # a dispute awaits HR's outcome


@dataclass
class Row:
    candidate_id: str
    name: str
    requisition: str | None
    job_id: str | None
    findings: list[FindingView]  # those the filters match
    age_days: int  # since the oldest of them was first seen
    counts: dict[str, int] = field(default_factory=dict)  # severity -> how many of them
    kinds: list[str] = field(default_factory=list)  # their kinds, each once


@dataclass
class Page:
    rows: list[Row]
    total: int
    page: int
    pages: int
    requisitions: list[tuple[str, str]]  # (job id, name) for the filter
    kinds: list[str]


def first_seen(wh: Warehouse, run_id: str) -> dict[str, date]:
    """Finding id -> the report day of the run that first saw it (findings of ``run_id``)."""
    rows = wh.query(
        "SELECT d.finding_id, r.report_day FROM discrepancies d "
        "LEFT JOIN pipeline_runs r ON r.run_id = d.first_seen_run WHERE d.last_seen_run = ?", [run_id])
    out = {}
    for r in rows:
        try:
            out[r["finding_id"]] = date.fromisoformat(str(r["report_day"])[:10])
        except ValueError:
            continue
    return out


def _folded(text: str) -> str:
    return " ".join(text.casefold().split())


def desk(data: ReportData, seen: dict[str, date], filters: Filters) -> Page:
    """The rows the filters select, the most urgent first (most red, then yellow, then the longest
    waiting), and the page asked for."""
    rows: list[Row] = []
    requisitions: dict[str, str] = {}
    kinds: set[str] = set()
    needle = _folded(filters.q)
    for req in data.requisitions:
        if req.job_id:
            requisitions[req.job_id] = req.name or req.job_id
        for cand in req.candidates:
            kinds.update(f.kind for f in cand.findings)
            if filters.requisition and req.job_id != filters.requisition:
                continue
            if needle and needle not in _folded(cand.name):
                continue
            chosen = [f for f in cand.findings if filters.matches(f)]
            if not chosen:
                continue
            oldest = min((seen.get(f.finding_id, data.report_day) for f in chosen), default=data.report_day)
            counts = {s: sum(1 for f in chosen if f.severity == s) for s in ("red", "yellow", "blue")}
            rows.append(Row(cand.candidate_id, cand.name, req.name, req.job_id, chosen,
                            max((data.report_day - oldest).days, 0), counts, sorted({f.kind for f in chosen})))
    rows.sort(key=lambda r: (-r.counts["red"], -r.counts["yellow"], -r.age_days, r.name.casefold(), r.candidate_id))
    pages = max(1, -(-len(rows) // filters.per_page))
    page = min(filters.page, pages)
    start = (page - 1) * filters.per_page
    return Page(rows[start:start + filters.per_page], len(rows), page, pages,
                sorted(requisitions.items(), key=lambda kv: kv[1].casefold()), sorted(kinds))


def candidate_views(data: ReportData, candidate_id: str) -> list[tuple[str | None, CandidateView]]:
    """(requisition name, the candidate under it) for every requisition the candidate applied to."""
    return [(req.name, c) for req in data.requisitions for c in req.candidates if c.candidate_id == candidate_id]


def desk_data(wh: Warehouse, run_id: str, report_day: date, filters: Filters
              ) -> tuple[ReportData, dict[str, date], tuple[list[tuple[str, str]], list[str]]]:
    """What ``desk`` needs, read for ``filters`` only: the findings of their severities, kind and status
    (ids, kinds, severities; no evidence or sentences), grouped as the report groups them; when each was
    first seen; and the filter's choices (every requisition and kind of the run). The page is then the
    same as from the whole state's ``ReportData``, at a fraction of its memory."""
    from include.report.data import display_name
    from include.report.models import RequisitionView
    from include.warehouse import candidates
    from include.warehouse.report_search import shown_findings_sql

    where, params = ["d.last_seen_run = ?"], [run_id]
    severities = ACTION if not filters.severity else None if filters.severity == "all" else (filters.severity,)
    if severities:
        where.append(f"d.severity IN ({', '.join('?' for _ in severities)})")
        params += list(severities)
    if filters.kind:
        where.append("d.kind = ?")
        params.append(filters.kind)
    if filters.status != "all":
        where.append("COALESCE(d.status, 'open') = ?")
        params.append(filters.status)
    rows = wh.query(shown_findings_sql(" AND ".join(where), "f.finding_id, f.candidate_id, f.kind, f.severity, "
                                       "f.status, f.first_seen_run"), params)
    if filters.requisition:
        rows = [r for r in rows if r["req_job"] == filters.requisition]
    days = {r["run_id"]: r["report_day"] for r in wh.query("SELECT run_id, report_day FROM pipeline_runs")}
    seen: dict[str, date] = {}
    for r in rows:
        try:
            seen[r["finding_id"]] = date.fromisoformat(str(days.get(r["first_seen_run"]))[:10])
        except ValueError:
            continue
    people = candidates.report_people(wh, sorted({r["candidate_id"] for r in rows}))
    choices = wh.query("SELECT DISTINCT s.req_job AS job_id, j.name, s.kind FROM (" + shown_findings_sql(
        "d.last_seen_run = ?", "f.kind") + ") s LEFT JOIN jobs j ON j.job_id = s.req_job", [run_id])
    names = {c["job_id"]: c["name"] or c["job_id"] for c in choices if c["job_id"]}
    reqs: dict[str | None, RequisitionView] = {}
    cands: dict[tuple[str | None, str], CandidateView] = {}
    for r in rows:
        job = r["req_job"]
        req = reqs.setdefault(job, RequisitionView(job_id=job, name=names.get(job) if job else None))
        key = (job, r["candidate_id"])
        if key not in cands:
            cands[key] = CandidateView(candidate_id=r["candidate_id"], name=display_name(people[r["candidate_id"]]))
            req.candidates.append(cands[key])
        cands[key].findings.append(FindingView(finding_id=r["finding_id"], kind=r["kind"], severity=r["severity"],
                                               summary="", question="", status=r["status"] or "open"))
    data = ReportData(report_day=report_day, run_id=run_id, hiring_company="", generated_at="",
                      requisitions=list(reqs.values()))
    kinds = sorted({c["kind"] for c in choices if c["kind"]})
    return data, seen, (sorted(names.items(), key=lambda kv: kv[1].casefold()), kinds)


def render_desk(data: ReportData, seen: dict[str, date], filters: Filters, locale: str,
                choices: tuple[list[tuple[str, str]], list[str]] | None = None) -> str:
    """The desk page (HTML) for ``filters``, its links relative to the plugin's mount point; ``choices``
    (requisitions, kinds) replace those of ``data`` when it holds only what the filters select."""
    from include.report import i18n
    from include.report.render import environment

    result = desk(data, seen, filters)
    if choices is not None:
        result.requisitions, result.kinds = choices
    current = {"lang": locale, "q": filters.q, "requisition": filters.requisition, "kind": filters.kind,
               "severity": filters.severity, "status": filters.status, "page": str(result.page)}

    def query(**over: Any) -> str:
        merged = {**current, **{k: str(v) for k, v in over.items()}}
        return urlencode({k: v for k, v in merged.items() if v and not (k == "page" and v == "1")})

    return environment(locale).get_template("desk.html.j2").render(
        lang=i18n.html_lang(locale), locale=locale, report_day=data.report_day, filters=filters, page=result, data=data,
        query=query, candidate_query=lambda cid, lg=locale: urlencode({"id": cid, "lang": lg}))
