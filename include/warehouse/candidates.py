"""Candidates, their applications and resume rows: the reads several steps share, asked in one place.

A candidate is *checked* when they consent and have an application; the ingest, check and report
steps and the seal all ask about consent, so the questions live here rather than in each of them.
Values are bound in chunks (``Warehouse.query_in``), never formatted into the SQL.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from include.warehouse.base import IN_CHUNK, Warehouse, quote_ident

CANDIDATE_TABLES = ("employments", "educations")  # rows keyed by candidate_id and source


def candidate_rows(wh: Warehouse, ids: Sequence[str]) -> list[dict[str, Any]]:
    """Whole ``candidates`` rows of these ids (in no particular order)."""
    return wh.query_in("SELECT * FROM candidates WHERE candidate_id IN ({ids})", list(ids))


PEOPLE_COLUMNS = "candidate_id, first_name, last_name, record_url, consent_given"
SCAN_SHARE = 10  # asked for one candidate in SCAN_SHARE or more: one scan of the table beats the IN lists


def report_people(wh: Warehouse, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Candidate id -> the fields a report shows of them (name, link, consent). Many ids (a report's index
    of every candidate with findings) are read in one scan of the table, not in IN lists of 500: at
    100,000 candidates, 50,000 ids took 0.2 s against 1.6 s."""
    if len(ids) > 4 * IN_CHUNK and len(ids) * SCAN_SHARE >= int(
            wh.query("SELECT count(*) AS n FROM candidates")[0]["n"]):
        wanted = set(ids)
        return {r["candidate_id"]: r for r in wh.query(f"SELECT {PEOPLE_COLUMNS} FROM candidates")
                if r["candidate_id"] in wanted}
    rows = wh.query_in(f"SELECT {PEOPLE_COLUMNS} FROM candidates WHERE candidate_id IN ({{ids}})", list(ids))
    return {r["candidate_id"]: r for r in rows}


def consenting_candidate_ids(wh: Warehouse) -> list[str]:
    """Every candidate who consents, application or not (their profiles are read), in id order."""
    rows = wh.query("SELECT candidate_id FROM candidates WHERE consent_given ORDER BY candidate_id")
    return [r["candidate_id"] for r in rows]


def checked_candidate_ids(wh: Warehouse) -> list[str]:
    """The candidates a run checks: consenting, with at least one application; in id order."""
    rows = wh.query(
        "SELECT DISTINCT c.candidate_id FROM candidates c JOIN applications a ON a.candidate_id = c.candidate_id "
        "WHERE c.consent_given ORDER BY c.candidate_id"
    )
    return [r["candidate_id"] for r in rows]


def consent_counts(wh: Warehouse) -> tuple[int, int]:
    """(checked, awaiting consent): candidates with an application, by consent."""
    rows = wh.query(
        "SELECT c.consent_given AS consent, COUNT(DISTINCT c.candidate_id) AS n FROM candidates c "
        "JOIN applications a ON a.candidate_id = c.candidate_id GROUP BY c.consent_given"
    )
    checked = sum(int(r["n"]) for r in rows if r["consent"])
    return checked, sum(int(r["n"]) for r in rows if not r["consent"])


def stored_consents(wh: Warehouse) -> dict[str, dict[str, Any]]:
    """Candidate id -> the consent record stored with them (candidates without one are left out)."""
    out: dict[str, dict[str, Any]] = {}
    for r in wh.query("SELECT candidate_id, consent FROM candidates WHERE consent IS NOT NULL"):
        consent = r["consent"]
        if isinstance(consent, str):  # decoded already when the column is JSON
            consent = json.loads(consent)
        out[r["candidate_id"]] = consent
    return out


def applications_with_jobs(wh: Warehouse, ids: Sequence[str]) -> list[dict[str, Any]]:
    """The candidates' applications with their job's name. Each candidate's rows come together, latest
    application first (an application without a date last), then by application id; candidates come
    in chunks of ids, not sorted among themselves."""
    rows = wh.query_in(
        "SELECT a.application_id, a.candidate_id, a.job_id, a.applied_at, j.name AS job_name "
        "FROM applications a LEFT JOIN jobs j ON j.job_id = a.job_id WHERE a.candidate_id IN ({ids}) "
        "ORDER BY a.candidate_id, a.applied_at DESC NULLS LAST, a.application_id",
        list(ids),
    )
    return rows


def latest_application_ids(wh: Warehouse, ids: Sequence[str]) -> dict[str, str]:
    """Candidate id -> their latest application's id (an undated application only when no other is)."""
    latest: dict[str, str] = {}
    for r in applications_with_jobs(wh, ids):
        latest.setdefault(r["candidate_id"], r["application_id"])
    return latest


def rows_of_candidates(wh: Warehouse, table: str, ids: Sequence[str], order_by: str) -> list[dict[str, Any]]:
    """Whole rows of ``employments`` or ``educations`` for these candidates; each candidate's rows come
    together, ordered by the column ``order_by``."""
    if table not in CANDIDATE_TABLES:
        raise ValueError(f"not a per-candidate table: {table}")
    return wh.query_in(f"SELECT * FROM {quote_ident(table)} WHERE candidate_id IN ({{ids}}) "
                       f"ORDER BY {quote_ident(order_by)}", list(ids))


def delete_candidate_rows(
    wh: Warehouse, table: str, ids: Sequence[str], sources: Sequence[str] | None = None, chunk: int = IN_CHUNK
) -> int:
    """Delete the candidates' rows of ``table`` (only those of ``sources`` when given), ``chunk`` candidates
    per statement; the rows deleted (-1 when the engine cannot say)."""
    if table not in CANDIDATE_TABLES:
        raise ValueError(f"not a per-candidate table: {table}")
    if sources:
        marks = ", ".join("?" for _ in sources)
        return wh.execute_in(f"DELETE FROM {quote_ident(table)} WHERE candidate_id IN ({{ids}}) "
                             f"AND source IN ({marks})", list(ids), list(sources), chunk)
    return wh.execute_in(f"DELETE FROM {quote_ident(table)} WHERE candidate_id IN ({{ids}})", list(ids), None, chunk)


def employers_of(
    wh: Warehouse, ids: Sequence[str], resume_sources: Sequence[str]
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Candidate id -> the employers of their resume jobs (``resume_sources``), and of their other
    (profile) jobs: one name per job, as the check's bundle holds them."""
    resume: dict[str, list[str]] = {}
    profile: dict[str, list[str]] = {}
    for r in wh.query_in("SELECT candidate_id, source, employer FROM employments WHERE candidate_id IN ({ids})",
                         list(ids)):
        (resume if r["source"] in resume_sources else profile).setdefault(r["candidate_id"], []).append(r["employer"])
    return resume, profile


def consenting_employers(wh: Warehouse) -> list[str]:
    """Every employer a consenting candidate names (resume or profile), in name order."""
    rows = wh.query(
        "SELECT DISTINCT e.employer FROM employments e JOIN candidates c ON c.candidate_id = e.candidate_id "
        "WHERE c.consent_given AND e.employer IS NOT NULL ORDER BY e.employer"
    )
    return [r["employer"] for r in rows]


def resume_employments(wh: Warehouse, sources: Sequence[str], ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """(candidate_id, employer, start_raw, end_raw, run_id) of resume jobs (from ``sources``): of these
    candidates, or of every consenting candidate when ``ids`` is None; ``run_id``: the run that stored it."""
    marks = ", ".join("?" for _ in sources)
    if ids is None:
        return wh.query(
            "SELECT e.candidate_id, e.employer, e.start_raw, e.end_raw, e.run_id FROM employments e JOIN candidates c "
            f"ON c.candidate_id = e.candidate_id WHERE c.consent_given AND e.source IN ({marks})",
            list(sources),
        )
    return wh.query_in(
        "SELECT candidate_id, employer, start_raw, end_raw, run_id FROM employments "
        f"WHERE candidate_id IN ({{ids}}) AND source IN ({marks})",
        list(ids),
        list(sources),
    )


def awaiting_consent(wh: Warehouse) -> list[dict[str, Any]]:
    """Every application whose candidate has not consented (the report's "await consent" count, by name):
    the candidate, the requisition, when they applied (when consent was asked), the consent as last read
    and their record in the ATS; the longest waiting first."""
    return wh.query(
        "SELECT c.candidate_id, c.first_name, c.last_name, c.record_url, c.consent, a.application_id, "
        "a.applied_at, j.name AS requisition FROM candidates c "
        "JOIN applications a ON a.candidate_id = c.candidate_id LEFT JOIN jobs j ON j.job_id = a.job_id "
        "WHERE NOT COALESCE(c.consent_given, FALSE) ORDER BY a.applied_at, c.candidate_id, a.application_id"
    )
