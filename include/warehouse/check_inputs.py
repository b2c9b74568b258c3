"""Digests, computed in SQL, of what the check step reads for each candidate and of the register.

The check plan (``include.pipeline.incremental.plan``) compares them with the ones stored at a
candidate's last check, so that a candidate none of whose inputs changed is carried over without being
loaded into Python at all. They are a superset of what the rules read: every column of every row the
check loads for a candidate (``include.pipeline.check.load_bundles``), except the ``run_id`` that says
which run last wrote the row (an unchanged row written again is unchanged). A digest that differs only
sends the candidate to the exact comparison (``incremental.decide``); equal digests mean equal rows.

Hex MD5 strings of rows rendered as text by the database itself: each warehouse compares only digests
it computed, so DuckDB and PostgreSQL need not agree with each other. No personal data leaves the
database: only candidate ids and digests come back (the register's rows, company facts, are streamed
to be hashed here). Both are taken in bounded pieces, so that their memory does not grow with the
history: candidates a range of ids at a time, the register row by row.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Sequence

from include.warehouse.base import Warehouse, in_range, quote_ident

# per-candidate tables the check loads, whole rows (``load_bundles``: the candidate, their resume and
# profile jobs and educations, their applications for the latest one's id)
CANDIDATE_INPUTS = ("candidates", "applications", "employments", "educations")
QUARANTINE_COLUMNS = ("source", "dataset", "record_key", "reason", "raw_pointer", "raw")
SKIPPED = frozenset({"run_id"})
REGISTER_TABLES = {"registry_entities": ("entity_id",), "registry_names": ("entity_id", "position", "name")}
REGISTER_SKIPPED = frozenset({"run_id", "fetched_at"})  # when an entity was fetched is not what it says


def _row_text(columns: Sequence[str], alias: str) -> str:
    """SQL for one row as text: each value tagged so that NULL and an empty string differ."""
    parts = [f"CASE WHEN {alias}.{quote_ident(c)} IS NULL THEN 'N' "
             f"ELSE 'V' || CAST({alias}.{quote_ident(c)} AS VARCHAR) END" for c in columns]
    return "concat_ws(chr(31), " + ", ".join(parts) + ")"


def _columns(wh: Warehouse, table: str, skipped: frozenset[str]) -> list[str]:
    return [c for c in wh.columns(table) if c not in skipped]


INPUT_RANGE = 10_000  # candidates whose rows the warehouse aggregates in one statement


def input_digests(wh: Warehouse, run_id: str, size: int = INPUT_RANGE) -> dict[str, str]:
    """Candidate id -> the digest of every row the check loads for them on run ``run_id``: their
    ``candidates`` row, applications, employments, educations, and the quarantined records the check
    reads for them (those of the run that last wrote the candidate, and of ``run_id``:
    ``include.warehouse.quarantine.incomplete_records``). Candidates with no row anywhere are absent.

    Aggregated a range of ``size`` candidate ids at a time (``id_ranges``): an ordered ``string_agg``
    holds all its input rows at once, so a history's worth in one statement would cost the warehouse
    the text of every row."""
    out: dict[str, str] = {}
    for lo, hi in id_ranges(wh, size):
        parts: dict[str, list[str]] = {}
        for table in CANDIDATE_INPUTS:
            row = _row_text(_columns(wh, table, SKIPPED), "t")
            where, params = in_range("t.candidate_id", lo, hi)
            sql = (f"SELECT t.candidate_id AS cid, md5(string_agg({row}, chr(30) ORDER BY {row})) AS d "
                   f"FROM {quote_ident(table)} t WHERE t.candidate_id IS NOT NULL{where} GROUP BY t.candidate_id")
            for r in wh.query(sql, params):
                parts.setdefault(r["cid"], []).append(f"{table}:{r['d']}")
        row = _row_text(QUARANTINE_COLUMNS, "q")
        where, params = in_range("q.candidate_id", lo, hi)
        sql = (f"SELECT q.candidate_id AS cid, md5(string_agg({row}, chr(30) ORDER BY {row})) AS d "
               "FROM quarantine q JOIN candidates c ON c.candidate_id = q.candidate_id "
               f"WHERE (q.run_id = c.run_id OR q.run_id = ?){where} GROUP BY q.candidate_id")
        for r in wh.query(sql, [run_id, *params]):
            parts.setdefault(r["cid"], []).append(f"quarantine:{r['d']}")
        out.update((cid, hashlib.sha256("\n".join(sorted(p)).encode()).hexdigest()) for cid, p in parts.items())
    return out


def id_ranges(wh: Warehouse, size: int) -> list[tuple[str | None, str | None]]:
    """Half-open ranges ``[lo, hi)`` of candidate ids, about ``size`` candidates each, in the warehouse's
    own order; the first is open below and the last open above, so that together they take in every
    id, a row's whose candidate is not (or no longer) in ``candidates`` too."""
    ids = [r["candidate_id"] for r in wh.query("SELECT candidate_id FROM candidates ORDER BY candidate_id")]
    edges: list[str | None] = [None, *ids[size::size], None]
    return list(itertools.pairwise(edges))


def register_digest(wh: Warehouse) -> str:
    """The digest of the register the check's index is built from (``registry_entities`` and their
    ``registry_names``), fetch times apart: equal digests, the same index. Each table's is the MD5 of its
    rows' text joined in key order, hashed here as the warehouse streams the rows (the value
    ``md5(string_agg(row, chr(30) ORDER BY key, row))`` has, without the warehouse building the string)."""
    h = hashlib.sha256()
    for table, order in REGISTER_TABLES.items():
        row = _row_text(_columns(wh, table, REGISTER_SKIPPED), "t")
        keys = ", ".join(f"t.{quote_ident(c)}" for c in order)
        md5, n = hashlib.md5(usedforsecurity=False), 0
        for (text,) in wh.rows(f"SELECT {row} FROM {quote_ident(table)} t ORDER BY {keys}, {row}"):
            md5.update(("\x1e" if n else "").encode() + text.encode("utf-8"))
            n += 1
        h.update(f"{table}:{n}:{md5.hexdigest() if n else None}\n".encode())
    return h.hexdigest()
