"""The profile read state (``profile_reads``, migration 015): per consenting candidate and profile source,
the last read, what it was for and the validator for a conditional request. ``include.ingest.refresh``
decides from it who is read; ``include.pipeline.ingest.ingest_profiles`` writes it after each read."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from include.warehouse.base import Warehouse

COLUMNS = ("candidate_id", "source", "fingerprint", "etag", "last_modified", "read_at", "outcome", "run_id")


_INPUTS = ("SELECT c.candidate_id, c.orcid, c.github_login, c.updated_at, c.consent, a.application_id, "
           "a.updated_at AS app_updated_at FROM candidates c LEFT JOIN applications a ON a.candidate_id = c.candidate_id "
           "WHERE c.consent_given")


def profile_inputs(wh: Warehouse, ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Consenting candidates' profile ids and ATS stamps (all, or those of ``ids``), one row per candidate and
    application (``application_id``/``app_updated_at`` are None for a candidate without one); a candidate's
    rows come together."""
    if ids is None:
        return wh.query(_INPUTS + " ORDER BY c.candidate_id, a.application_id")
    rows = wh.query_in(_INPUTS + " AND c.candidate_id IN ({ids})", list(ids))
    return sorted(rows, key=lambda r: (r["candidate_id"], str(r["application_id"] or "")))


def read_states(wh: Warehouse, sources: Sequence[str] | None = None) -> dict[tuple[str, str], dict[str, Any]]:
    """(candidate id, source) -> the stored state row."""
    rows = wh.query("SELECT * FROM profile_reads")
    return {(r["candidate_id"], r["source"]): r for r in rows if sources is None or r["source"] in sources}


def states_of(wh: Warehouse, ids: Sequence[str]) -> dict[tuple[str, str], dict[str, Any]]:
    """The state rows of these candidates only."""
    rows = wh.query_in("SELECT * FROM profile_reads WHERE candidate_id IN ({ids})", list(ids))
    return {(r["candidate_id"], r["source"]): r for r in rows}


def record_reads(wh: Warehouse, rows: Sequence[dict[str, Any]]) -> int:
    """Upsert state rows (each with every column of ``COLUMNS``)."""
    return wh.upsert("profile_reads", [{k: r.get(k) for k in COLUMNS} for r in rows], ["candidate_id", "source"])


def forget(wh: Warehouse, ids: Sequence[str]) -> int:
    """Drop the state of these candidates (consent withdrawn: their profile jobs are gone, so the next read
    must be a full one, never a 304 that would keep facts no longer stored)."""
    if not ids:
        return 0
    return wh.execute_in("DELETE FROM profile_reads WHERE candidate_id IN ({ids})", list(ids))
