"""The report's findings as SQL, so that pages read a page of them, never the whole state.

``shown_findings_sql`` is the set every report page shows: a run's findings about consenting candidates,
each with the requisition it is listed under (its application's job, else the candidate's latest
application's job). ``search_findings`` pages and searches it for the HR page (``/findings``):
``LIMIT``/``OFFSET`` over a stable order, the total counted by the same filters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from include.warehouse.base import Warehouse

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_QUERY = 200  # characters of a search text
STATUSES = ("open", "cleared")
SEVERITY_RANK = "CASE {col} WHEN 'red' THEN 0 WHEN 'yellow' THEN 1 WHEN 'blue' THEN 2 ELSE 3 END"
FINDING_COLUMNS = ("f.finding_id, f.candidate_id, f.application_id, f.kind, f.severity, f.summary, f.question, "
                   "f.evidence, f.message, f.rule_version, f.status, f.first_seen_run, f.last_seen_run, "
                   "f.cleared_reason, f.cleared_by, f.cleared_at")


def shown_findings_sql(where: str, columns: str = FINDING_COLUMNS) -> str:
    """``SELECT columns, req_job`` over the findings of ``discrepancies d`` that pass ``where`` (its
    parameters come first) and whose candidate consents; ``f`` is the finding row."""
    return (
        "WITH shown AS (SELECT d.* FROM discrepancies d JOIN candidates c ON c.candidate_id = d.candidate_id "
        f"WHERE {where} AND c.consent_given), "
        "latest AS (SELECT candidate_id, job_id FROM (SELECT a.candidate_id, a.job_id, ROW_NUMBER() OVER "
        "(PARTITION BY a.candidate_id ORDER BY a.applied_at DESC NULLS LAST, a.application_id) AS rn "
        "FROM applications a WHERE a.candidate_id IN (SELECT candidate_id FROM shown)) x WHERE rn = 1) "
        f"SELECT {columns}, CASE WHEN a.application_id IS NOT NULL THEN a.job_id ELSE l.job_id END AS req_job "
        "FROM shown f LEFT JOIN applications a ON a.application_id = f.application_id "
        "LEFT JOIN latest l ON l.candidate_id = f.candidate_id"
    )


@dataclass(frozen=True)
class Search:
    """What HR asks for: free text (candidate id, name, employer, kind, requisition) and filters."""

    q: str = ""
    severity: str | None = None  # red | yellow | blue
    kind: str | None = None
    status: str | None = None  # open | cleared
    requisition: str | None = None  # a job id
    page: int = 1
    per_page: int = PAGE_SIZE

    @classmethod
    def of(cls, q: Any = None, severity: Any = None, kind: Any = None, status: Any = None,
           requisition: Any = None, page: Any = 1, per_page: Any = PAGE_SIZE) -> Search:
        """From query parameters: unknown values are dropped, numbers clamped (a bad link still shows)."""
        def num(v: Any, default: int, hi: int) -> int:
            try:
                return max(1, min(hi, int(v)))
            except (TypeError, ValueError):
                return default

        return cls(q=str(q or "").strip()[:MAX_QUERY],
                   severity=severity if severity in ("red", "yellow", "blue") else None,
                   kind=str(kind) if kind else None, status=status if status in STATUSES else None,
                   requisition=str(requisition) if requisition else None,
                   page=num(page, 1, 10**6), per_page=num(per_page, PAGE_SIZE, MAX_PAGE_SIZE))


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_findings(wh: Warehouse, run_id: str, s: Search) -> tuple[list[dict[str, Any]], int]:
    """(one page of the run's shown findings that match, worst first then by candidate; how many match)."""
    where: list[str] = []
    params: list[Any] = []
    if s.severity:
        where.append("s.severity = ?")
        params.append(s.severity)
    if s.kind:
        where.append("s.kind = ?")
        params.append(s.kind)
    if s.status == "cleared":
        where.append("COALESCE(s.status, 'open') = 'cleared'")
    elif s.status == "open":
        where.append("COALESCE(s.status, 'open') <> 'cleared'")
    if s.requisition:
        where.append("s.req_job = ?")
        params.append(s.requisition)
    if s.q:
        like = _like(s.q)
        where.append(
            "(LOWER(s.candidate_id) LIKE ? ESCAPE '\\' OR LOWER(COALESCE(c.first_name, '') || ' ' || "
            "COALESCE(c.last_name, '')) LIKE ? ESCAPE '\\' OR LOWER(COALESCE(c.last_name, '') || "
            "COALESCE(c.first_name, '')) LIKE ? ESCAPE '\\' OR LOWER(s.kind) LIKE ? ESCAPE '\\' OR "
            "LOWER(COALESCE(j.name, '')) LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM employments e WHERE "
            "e.candidate_id = s.candidate_id AND LOWER(e.employer) LIKE ? ESCAPE '\\'))")
        params += [like] * 6
    body = (
        "FROM (" + shown_findings_sql("d.last_seen_run = ?") + ") s "
        "JOIN candidates c ON c.candidate_id = s.candidate_id LEFT JOIN jobs j ON j.job_id = s.req_job"
        + (" WHERE " + " AND ".join(where) if where else "")
    )
    total = int(wh.query("SELECT COUNT(*) AS n " + body, [run_id, *params])[0]["n"])
    rows = wh.query(
        "SELECT s.*, c.first_name, c.last_name, c.record_url, j.name AS job_name " + body
        + " ORDER BY " + SEVERITY_RANK.format(col="s.severity")
        + ", LOWER(COALESCE(c.last_name, '')), LOWER(COALESCE(c.first_name, '')), s.candidate_id, s.finding_id "
        "LIMIT ? OFFSET ?",
        [run_id, *params, s.per_page, (s.page - 1) * s.per_page],
    )
    return rows, total


def run_kinds(wh: Warehouse, run_id: str) -> list[str]:
    """The kinds of the run's findings (the search form's choices)."""
    return [r["kind"] for r in wh.query(
        "SELECT DISTINCT kind FROM discrepancies WHERE last_seen_run = ? AND kind IS NOT NULL ORDER BY kind",
        [run_id])]


def run_requisitions(wh: Warehouse, run_id: str) -> list[dict[str, Any]]:
    """(job_id, name) of the requisitions the run's shown findings are listed under, by name."""
    return wh.query(
        "SELECT DISTINCT s.req_job AS job_id, j.name FROM (" + shown_findings_sql("d.last_seen_run = ?")
        + ") s LEFT JOIN jobs j ON j.job_id = s.req_job WHERE s.req_job IS NOT NULL ORDER BY j.name, s.req_job",
        [run_id],
    )
